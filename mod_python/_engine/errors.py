"""The one error reporter (DESIGN decision 8) and Apache's canned error pages.

Handler, filter, SSI and connection errors all come here: every traceback line is logged
as "<phase> <handler>: <line>"; with PythonDebug On (and a request) the HTML-escaped
traceback is also sent to the client with status 500 and the result is DONE, else 500.
"""

from __future__ import annotations

import html
import traceback

from .constants import APLOG_ERR, DONE, HTTP_INTERNAL_SERVER_ERROR
from .logs import log_error


def report_error(exc: BaseException, req=None, phase: str = "N/A", handler: str = "N/A",
                 debug: bool = False, write=None) -> int:  # fmt: skip
    """Log ``exc`` and, in debug mode, show it to the client. Returns the handler result."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    for chunk in lines:
        for line in chunk.rstrip("\n").split("\n"):
            message = f"{phase} {handler}: {line}"
            if req is not None:
                req.log_error(message, APLOG_ERR)
            else:
                log_error(message, APLOG_ERR)
    if not debug or req is None:
        return HTTP_INTERNAL_SERVER_ERROR
    req.status = HTTP_INTERNAL_SERVER_ERROR
    req.content_type = "text/html"
    body = [f'\n<pre>\nMod_python error: "{phase} {handler}"\n\n']
    # html.escape with its default quote=True, as apache.py uses it ('"' and "'" too).
    body.extend(html.escape(chunk) + "\n" for chunk in lines)
    body.append("</pre>\n")
    (write or req.write)("".join(body))
    return DONE
