"""How a granian worker process runs the engine.

granian's WSGI layer builds every request's environ as a copy of the worker's whole
``os.environ`` (often 50 to 100 entries) updated with the request's own keys, and its
``start_response`` returns no ``write`` callable. Both cost the engine: a larger dict to
copy and to check against LimitRequestFields on every request, and a wrapper for the write
callable. The process environment is also not what mod_python put in a request: httpd's
CGI variables never included it (only PassEnv names, in ``subprocess_env``).

``load_engine`` is the target loader the granian back-end hands to ``Granian.serve``. It
runs in each worker before granian wraps the application, and replaces granian's WSGI
wrapper (for this worker process only) with ``lean_wsgi_runner``: the request's keys on
top of the few fixed WSGI ones, a ``write`` callable that buffers, the response handed to
granian as granian's own wrapper hands it. When granian is not the layout this was written
against (a private name is missing or has another signature), nothing is replaced and the
worker serves through granian's wrapper and ``WriteCallableFallback``, as before.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any

from . import wsgi_entry

# The modules of granian whose worker spawners call ``_wsgi_call_wrap(callback,
# scope_opts, access_log_fmt)`` (granian 2.x: processes, and threads on free-threaded
# builds).
GRANIAN_SERVER_MODULES = ("granian.server.mp", "granian.server.mt")
_WRAPPER_NAME = "_wsgi_call_wrap"
_WRAPPER_PARAMETERS = ["callback", "scope_opts", "access_log_fmt"]


def load_engine(target: str | None = None) -> Callable:
    """granian's target loader: install the lean runner, then return the application.

    ``target`` (what granian passes: the import string it was given) is ignored: a
    granian worker of ``mod_python serve`` always serves the engine named by
    ``MOD_PYTHON_CONFIG``.
    """
    install_lean_runner()
    return wsgi_entry.buffered_application


def install_lean_runner() -> bool:
    """Replace granian's WSGI wrapper in this process; False when its layout is unknown."""
    installed = False
    for name in GRANIAN_SERVER_MODULES:
        try:
            module = import_module(name)
        except ImportError:
            continue
        original = getattr(module, _WRAPPER_NAME, None)
        if original is None or not _has_known_signature(original):
            continue
        setattr(module, _WRAPPER_NAME, _lean_or_original(original))
        installed = True
    return installed


def _has_known_signature(function: Callable) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return False
    return parameters == _WRAPPER_PARAMETERS


def _lean_or_original(original: Callable) -> Callable:
    def wrap(callback, scope_opts: dict[str, Any], access_log_fmt=None):
        # An access log or a URL prefix: options ``mod_python serve`` never sets; keep
        # granian's own handling of them.
        if access_log_fmt or scope_opts.get("url_path_prefix"):
            return original(callback, scope_opts, access_log_fmt)
        return lean_wsgi_runner(callback)

    wrap.original = original  # type: ignore[attr-defined]
    return wrap


def lean_wsgi_runner(callback: Callable) -> Callable:
    """granian's per-request function ``(proto, scope) -> status`` for ``callback``.

    ``scope`` is the request's part of the environ as granian's HTTP core built it
    (CGI variables, ``HTTP_*`` headers, ``wsgi.input``, ``wsgi.url_scheme``).
    """
    if isinstance(callback, wsgi_entry.WriteCallableFallback):
        callback = callback.app  # the runner below gives a write callable itself
    fixed = {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SCRIPT_NAME": "",
        "SERVER_SOFTWARE": "Granian",
        "wsgi.errors": sys.stderr,
        "wsgi.input_terminated": True,
        "wsgi.multiprocess": False,
        "wsgi.multithread": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }

    def run(proto, scope):
        written: list[bytes] = []
        started: list = []

        def start_response(status, headers, exc_info=None):
            started[:] = (status, headers)
            return written.append

        body = wsgi_entry.body_after_writes(written, callback(fixed | scope, start_response))
        # The engine always starts the response before it returns.
        status = int(started[0].split(" ", 1)[0]) if started else 500
        headers = started[1] if started else []
        if type(body) is list:
            proto.response_bytes(status, headers, b"".join(body))
        else:
            proto.response_iter(status, headers, _IterWithClose(body))
        return status

    return run


class _IterWithClose:
    """What granian's ``response_iter`` takes: ``__next__`` and ``close``."""

    __slots__ = ("inner", "__next__")

    def __init__(self, inner):
        self.inner = inner
        self.__next__ = iter(inner).__next__

    def close(self):
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


__all__ = ["install_lean_runner", "lean_wsgi_runner", "load_engine"]
