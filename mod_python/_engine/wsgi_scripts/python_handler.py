"""``PythonHandler mod_python.wsgi``: a WSGI application inside mod_python's content phase
(SPEC 9.3). ``mod_python.wsgi`` names it; the work happens here.
"""

from __future__ import annotations

from ..constants import APLOG_WARNING, DECLINED, OK
from ..importer import import_module
from .running import run_application

APPLICATION_OPTION = "mod_python.wsgi.application"
BASE_URI_OPTION = "mod_python.wsgi.base_uri"


def find_application(req):
    """The callable ``module[::name]`` named by the option, or None (logged) when absent."""
    spec = req.get_options()[APPLICATION_OPTION]  # a missing option is a KeyError: 500
    application = None
    if spec:
        module_name, _, callable_name = spec.partition("::")
        config = req.get_config()
        module = import_module(
            module_name,
            autoreload=config.get("PythonAutoReload", "1") == "1",
            log=config.get("PythonDebug", "0") == "1",
        )
        application = module.__dict__.get(callable_name or "application")
    if not application:
        req.log_error(
            f"WSGI handler: {APPLICATION_OPTION} ({spec!r}) not found, declining.", APLOG_WARNING
        )
    return application


def handler(req) -> int:
    application = find_application(req)
    if not application:
        return DECLINED
    environ = req.build_wsgi_env()
    if environ is None:
        # Only the option can be at fault: a <Location> base always prefixes the URI.
        base_uri = req.get_options().get(BASE_URI_OPTION)
        req.log_error(
            f"WSGI handler: req.uri ({req.uri!r}) does not start with {BASE_URI_OPTION} "
            f"({base_uri!r}), declining.",
            APLOG_WARNING,
        )
        return DECLINED
    try:
        run_application(req, application, environ, req.wsgi_start_response)
    finally:
        environ["wsgi.errors"].flush()  # a last line without its newline is logged too
    return OK


__all__ = ["find_application", "handler"]
