"""``mod_python.publisher``: publish the functions and objects of .py files as URLs.

The names legacy code uses (``handler``, ``process_auth``, ``resolve_object``,
``publish_object``, ``page_cache``, ``tp_rules``) over the engine's ``publishing`` package.
Use with ``SetHandler mod_python`` (or ``AddHandler mod_python .py``) and
``PythonHandler mod_python.publisher``; docs/publisher.md has the rules.
"""

from __future__ import annotations

from typing import Any

from . import util
from ._engine.publishing import auth as _auth
from ._engine.publishing import handler as _handler
from ._engine.publishing import rendering as _rendering
from ._engine.publishing import traversal as _traversal
from ._engine.publishing.pages import PageCache, page_cache
from ._engine.publishing.rules import default_tp_rule, tp_rules

__all__ = [
    "PageCache",
    "default_tp_rule",
    "handler",
    "page_cache",
    "process_auth",
    "publish_object",
    "resolve_object",
    "tp_rules",
]

process_auth = _auth.process_auth
resolve_object = _traversal.resolve_object


def _form_for(req) -> Any:
    """The request's FieldStorage, blank values kept, as mod_python's publisher builds it."""
    return util.FieldStorage(req, keep_blank_values=1)


def publish_object(req, obj: Any) -> bool:
    """Publish ``obj`` (call it with the form if callable); True when something was written."""
    return _rendering.publish_object(req, obj, _form_for)


def handler(req) -> int:
    """The content handler: resolve the page and object the URL names, and publish it."""
    return _handler.handle(req, _form_for)
