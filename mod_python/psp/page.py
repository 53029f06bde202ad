"""The ``PSP`` page object: find or compile a page's code, run it with the page globals.

A page from a file is compiled once per (file, mtime) and shared by every request and thread
(SPEC 8.2). Running it gives the code mod_python's globals: ``req``, ``psp`` (a
``PSPInterface``), ``form`` and ``session`` (both made only when the page names them), the
constructor's and ``run``'s ``vars``. ``util`` and ``Session`` are imported when first needed.
The handler runs the request's own page through ``cached_request_page`` and ``run_page``, the
same steps as ``PSP(req).run()`` without the object when the page is already compiled.
"""

from __future__ import annotations

import importlib
import os
import sys
from stat import S_ISREG
from types import CodeType

from mod_python import apache

from . import cache, parser
from .code_view import write_code_view
from .settings import page_settings

# Pages from files: one compilation at a time per page, other pages in parallel.
_compile_locks = cache.StripedLocks()

# The globals every page starts from (mod_python.psp's own namespace), built on first use.
_base_namespace: dict | None = None


def _compat_module(name: str):
    """``mod_python.util`` or ``mod_python.Session``, imported only when a page needs it."""
    return importlib.import_module(f"mod_python.{name}")


def _build_base_namespace() -> dict:
    """The globals every page starts from; each run gets a copy (mod_python copied psp's)."""
    global _base_namespace
    namespace = dict(vars(sys.modules["mod_python.psp"]))
    for name in ("util", "Session"):
        try:
            namespace[name] = _compat_module(name)
        except ImportError:
            pass
    _base_namespace = namespace
    return namespace


def _stat_of(req, filename: str) -> os.stat_result | None:
    """The file's stat: the one the engine made of the request's file, else a fresh one."""
    known = getattr(req, "_finfo", None)
    if known is not None and known._fname == filename and known._st is not None:
        return known._st
    try:
        return os.stat(filename)
    except (OSError, ValueError):
        return None


def path_split(filename: str) -> tuple[str, str]:
    """(directory with a trailing separator, file name): the form ``_psp.parse`` takes."""
    directory, name = os.path.split(filename)
    return directory + os.sep, name


def _new_form(req):
    form = _compat_module("util").FieldStorage(req, keep_blank_values=1)
    req.form = form
    return form


class _InstanceInfo:
    """``__mp_info__`` as mod_python's importer gives it to modules (label, file, cache)."""

    def __init__(self, label, file, cache):
        self.label = label
        self.file = file
        self.cache = cache
        self.children = {}


class PSPInterface:
    """The ``psp`` object a page sees: error page, form data and redirects."""

    def __init__(self, req, filename, form):
        self.req = req
        self.filename = filename
        self.error_page = None
        self.form = form

    def set_error_page(self, page: str) -> None:
        """Run ``page`` instead if this page raises; "/x" is under the document root."""
        if page and page[0] == "/":
            self.error_page = PSP(self.req, self.req.document_root() + page)
        else:
            # Relative to this page's directory (a page from a string: the request's).
            here = path_split(self.filename or self.req.filename)[0]
            self.error_page = PSP(self.req, here + page)

    def apply_data(self, object):  # noqa: A002 - mod_python's parameter name
        """Call ``object`` with the form fields its arguments name (``util.apply_fs_data``)."""
        if not self.form:
            # The form is kept on req so that an error page sees the same one.
            self.form = self.req.form if hasattr(self.req, "form") else _new_form(self.req)
        return _compat_module("util").apply_fs_data(object, self.form, req=self.req)

    def redirect(self, location: str, permanent: int = 0) -> None:
        """``util.redirect``: must come before any output; ends the request."""
        _compat_module("util").redirect(self.req, location, permanent)


class PSP:
    """A PSP page from a file (``filename``, default ``req.filename``) or from ``string``."""

    code = None
    dbmcache = None

    def __init__(self, req, filename=None, string=None, vars={}):  # noqa: B006 - the old API
        if string and filename:
            raise ValueError("Must specify either filename or string")
        self.req, self.vars = req, vars
        if not filename and not string:
            filename = req.filename
        self.filename, self.string = filename, string
        if filename:
            if not os.path.isabs(filename):
                self.filename = os.path.join(os.path.split(req.filename)[0], filename)
            self.load_from_file()
        else:
            self.code = _code_from_string(string)

    # ---- finding the code ------------------------------------------------------------------

    def cache_get(self, filename: str, mtime: float) -> CodeType | None:
        self.dbmcache = page_settings(self.req).dbm_file
        if self.dbmcache:
            code = cache.dbm_cache_get(self.req.server, self.dbmcache, filename, mtime)
            if code is not None:
                return code
        return cache.mem_fcache.get(filename, mtime)

    def cache_store(self, filename: str, mtime: float, code: CodeType,
                    dependencies: cache.Dependencies = ()) -> None:  # fmt: skip
        if self.dbmcache:
            cache.dbm_cache_store(self.req.server, self.dbmcache, filename, mtime, code,
                                  dependencies)  # fmt: skip
        else:
            cache.mem_fcache.store(filename, mtime, code, dependencies)

    def cfile_get(self, filename: str, mtime: float) -> CodeType | None:
        return cache.precompiled_get(filename, mtime)

    def load_from_file(self) -> None:
        filename = self.filename
        st = _stat_of(self.req, filename)
        if st is None or not S_ISREG(st.st_mode):
            raise apache.SERVER_RETURN(apache.HTTP_NOT_FOUND)
        mtime = st.st_mtime
        code = self.cache_get(filename, mtime)
        if code is None:
            with _compile_locks.for_key(filename):
                # Another thread may have compiled it while this one waited.
                code = self.cache_get(filename, mtime)
                if code is None:
                    code, dependencies = self._compile(filename, mtime)
                    self.cache_store(filename, mtime, code, dependencies)
        self.code = code

    def _compile(self, filename: str, mtime: float) -> tuple[CodeType, cache.Dependencies]:
        code = self.cfile_get(filename, mtime)
        if code is not None:
            return code, ()
        directory, name = path_split(filename)
        source, included = parser.translate_file(name, directory)
        dependencies = tuple((path, os.path.getmtime(path)) for path in dict.fromkeys(included))
        return compile(source, filename, "exec"), dependencies

    # ---- running -----------------------------------------------------------------------------

    def run(self, vars={}, flush=0) -> None:  # noqa: B006 - the old API
        """Execute the page; on an error, run the error page (if one was set) or re-raise."""
        run_page(self.req, self.code, self.filename, self.vars, vars, flush)

    def __str__(self) -> str:
        self.req.content_type = "text/html"
        self.run()
        return ""

    def display_code(self) -> None:
        """Write an HTML table: the generated Python beside the template, line by line."""
        write_code_view(self.req, self.filename)


def _code_from_string(string) -> CodeType:
    code = cache.mem_scache.get(string)
    if code is None:
        code = compile(parser.parsestring(string), "__psp__", "exec")
        cache.mem_scache.store(string, code)
    return code


def run_page(req, code: CodeType, filename: str | None, page_vars=(), run_vars=(),
             flush: int = 0) -> None:  # fmt: skip
    """``PSP.run``: execute a page's code in mod_python's page globals (the constructor's
    ``page_vars``, then ``run_vars``); on an error, run the error page the page set, or
    re-raise."""
    names = code.co_names
    created_session = None
    if "session" in names and not hasattr(req, "session"):
        # Kept on req so an error page using the session does not lock it again.
        req.session = created_session = _compat_module("Session").Session(req)
    form = None
    if "form" in names:
        form = req.form if hasattr(req, "form") else _new_form(req)
    psp = PSPInterface(req, filename, form)
    try:
        scope = (_base_namespace or _build_base_namespace()).copy()
        scope["req"] = req
        scope["form"] = form
        scope["psp"] = psp
        scope["session"] = getattr(req, "session", None)
        if page_vars:  # (usually empty: skip the calls)
            scope.update(page_vars)
        if run_vars:
            scope.update(run_vars)
        request_file = req.filename
        scope["__file__"] = request_file
        scope["__mp_info__"] = _InstanceInfo(None, request_file, None)
        scope["__mp_path__"] = []
        try:
            exec(code, scope)
            if flush:
                req.flush()
            # Loading a session touches its access time, so it is saved after every page.
            if hasattr(req, "session"):
                req.session.save()
        except Exception as error:
            if psp.error_page is None:
                raise
            psp.error_page.run({"exception": (type(error), error, error.__traceback__)},
                               flush)  # fmt: skip
    finally:
        if created_session is not None:
            # Never leave an unlocked session on req for code that runs later.
            created_session.unlock()
            del req.session


def cached_request_page(req, dbm_file: str | None) -> CodeType | None:
    """The code of the request's own page when the memory cache has it for the file the
    engine found (its stat made for this request), else None (``PSP(req)`` does the rest).

    This is ``PSP(req).code`` for the common case without the object: the same file, stat
    and cache entry, so a page changed on disk is recompiled exactly as before."""
    if dbm_file:
        return None
    filename = req.filename
    known = req._finfo
    if not filename or filename[0] != "/" or known is None or known._fname != filename:
        return None
    st = known._st
    if st is None or not S_ISREG(st.st_mode):
        return None
    return cache.mem_fcache.get(filename, st.st_mtime)
