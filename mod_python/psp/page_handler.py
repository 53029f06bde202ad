"""``PythonHandler mod_python.psp``: serve the request's file as a PSP page (SPEC 8.3)."""

from __future__ import annotations

from mod_python import apache

from .page import PSP, cached_request_page, run_page
from .settings import page_settings


def handler(req) -> int:
    """Run the page; with PythonDebug On, ``page.psp_`` shows ``page.psp``'s generated code."""
    req.content_type = "text/html"
    settings = page_settings(req)
    # The source view exists only in debug mode: otherwise "page.psp_" is just a missing page
    # (404), so neither the template nor its code is ever shown on a production site.
    if settings.debug and req.filename.endswith("_"):
        PSP(req, req.filename[:-1]).display_code()
        return apache.OK
    # No flush: the page's output goes out when the request ends (MODPYTHON-107).
    code = cached_request_page(req, settings.dbm_file)
    if code is None:
        PSP(req).run()
    else:  # what PSP(req).run() does once it found the code, without the object
        run_page(req, code, req.filename)
    return apache.OK
