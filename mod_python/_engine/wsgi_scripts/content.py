"""mod_wsgi's ``wsgi-script`` content handler (WSGIScriptAlias, or SetHandler/AddHandler).

The request's file is a WSGI script: it is loaded into its application group, its
callable (WSGICallableObject, default ``application``) is called with mod_wsgi's environ,
and the response goes out through the request's writer. The checks, statuses and log
lines before that are mod_wsgi's.
"""

from __future__ import annotations

import os
import traceback

from ..constants import (
    APR_DIR,
    HTTP_FORBIDDEN,
    HTTP_INTERNAL_SERVER_ERROR,
    HTTP_LENGTH_REQUIRED,
    HTTP_NOT_FOUND,
    OK,
)  # fmt: skip
from .environ import expand_name, log_wsgi, script_environ
from .groups import in_script, load_script
from .running import run_application

HANDLER_NAME = "wsgi-script"
_DEFAULT_GROUP = "%{RESOURCE}"


def run_wsgi_script(req) -> int:
    """The content phase for a WSGI script: OK, or the HTTP status to answer."""
    settings = req._config.wsgi if req._config is not None else {}
    filename = req.filename or ""
    pid = os.getpid()
    if req.finfo.filetype == APR_DIR:
        log_wsgi(req, f"Attempt to invoke directory as WSGI application: {filename}")
        return HTTP_FORBIDDEN
    if not req.finfo.filetype:
        log_wsgi(req, f"Target WSGI script not found or unable to stat: {filename}")
        return HTTP_NOT_FOUND
    notes = req.notes
    # WSGIScriptAlias marks its target itself; elsewhere mod_wsgi wants Options ExecCGI.
    if notes.get("alias-forced-type") != HANDLER_NAME and (
        "execcgi" not in req._config.effective_options
    ):
        log_wsgi(req, f"Options ExecCGI is off in this directory: {filename}")
        return HTTP_FORBIDDEN
    process_group = expand_name(
        req, notes.get("mod_wsgi.process_group") or settings.get("process_group", ""), ""
    )
    if settings.get("restrict_embedded") and not process_group:
        log_wsgi(req, f"mod_wsgi (pid={pid}): Embedded mode of mod_wsgi disabled by runtime "
                      f"configuration: {filename}")  # fmt: skip
        return HTTP_INTERNAL_SERVER_ERROR
    if (
        not settings.get("chunked_request")
        and "chunked" in req.headers_in.get("Transfer-Encoding", "").lower()
    ):
        log_wsgi(req, "Received request requiring chunked transfer encoding, but optional "
                      "support for chunked transfer encoding has not been enabled.: "
                      f"{filename}")  # fmt: skip
        return HTTP_LENGTH_REQUIRED

    req.add_cgi_vars()
    script_name = req.subprocess_env.get("SCRIPT_NAME", "")
    group = expand_name(
        req, notes.get("mod_wsgi.application_group")
        or settings.get("application_group", _DEFAULT_GROUP), script_name,
    )  # fmt: skip
    callable_name = expand_name(
        req, notes.get("mod_wsgi.callable_object")
        or settings.get("callable_object", "application"), script_name,
    )  # fmt: skip
    module = load_or_report(req, settings, filename, group)
    if module is None:
        return HTTP_INTERNAL_SERVER_ERROR
    application = module.__dict__.get(callable_name)
    if application is None:
        log_wsgi(req, f"mod_wsgi (pid={pid}): Target WSGI script '{filename}' does not contain "
                      f"WSGI application '{callable_name}'.")  # fmt: skip
        return HTTP_NOT_FOUND
    environ = script_environ(
        req, settings, group=group, process_group=process_group,
        callable_name=callable_name, script_file=filename,
    )  # fmt: skip
    response = _Response(req)
    token = in_script.set(True)
    try:
        run_application(req, application, environ, response.start_response, response.started)
    except Exception:  # noqa: BLE001 - the application's error: logged, answered 500
        report_script_error(req, filename)
        # Once the status is out, mod_wsgi only cuts the response short: no error page.
        return OK if req._writer.headers_sent else HTTP_INTERNAL_SERVER_ERROR
    finally:
        in_script.reset(token)
        environ["wsgi.errors"].flush()  # a last line without its newline is logged too
    return OK


def load_or_report(req, settings: dict, path: str, group: str):
    """The script's module in ``group`` as the directives ask; None (logged) when it fails."""
    try:
        return load_script(
            path, group,
            reloading=settings.get("script_reloading", True),
            case_sensitive=settings.get("case_sensitivity", True),
            optimize=settings.get("python_optimize", -1),
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - the script's own error: logged, answered 500
        log_wsgi(req, f"mod_wsgi (pid={os.getpid()}): Failed to exec Python script file "
                      f"'{path}'.")  # fmt: skip
        report_script_error(req, path)
        return None


def report_script_error(req, filename: str) -> None:
    """mod_wsgi's report: a headline naming the script, then the traceback line by line."""
    log_wsgi(req, f"mod_wsgi (pid={os.getpid()}): Exception occurred processing WSGI script "
                  f"'{filename}'.")  # fmt: skip
    for line in traceback.format_exc().rstrip("\n").split("\n"):
        log_wsgi(req, line)


class _Response:
    """mod_wsgi's start_response: PEP 3333's rules over mod_python's header handling."""

    __slots__ = ("_req", "_called")

    def __init__(self, req):
        self._req = req
        self._called = False

    def started(self) -> bool:
        return self._called

    def start_response(self, status, headers, exc_info=None):
        req = self._req
        if exc_info:
            try:
                if req._writer.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self._called and req._writer.headers_sent:
            raise RuntimeError("headers have already been sent")
        if not isinstance(status, str):
            raise TypeError(f"expected unicode object for status, value of type "
                            f"{type(status).__name__} found")  # fmt: skip
        for item in headers if isinstance(headers, list) else ():
            if isinstance(item, tuple) and len(item) == 2:
                _check_header(*item)
        if self._called:
            req.headers_out.clear()  # the application replaces its earlier start_response
        if self._called or any(_is_content_type(item) for item in headers or ()):
            req._content_type = None  # mod_wsgi sets r->content_type from the header
        write = req.wsgi_start_response(status, headers)
        self._called = True
        return write


def _is_content_type(item) -> bool:
    return isinstance(item, tuple) and str(item[0]).lower() == "content-type"


def _check_header(name, value) -> None:
    for text in (name, value):
        if isinstance(text, str) and ("\n" in text or "\r" in text):
            raise ValueError(f"embedded newline in response header with name '{name}' and "
                             f"value '{value}'")  # fmt: skip


__all__ = ["HANDLER_NAME", "load_or_report", "report_script_error", "run_wsgi_script"]
