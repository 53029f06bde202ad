"""``PythonHandler mod_python.wsgi``: run a WSGI application as a mod_python content handler.

    PythonHandler mod_python.wsgi
    PythonOption mod_python.wsgi.application mypackage.site::app
    PythonOption mod_python.wsgi.base_uri /app      (optional; default: the <Location>)

SCRIPT_NAME is the <Location> path (or the base URI option), PATH_INFO the rest of the URI.
"""

from __future__ import annotations

from ._engine.wsgi_scripts.python_handler import handler

__all__ = ["handler"]
