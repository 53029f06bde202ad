"""The engine: Apache's request cycle around mod_python's phases, as one WSGI application.

Engine(environ, start_response)
  -> virtual host (Host header)            -> Request over the environ
  -> post-read-request (Init + PostReadRequest handlers, server config)
  -> URI checks, translate (PythonTransHandler, else DocumentRoot + URI)
  -> map to storage (file + path_info), merged per-directory config
  -> header-parser, access, authen, authz, type, fixups
  -> content (PythonHandler when req.handler is mod_python, else static files)
  -> error document for an HTTP error status
  -> log handlers, cleanups (always)
"""

from __future__ import annotations

import ipaddress
import mimetypes
import os
import re
import stat
import sys
import threading

from .. import version as version_module
from .access import check_access
from .access_log import AccessLogger, record_from_request
from .aliases import translate_alias
from .autoindex import listing
from .config.htaccess import HtaccessError
from .config.server import ServerSettings, load_config_file, load_config_text
from .constants import (
    APLOG_ALERT,
    APLOG_DEBUG,
    APLOG_ERR,
    APLOG_WARNING,
    APR_DIR,
    DECLINED,
    DIR_MAGIC_TYPE,
    DONE,
    HTTP_BAD_REQUEST,
    HTTP_FORBIDDEN,
    HTTP_INTERNAL_SERVER_ERROR,
    HTTP_METHOD_NOT_ALLOWED,
    HTTP_MOVED_PERMANENTLY,
    HTTP_NO_CONTENT,
    HTTP_NOT_MODIFIED,
    HTTP_REQUEST_URI_TOO_LARGE,
    OK,
)  # fmt: skip
from .error_pages import KEEPS_LOCATION, error_page
from .errors import report_error
from .exceptions import SERVER_RETURN
from .filters import insert_configured_filters
from .finfo import finfo
from .global_locks import configure_global_locks
from .header_actions import apply_request_actions
from .importer import apply_python_path, import_module, resolve_object
from .interpreters import running_in
from .logs import ErrorLog, level_from_name, set_main_log
from .output import HEAD_BODY_LENGTH_KEY, ClientGone, ResponseWriter, UnsafeHeader
from .phases import PhaseRunner
from .request import Request
from .server_object import server as server_object_type
from .static_files import serve_static
from .wsgi_scripts.content import HANDLER_NAME as WSGI_SCRIPT_HANDLER
from .wsgi_scripts.content import run_wsgi_script
from .wsgi_scripts.startup import start_wsgi

_PYTHON_HANDLERS = frozenset({"mod_python", "python-program"})
_CGI_HANDLERS = frozenset({"cgi-script", "cgi"})
_MAX_REDIRECTS = 10


class Engine:
    """A configured server; call it as a WSGI application."""

    def __init__(self, settings: ServerSettings, *, error_stream=None, set_argv: bool = True):
        self.settings = settings
        self.phases = PhaseRunner(self)
        self.server_software = (
            f"Apache/2.4 (mod_python-wsgi) mod_python/{version_module.version} "
            f"Python/{sys.version.split()[0]}"
        )
        self._logs: dict[int, ErrorLog] = {}
        self._servers: dict[int, server_object_type] = {}
        self._error_stream = error_stream
        previous = None
        for record in [settings, *settings.vhosts]:
            self._servers[id(record)] = server_object_type(record, self.error_log_for(record))
            if previous is not None:
                previous._next = self._servers[id(record)]
            previous = self._servers[id(record)]
        set_main_log(self.error_log_for(settings))
        self.main_server = self._servers[id(settings)]
        self._mime_types = _load_mime_types(settings.types_config)
        options = dict(settings.config.option_items())
        configure_global_locks(
            options.get("mod_python.mutex_directory") or None,
            int(options.get("mod_python.mutex_locks") or 8),
        )
        self._redirect_guard = threading.local()
        self._autoindex_loaded = "autoindex" in settings.loaded_modules
        self._auth_basic_loaded = "auth_basic" in settings.loaded_modules
        self._access_log = None
        if any(record.custom_logs for record in [settings, *settings.vhosts]):
            self._access_log = AccessLogger(settings, error_stream=error_stream)
        for warning in settings.warnings:
            self.main_server.log_error(f"config: {warning}", APLOG_WARNING)
        if set_argv:
            sys.argv = ["mod_python"]
        from .. import apache

        apache._set_main_server(self.main_server, self)
        self._run_python_imports()
        start_wsgi(settings, self.main_server.log_error)

    # ---- construction helpers ------------------------------------------------------------

    @classmethod
    def from_config_file(cls, path: str, defines=None, **kwargs) -> Engine:
        return cls(load_config_file(path, defines), **kwargs)

    @classmethod
    def from_config_text(cls, text: str, file: str = "<config>", defines=None, **kwargs) -> Engine:
        return cls(load_config_text(text, file, defines), **kwargs)

    @classmethod
    def from_config_objects(cls, config, defines=None, base_dir=None, **kwargs) -> Engine:
        """From httpdconf objects: rendered to text, then read by the same parser."""
        return cls(load_config_text(str(config), "<httpdconf>", defines, base_dir), **kwargs)

    def reopen_logs(self) -> None:
        """Reopen the access logs (log rotation: the daemon calls this on SIGUSR1)."""
        if self._access_log is not None:
            self._access_log.reopen()

    def server_object(self, settings: ServerSettings):
        return self._servers[id(settings)]

    def error_log_for(self, settings: ServerSettings) -> ErrorLog:
        log = self._logs.get(id(settings))
        if log is None:
            path = settings.error_log
            if self._error_stream is not None or path in ("", "stderr", "/dev/stderr"):
                log = ErrorLog(level=level_from_name(settings.log_level), stream=self._error_stream)
            else:
                if not os.path.isabs(path):
                    path = os.path.join(settings.server_root or os.getcwd(), path)
                log = ErrorLog(path, level_from_name(settings.log_level))
            self._logs[id(settings)] = log
        return log

    def _run_python_imports(self) -> None:
        """PythonImport, run once per process, last declared first (SPEC 1.3 row 24)."""
        config = self.settings.config
        for spec, interpreter in reversed(self.settings.python_imports):
            module_name, _, function = spec.partition("::")
            try:
                with running_in(interpreter):
                    if config.directives.get("PythonPath"):
                        apply_python_path(config.directives["PythonPath"])
                    module = import_module(module_name, log=config.debug)
                    if function:
                        resolve_object(module, function)()
            except Exception as error:  # noqa: BLE001 - reported, start-up goes on
                report_error(error, phase="directive_PythonImport", handler=spec)
                self.main_server.log_error(
                    f"directive_PythonImport: error importing {spec}", APLOG_ERR
                )

    # ---- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        settings = self.settings
        vhost = settings
        if settings.vhosts:
            vhost = settings.select_vhost(
                environ.get("HTTP_HOST"), environ.get("SERVER_PORT"), environ.get("SERVER_ADDR")
            )
        writer = ResponseWriter(
            start_response, environ.get("REQUEST_METHOD") == "HEAD", self.server_software
        )
        req = Request(self, environ, writer, vhost, None)  # its connection made on first use
        writer.active = req
        try:
            self._serve(req)
            if not writer.headers_sent:
                writer.check_held_headers()
        except ClientGone:
            pass
        except UnsafeHeader:  # logged by the writer (AH02430); httpd answers 500
            if not writer.headers_sent:
                self._die(writer.active, HTTP_INTERNAL_SERVER_ERROR)
        except Exception as error:  # noqa: BLE001 - an engine fault must not reach the client raw
            report_error(error, req, "mod_python", "engine")
            if not writer.headers_sent:
                self._die(writer.active, HTTP_INTERNAL_SERVER_ERROR)
            _end_all_output(req)
        finally:
            final = req
            while final._next is not None:
                final = final._next
            if final._unflushed or final._prev is not None:
                final._response_done()
            if self._access_log is not None:
                self._access_log.log(record_from_request(final), req._vhost)
            config = final._config or final._vhost.config
            if "PythonLogHandler" in config.handler_phases or final._dynamic_handlers:
                self._log_phase(final)
            if (
                req._next is not None
                or req._cleanups
                or req._dynamic_handlers
                or "PythonCleanupHandler" in config.handler_phases
            ):
                self._cleanups(req)
        body = writer.finish()
        if writer.withheld:
            environ[HEAD_BODY_LENGTH_KEY] = writer.withheld
        # The writer and the request point at each other: cut the link, so the request's
        # objects are freed now by reference counting, not later by the cyclic GC.
        writer.active = None
        return body

    # ---- the request cycle ----------------------------------------------------------------

    def _serve(self, req: Request) -> None:
        status = _protocol_limits(req, self.settings)
        if status != OK:
            self._die(req, status)
            return
        config = req._vhost.config
        status = DECLINED
        if config.handler_phases or req._dynamic_handlers:
            status = self.phases.run(req, "PythonInitHandler", config)
            if status in (OK, DECLINED):
                status = self.phases.run(req, "PythonPostReadRequestHandler", config)
        if status == DONE:
            return
        if status not in (OK, DECLINED):
            self._die(req, status)
            return
        self._process(req)

    def _process(self, req: Request) -> None:
        """ap_process_request_internal + the content handler + ap_die, for one request."""
        status = self._run_request(req, subrequest=False)
        if status not in (OK, DONE):
            self._die(req, status)
        if req._output_chain is not None:  # ap_finalize_request_protocol: EOS down the filters
            req._end_output()

    def _run_request(self, req: Request, subrequest: bool) -> int:
        """The phases, then (ap_invoke_handler) the configured filters and the content."""
        try:
            status = self._run_until_content(req, subrequest=subrequest)
            if status == OK:
                config = req._config
                if config.add_output_filters or config.add_input_filters:
                    insert_configured_filters(req, config)
                status = self._content(req)
        except SERVER_RETURN as returned:
            # Raised outside a handler call (e.g. by req.read setting up the body).
            status = returned.args[0] if returned.args else HTTP_INTERNAL_SERVER_ERROR
        return status

    def _run_until_content(self, req: Request, subrequest: bool = False) -> int:
        # A phase without handlers is skipped here at the cost of a set lookup (DESIGN 3).
        phases = self.phases
        uri = req._uri
        if not uri.startswith("/"):
            return HTTP_BAD_REQUEST
        if "/." in uri or "//" in uri:
            normalized = _normalize_uri(uri)
            if normalized is None:
                req.log_error(f"AH10244: invalid URI path ({uri})")
                return HTTP_BAD_REQUEST
            req._uri = normalized  # engine-side: no Latin-1 check as for handler assignments
        vhost = req._vhost
        status = DECLINED
        if vhost.alias_rules:  # mod_alias translates ahead of PythonTransHandler
            status = translate_alias(req, vhost.alias_rules)
        if status == DECLINED and (
            "PythonTransHandler" in vhost.config.handler_phases or req._dynamic_handlers
        ):
            status = phases.run(req, "PythonTransHandler", vhost.config)
        skip_directories = False
        if status == DECLINED:
            if vhost._locations_with_handlers and vhost.location_handlers_skip_storage(req._uri):
                # mod_python's shortcut: a handler in <Location> skips filesystem mapping.
                skip_directories = True
            else:
                req._filename = vhost.document_root.rstrip("/") + req._uri
        elif status != OK:
            return status
        if not skip_directories and req._filename:
            _map_to_storage(req)
            req._canonical_filename = req._filename
        walked = req._filename  # a directory's own <Directory> applies to it: walk "dir/"
        if walked and not walked.endswith("/") and (req._finfo or req.finfo).filetype == APR_DIR:
            walked += "/"
        try:
            config = vhost.config_for(walked, req._uri, skip_directories)
        except HtaccessError as error:
            req.log_error(str(error), APLOG_ALERT)
            return HTTP_INTERNAL_SERVER_ERROR
        if config is not req._config:
            req._set_config(config)
        handler_phases = config.handler_phases
        if (
            req._filename
            and not skip_directories
            and not config.follows_symlinks
            and _symlink_refused(req, config)
        ):
            req.log_error(
                f"AH00037: Symbolic link not allowed or link target not accessible: {req.filename}"
            )
            return HTTP_FORBIDDEN

        # Directory-level PythonInitHandler never runs for main requests (SPEC 2.1 row 3):
        # only after an internal redirect, whose notes are fresh.
        if req._prev is not None:
            status = phases.run(req, "PythonInitHandler", config)
            if status not in (OK, DECLINED):
                return status
        # httpd runs header parsers for main requests only.
        if not subrequest and (
            "PythonHeaderParserHandler" in handler_phases or req._dynamic_handlers
        ):
            status = phases.run(req, "PythonHeaderParserHandler", config)
            if status not in (OK, DECLINED):
                return status
        if (
            not config.access_is_open
            or "PythonAccessHandler" in handler_phases
            or req._dynamic_handlers
            or config.wsgi
        ):
            status = check_access(phases, req, config, self._auth_basic_loaded)
            if status != OK:
                return status
        status = DECLINED
        if "PythonTypeHandler" in handler_phases or req._dynamic_handlers:
            status = phases.run(req, "PythonTypeHandler", config)
        if status == DECLINED:
            self._mime_type_check(req, config)
        elif status != OK:
            return status
        # Core fixups first: SetHandler and ForceType override what the type phase chose.
        # "SetHandler None" only cancels an inherited SetHandler: the handler mod_mime chose
        # (AddHandler) stays, as in httpd's core_override_type.
        if config.set_handler:
            req._handler = config.set_handler
        if config.force_type:
            req.content_type = config.force_type
        # mod_alias (section Redirects) and mod_env, then mod_python, then mod_headers.
        if config.redirects:
            status = translate_alias(req, config.redirects)
            if status != DECLINED:
                return status
        if config.set_env:
            _apply_set_env(req.subprocess_env, config.set_env)
        if "PythonFixupHandler" in handler_phases or req._dynamic_handlers:
            status = phases.run(req, "PythonFixupHandler", config)
            if status not in (OK, DECLINED):
                return status
        if config.request_header_actions:
            apply_request_actions(req, config.request_header_actions)
        if req._filename is None or req._path_info or (req._finfo or req.finfo).filetype != APR_DIR:
            return OK
        return self._directory_fixup(req, config)

    def _mime_type_check(self, req: Request, config) -> None:
        """mod_mime: content type and handler from every extension of the file name."""
        filename = req._filename
        if not filename:
            return
        if (req._finfo or req.finfo).filetype == APR_DIR:
            req._content_type = DIR_MAGIC_TYPE  # set by mod_mime, not by Python code
            return
        suffix = filename.rpartition("/")[2].partition(".")[2].lower()
        if not suffix:
            return
        cache = config.mime_cache
        found = cache.get(suffix)
        if found is None:
            content_type = handler = None
            for part in suffix.split("."):
                ext = "." + part
                content_type = (
                    config.add_types.get(ext) or self._mime_types.get(ext) or content_type
                )
                handler = config.add_handlers.get(ext, handler)
            found = cache[suffix] = (content_type, handler)
        content_type, handler = found
        if content_type:
            req._content_type = content_type
        if handler is not None:
            req.handler = handler or None

    def _directory_fixup(self, req: Request, config) -> int:
        """mod_dir, whatever handler is set (DirectoryCheckHandler Off): a directory URL
        without "/" is redirected; with one, the first DirectoryIndex file that exists
        takes the request over (httpd's fast internal redirect: no new request object)."""
        if req._filename is None or req.finfo.filetype != 2 or req._path_info:
            return OK
        if not req.uri.endswith("/"):
            if config.directory_slash is False:
                return OK
            location = req.uri + "/" + (f"?{req.args}" if req.args else "")
            req.headers_out["Location"] = req.construct_url(location)
            return HTTP_MOVED_PERMANENTLY
        names = ("index.html",) if config.directory_index is None else config.directory_index
        for name in names:
            if name.startswith("/"):
                uri, candidate = name, req._vhost.document_root.rstrip("/") + name
            else:
                uri, candidate = req.uri + name, os.path.join(req.filename, name)
            if os.path.isfile(candidate):
                return self._fast_redirect(req, uri)
        return OK

    def _fast_redirect(self, req: Request, uri: str) -> int:
        """ap_internal_fast_redirect: the same request continues with another URI."""
        req._uri = uri
        req._filename = req._canonical_filename = req._path_info = req._finfo = None
        req._handler = None
        req._content_type = None
        req._type_assigned = 0
        return self._run_until_content(req, subrequest=True)

    def _content(self, req: Request) -> int:
        status = DECLINED
        handler = req.handler
        if handler in _PYTHON_HANDLERS:
            status = self.phases.run(req, "PythonHandler", req._config)
        elif handler in _CGI_HANDLERS:
            req.log_error(f"no CGI support in this server: refusing to run {req.filename}")
            return HTTP_FORBIDDEN
        elif handler == WSGI_SCRIPT_HANDLER:
            return run_wsgi_script(req)  # mod_wsgi answers every request it is given
        if status == DECLINED:
            if req.finfo.filetype == APR_DIR and self._autoindex_loaded:
                return self._directory_listing(req)
            status = serve_static(req)
        return status

    def _directory_listing(self, req: Request) -> int:
        """mod_autoindex: the listing with Options Indexes, else 403."""
        config = req._config
        if "indexes" in config.effective_options:
            return listing(req)
        names = " ".join(config.directory_index or ("index.html",))  # "disabled": ()
        req.log_error(
            f"AH01276: Cannot serve directory {req.filename}: No matching DirectoryIndex "
            f"({names}) found, and server-generated directory index forbidden by Options "
            "directive"
        )
        return HTTP_FORBIDDEN

    # ---- errors --------------------------------------------------------------------------

    def _die(self, req: Request, status: int) -> None:
        """ap_die: answer an HTTP error status with the error document."""
        if status == DECLINED:
            status = HTTP_INTERNAL_SERVER_ERROR
        writer = req._writer
        document = req._config.error_documents.get(status) if req._config else None
        if document and document.startswith("/") and req._prev is None and not writer.headers_sent:
            req.status = status
            self.internal_redirect(req, document, redirect_status=status)
            return
        req._error_page = True
        if status in (HTTP_NOT_MODIFIED, HTTP_NO_CONTENT):
            # No body: the validators stay, the entity headers go.
            if not writer.headers_sent:
                req.status = status
                req._content_type = None
                writer.discard_pending()
                if req._output_chain is not None:
                    req._output_chain.discard()
                for name in ("Content-Length", "Content-Type"):
                    del req.headers_out[name]
            return
        location = req.headers_out.get("Location") or req.err_headers_out.get("Location")
        if not writer.headers_sent:
            req.status = status
            headers_out = req.headers_out
            # httpd sends err_headers_out only; a Location survives for 3xx and 201.
            kept = ("location",) if status in KEEPS_LOCATION else ()
            for name in [k for k in headers_out.keys() if k.lower() not in kept]:
                del headers_out[name]
            if status in (HTTP_METHOD_NOT_ALLOWED, 501):
                req.headers_out["Allow"] = req._allow_header()
            writer.discard_pending()
            if req._output_chain is not None:
                req._output_chain.discard()
            req._content_type = "text/html; charset=iso-8859-1"
        if req.header_only:
            return  # httpd writes no page for HEAD, so no Content-Length either
        if document and not document.startswith("/") and "://" not in document:
            body = document[1:] if document.startswith('"') else document
        elif document and "://" in document:
            req.status = 302
            req.headers_out["Location"] = document
            body = error_page(302, req.method, document, req._vhost.server_admin, req.uri)
        else:
            body = error_page(
                status, req.method, location, req._vhost.server_admin, req.uri, notes=req.notes,
                expect=req.headers_in.get("Expect"),
            )  # fmt: skip
        req.write(body.encode("latin-1", "replace"), 0)

    # ---- internal redirects ---------------------------------------------------------------

    def internal_redirect(self, req: Request, uri: str, redirect_status: int | None = None) -> None:
        depth = getattr(self._redirect_guard, "depth", 0)
        if depth >= _MAX_REDIRECTS:
            req.log_error(
                f"AH00124: Request exceeded the limit of {_MAX_REDIRECTS} internal redirects"
            )
            raise SERVER_RETURN(HTTP_INTERNAL_SERVER_ERROR)
        path, _, query = uri.partition("?")
        new = Request(self, req._environ, req._writer, req._vhost, req.connection, prev=req,
                      uri=path, args=query or None)  # fmt: skip
        req._next = new
        new._user = req._user
        new._ap_auth_type = req._ap_auth_type
        # httpd's rename_original_env: the first request's variables come along renamed
        # REDIRECT_*, plus REDIRECT_STATUS (add_cgi_vars adds REDIRECT_URL/QUERY_STRING).
        env = new.subprocess_env
        for name, value in req.subprocess_env.items():
            env["REDIRECT_" + name] = value
        env["REDIRECT_STATUS"] = str(redirect_status or req.status)
        if redirect_status:
            # A local ErrorDocument is served with the error's status.
            new.status = redirect_status
        req._writer.active = new
        self._redirect_guard.depth = depth + 1
        try:
            self._process(new)
        finally:
            self._redirect_guard.depth = depth

    # ---- subrequests ---------------------------------------------------------------------

    def run_subrequest(self, main: Request, uri: str, writer) -> int:
        """ap_sub_req_lookup_uri + ap_run_sub_req (``#include virtual``): ``uri`` through
        the phases and its content handler, its body going to ``writer``; the status."""
        path, _, query = uri.partition("?")
        sub = Request(self, main._environ, writer, main._vhost, main.connection, uri=path,
                      args=query or None)  # fmt: skip
        sub._main = main
        writer.active = sub
        status = self._run_request(sub, subrequest=True)
        sub._end_output()
        return status

    # ---- after the response ----------------------------------------------------------------

    def _log_phase(self, req: Request) -> None:
        try:
            config = req._config or req._vhost.config
            self.phases.run(req, "PythonLogHandler", config)
        except Exception as error:  # noqa: BLE001 - logging must never break the response
            report_error(error, req, "PythonLogHandler")

    def _cleanups(self, req: Request) -> None:
        """req.register_cleanup callables (last first), then PythonCleanupHandler, per request."""
        chain = [req]
        while chain[-1]._next is not None:
            chain.append(chain[-1]._next)
        for current in reversed(chain):
            for function, data, interpreter in reversed(current._cleanups):
                try:
                    with running_in(interpreter):
                        function(data)
                except Exception as error:  # noqa: BLE001 - only logged, as Apache does
                    current.log_error(f"python_cleanup: Error calling cleanup object {function}")
                    current.log_error(f"    {type(error).__name__}: {error}")
            config = current._config or current._vhost.config
            if self.phases.has_handlers(current, "PythonCleanupHandler", config):
                try:
                    self.phases.run(current, "PythonCleanupHandler", config)
                except Exception as error:  # noqa: BLE001
                    report_error(error, current, "PythonCleanupHandler")


def _end_all_output(req: Request) -> None:
    """After an engine fault: whatever output filters are still open see the end."""
    while req is not None:
        try:
            req._end_output()
        except ClientGone:
            return
        req = req._next


def _symlink_refused(req: Request, config) -> bool:
    """Options without FollowSymLinks: a symbolic link below the document root is refused."""
    if config.follows_symlinks:
        return False
    root = req._vhost.document_root.rstrip("/")
    path = req.filename.rstrip("/")
    while len(path) > len(root) and path.startswith(root):
        if os.path.islink(path):
            return True
        path = path.rpartition("/")[0]
    return False


_is_str = str.__instancecheck__


def _environ_text_size(environ: dict) -> int:
    """The length of every environ key and str value, added up."""
    try:
        # str.join sums the lengths in C without a len() call per string (0.4 us less than
        # sum(map(len, ...)) on a 20-key environ); PEP 3333 keys are str.
        return len("".join(environ)) + len("".join(filter(_is_str, environ.values())))
    except TypeError:  # a key that is not str: measured one by one
        return sum(map(len, environ)) + sum(map(len, filter(_is_str, environ.values())))


def _protocol_limits(req: Request, main: ServerSettings) -> int:
    """LimitRequestLine, LimitRequestFields and LimitRequestFieldSize, checked as httpd
    checks them while reading the request (the main server's values)."""
    environ = req._environ
    target = environ.get("REQUEST_URI")
    if target is None:
        target = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
    line = len(environ.get("REQUEST_METHOD", "")) + len(target) + 10  # " ", " HTTP/1.1"
    if line > main.limit_req_line and len(req.the_request) > main.limit_req_line:
        return HTTP_REQUEST_URI_TOO_LARGE
    host = environ.get("HTTP_HOST")
    if host is None:
        # WSGI servers pass Host as the client sent it: none in environ means none was sent.
        if environ.get("SERVER_PROTOCOL") == "HTTP/1.1":
            req.log_error(
                "AH00569: client sent HTTP/1.1 request without hostname (see RFC2616 section "
                f"14.23): {req.uri}",
                APLOG_DEBUG,
            )
            return HTTP_BAD_REQUEST
    elif host not in _valid_hosts:
        if not host_is_valid(host):
            req.log_error(f"AH00550: Client sent malformed Host header: {host}", APLOG_DEBUG)
            return HTTP_BAD_REQUEST
        if len(_valid_hosts) < _VALID_HOSTS_KEPT:
            _valid_hosts.add(host)
    # Usual case, decided without a Python-level loop: no more environ keys than fields
    # allowed, and all environ text together no longer than one field may be.
    if len(environ) <= main.limit_req_fields and _environ_text_size(environ) <= (
        main.limit_req_fieldsize
    ):
        return OK
    fields = 0
    field_limit = main.limit_req_fieldsize + 3  # "Name: value" is len("HTTP_NAME") - 3 + ...
    too_long = False
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            fields += 1
            if len(key) + len(value) > field_limit:
                too_long = True
    if fields > main.limit_req_fields:
        req.notes["error-notes"] = (
            "The number of request header fields exceeds this server's limit."
        )
        return HTTP_BAD_REQUEST
    if too_long:
        req.notes["error-notes"] = "Size of a request header field exceeds server limit."
        return HTTP_BAD_REQUEST
    return OK


# Host values already found valid: a site sees few, so most requests skip the check. Bounded,
# so a client sending endless distinct names cannot grow it.
_valid_hosts: set[str] = set()
_VALID_HOSTS_KEPT = 256
_HOST_NAME = re.compile(r"[A-Za-z0-9._-]+")
_PORT = re.compile(r"[0-9]{1,5}")


def host_is_valid(host: str) -> bool:
    """httpd's fix_hostname with HttpProtocolOptions Strict (the default): a Host header is
    empty, or a DNS name or dotted IPv4 address or [IPv6] literal, with an optional port."""
    if not host:
        return True  # RFC 2616 lets Host be blank
    name, port = host, None
    if host.startswith("["):
        literal, bracket, rest = host[1:].partition("]")
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            return False
        if not bracket or "%" in literal:
            return False  # no scope id in a Host header
        if rest:
            if not rest.startswith(":"):
                return False
            port = rest[1:]
        return port is None or _port_is_valid(port)
    if ":" in host:
        name, _, port = host.rpartition(":")
        if not _port_is_valid(port):
            return False
    if not _HOST_NAME.fullmatch(name) or ".." in name:
        return False  # also refuses "a, b" (two Host headers folded into one)
    name = name.removesuffix(".")
    if not name.strip("0123456789."):  # dotted decimal: exactly four numbers, no leading 0
        numbers = name.split(".")
        return len(numbers) == 4 and all(
            number and (number == "0" or not number.startswith("0")) for number in numbers
        )
    top_level = name.rpartition(".")[2]
    return not top_level or top_level[0].isalpha()  # RFC 1123 2.1


def _port_is_valid(port: str) -> bool:
    return bool(_PORT.fullmatch(port)) and 0 < int(port) < 65536


def _apply_set_env(env, settings: dict) -> None:
    """mod_env: SetEnv/PassEnv values (None = UnsetEnv)."""
    for name, value in settings.items():
        if value is None:
            if name in env:
                del env[name]
        else:
            env[name] = value


def _normalize_uri(uri: str) -> str | None:
    """ap_getparents: remove "." and ".." segments; None when the URI escapes the root."""
    if "/." not in uri and "//" not in uri:
        return uri
    segments: list[str] = []
    for segment in uri.split("/")[1:]:
        if segment == "..":
            if not segments:
                return None
            segments.pop()
        elif segment not in (".", ""):  # merged slashes too (MergeSlashes On)
            segments.append(segment)
    trailing = "/" if uri.endswith(("/", "/.", "/..")) and segments else ""
    return "/" + "/".join(segments) + trailing


def _stat(path: str) -> tuple[os.stat_result | None, bool]:
    """os.stat, or None where nothing is (an embedded NUL, from %00, finds nothing too); and
    whether the failure was ENOENT, after which the parent is a directory or missing: a file
    on the way would have answered ENOTDIR."""
    try:
        return os.stat(path), False
    except FileNotFoundError:
        return None, True
    except (NotADirectoryError, ValueError):
        return None, False


def _is_directory(path: str) -> bool:
    """True when ``path`` is a directory (or a link to one), as ``os.stat`` would find: with
    the trailing "/", access() resolves only a directory. Half a stat's cost: no stat_result
    object is built (the walk needs none for a directory)."""
    return os.access(path + "/", os.F_OK, effective_ids=_ACCESS_BY_EFFECTIVE_IDS)


_ACCESS_BY_EFFECTIVE_IDS = os.access in os.supports_effective_ids  # the ids stat() uses


def _map_to_storage(req: Request) -> None:
    """Directory walk: the longest existing prefix of the file name; the rest is path_info."""
    filename = req._filename
    st, missing = _stat(filename)
    if st is not None:
        req._finfo = finfo(filename, st)
        req._path_info = ""
        return
    path = filename
    rest = ""
    while True:
        parent, _, tail = path.rpartition("/")
        if not parent:
            break
        rest = "/" + tail + rest
        path = parent
        # The usual miss (a name under an existing directory, as /hello/x under a SetHandler
        # directory) is settled by one access() call; otherwise stat tells what is there.
        if missing and _is_directory(path):
            is_directory = True
        else:
            st, missing = _stat(path)
            if st is None:
                continue
            is_directory = stat.S_ISDIR(st.st_mode)
        if is_directory:  # the first missing component becomes the file name
            first, _, after = rest[1:].partition("/")
            req._filename = path + first if path.endswith("/") else f"{path}/{first}"
            req._path_info = "/" + after if after or rest.endswith("/") else ""
            req._finfo = finfo(req._filename)
        else:
            req._filename = path
            req._path_info = rest
            req._finfo = finfo(path, st)
        return
    req._finfo = finfo(filename)
    req._path_info = ""


def _load_mime_types(path: str) -> dict[str, str]:
    """TypesConfig (default /etc/mime.types), else Python's own table."""
    types: dict[str, str] = {}
    if path and os.path.exists(path):
        loaded = mimetypes.read_mime_types(path)
        if loaded:
            types.update({ext.lower(): value for ext, value in loaded.items()})
    if not types:
        types = {ext: value for ext, value in mimetypes.types_map.items()}
    return types


__all__ = ["Engine"]
