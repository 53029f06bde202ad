"""``mp_request``: the request object handlers receive, as a view over the WSGI environ.

Attributes follow SPEC 4.1: read-only ones are properties without setters, writable ones
validate what they are given. Tables are built on first use. Legacy code may attach any
attribute of its own (the instance has a ``__dict__``).
"""

from __future__ import annotations

import base64
import operator
import os
import time
from email.utils import formatdate, parsedate_to_datetime
from operator import attrgetter
from urllib.parse import quote

from . import filters
from . import finfo as finfo_module
from .connection import connection as connection_type
from .constants import (
    APLOG_ERR,
    DECLINED,
    DONE,
    HTTP_NOT_MODIFIED,
    HTTP_PRECONDITION_FAILED,
    HTTP_UNAUTHORIZED,
    M_INVALID,
    METHOD_NUMBERS,
    OK,
    PROXYREQ_NONE,
    REMOTE_HOST,
    REQUEST_CHUNKED_ERROR,
)  # fmt: skip
from .exceptions import SERVER_RETURN
from .interpreters import current_interpreter
from .table import table
from .wsgi_scripts.running import ErrorStream, FileWrapper, serving_flags

_READ_CHUNK = 65536
_PROTOCOL_NUMBERS = {"HTTP/1.1": 1001, "HTTP/1.0": 1000}
# allow_methods: lists of registered method names already checked -> their M_* numbers.
_REGISTERED_METHOD_SETS: dict[tuple, frozenset[int]] = {}
_EXACT_STR = {str}
# Tuples of exact str names already checked, by identity (the tuple is kept, so its id
# stays its own): an immutable tuple of immutable names needs no second look.
_CHECKED_METHOD_TUPLES: dict[int, tuple[tuple, frozenset[int]]] = {}


def _remember_checked_tuple(methods: tuple, numbers: frozenset[int]) -> None:
    if len(_CHECKED_METHOD_TUPLES) >= 256:
        _CHECKED_METHOD_TUPLES.clear()
    _CHECKED_METHOD_TUPLES[id(methods)] = (methods, numbers)


_PHASES_FOR_ADD_HANDLER = (
    "PythonPostReadRequestHandler", "PythonTransHandler", "PythonHeaderParserHandler",
    "PythonInitHandler", "PythonAccessHandler", "PythonAuthenHandler", "PythonAuthzHandler",
    "PythonTypeHandler", "PythonFixupHandler", "PythonHandler", "PythonLogHandler",
)  # fmt: skip


# The order httpd's method registry (a hash) lists methods in: a rotation of it is what a
# running Apache prints in ``Allow:``; this one puts OPTIONS first as it does for static files.
_METHOD_REGISTRY_ORDER = (
    "UNLOCK", "OPTIONS", "TRACE", "PATCH", "MERGE", "PROPPATCH", "BASELINE-CONTROL", "HEAD",
    "DELETE", "VERSION-CONTROL", "CHECKIN", "MKCOL", "CHECKOUT", "MOVE", "PUT", "UNCHECKOUT",
    "COPY", "REPORT", "GET", "LABEL", "PROPFIND", "UPDATE", "MKACTIVITY", "POST", "MKWORKSPACE",
    "LOCK", "CONNECT",
)  # fmt: skip


def _apache_string(value, none_ok: bool = False) -> str | None:
    """A string going into Apache: exact str or bytes, Latin-1 text only (None if allowed)."""
    if type(value) is str:
        if not value.isascii():
            try:
                value.encode("latin-1")
            except UnicodeEncodeError:
                raise TypeError("not an ISO-8859-1 string") from None
        return value
    if type(value) is bytes:
        return value.decode("latin-1")
    if value is None and none_ok:
        return None
    raise TypeError("not an ISO-8859-1 string")


def _string_field(slot: str, none_ok: bool = False) -> property:
    """A writable ``char *`` member of request_rec stored in ``slot``. Reading goes through
    a C-level getter (no Python frame: handlers and the engine read these constantly);
    writing checks the value as Apache would."""

    def set_value(obj, value) -> None:
        setattr(obj, slot, _apache_string(value, none_ok))

    return property(attrgetter(slot), set_value)


def _int_field(slot: str) -> property:
    """A writable ``int`` member of request_rec: anything ``operator.index`` accepts."""

    def set_value(obj, value) -> None:
        setattr(obj, slot, int(operator.index(value)))

    return property(attrgetter(slot), set_value)


def _table_text(text: str) -> str:
    """A path as an APR table holds it: its UTF-8 bytes (undecodable ones as received), shown
    as Latin-1 text, the "bytes as Latin-1" convention of PEP 3333's environ."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def _header_pairs(environ: dict) -> list[tuple[str, str]]:
    """Request headers from the environ, with names as clients usually spell them."""
    pairs = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            pairs.append((key[5:].replace("_", "-").title(), value))
    if "CONTENT_TYPE" in environ and environ["CONTENT_TYPE"]:
        pairs.append(("Content-Type", environ["CONTENT_TYPE"]))
    if "CONTENT_LENGTH" in environ and environ["CONTENT_LENGTH"]:
        pairs.append(("Content-Length", environ["CONTENT_LENGTH"]))
    return pairs


class Request:
    """One request as mod_python shows it. Created by the engine, never by handlers."""

    # The fields the engine reads or writes on every request, as slots set in __init__: a
    # class-level default read through the instance costs 15 ns more than a slot, and the
    # instance dict (whose keys CPython shares between instances up to 30 only) is left to
    # the rarer fields below and to whatever legacy code attaches.
    __slots__ = (
        "_engine", "_environ", "_writer", "_vhost", "_prev", "_next", "_request_time",
        "_method", "_uri", "_args", "_filename", "_canonical_filename", "_path_info", "_finfo",
        "_handler", "_status", "_status_line", "_content_type", "_type_assigned", "_no_cache",
        "_headers_out", "_err_headers_out", "_output_chain", "_body_started", "_config",
        "_config_table", "_options_table", "_phase", "_hlist", "_interpreter_name",
        "_dynamic_handlers", "_cleanups", "_queued", "_unflushed", "_bytes_sent",
        "_sent_bodyct", "_chunked", "__dict__", "__weakref__",
    )  # fmt: skip

    def __init__(self, engine, environ: dict, writer, vhost, conn, prev: Request | None = None,
                 uri: str | None = None, args: str | None = None):  # fmt: skip
        self._engine = engine
        self._environ = environ
        self._writer = writer
        self._vhost = vhost  # ServerSettings
        if conn is not None:  # (else made on first use: see the connection property)
            self._conn = conn
        self._prev = prev
        self._next = None
        self._request_time = time.time() if prev is None else prev._request_time
        self._method = environ.get("REQUEST_METHOD", "GET")
        if uri is None:
            raw_path = environ.get("PATH_INFO", "")
            if not raw_path:
                uri = "/"
            elif raw_path.isascii():
                uri = raw_path
            else:  # WSGI gives the bytes as Latin-1; the URI is their UTF-8 reading
                uri = raw_path.encode("latin-1").decode("utf-8", "surrogateescape")
            uri = environ.get("SCRIPT_NAME", "") + uri
            args = environ.get("QUERY_STRING") or None
        if prev is not None or not environ.get("REQUEST_URI"):
            # unparsed_uri is built on first use from the URI received (a redirect's own
            # URI); otherwise it is the REQUEST_URI the client sent.
            self._received = (uri, args)
        self._uri = uri  # as received: may hold text a handler could not assign
        self._args = args
        # The request_rec members the engine maps, types, answers and counts.
        self._filename = None
        self._canonical_filename = None
        self._path_info = None
        self._finfo = None
        self._handler = None
        self._status = 200
        self._status_line = None
        self._content_type = None
        self._type_assigned = 0  # _content_type_set
        self._no_cache = 0
        self._headers_out = None  # tables are built on first use
        self._err_headers_out = None
        self._bytes_sent = 0  # body bytes that went through a flush
        self._unflushed = 0  # body bytes written since
        self._queued = 0  # _bytes_queued
        self._sent_bodyct = 0
        self._chunked = 0
        self._body_started = False
        # Filters: chains exist only once a filter is added (a request without any costs
        # nothing).
        self._output_chain = None
        # Engine bookkeeping: the merged DirConfig of the current phase and its tables, the
        # running phase, its handler list and interpreter.
        self._config = None
        self._config_table = None
        self._options_table = None
        self._phase = None
        self._hlist = None
        self._interpreter_name = None
        # Handlers added by req.add_handler for later phases, and register_cleanup's
        # callables: created on first use (most requests have neither).
        self._dynamic_handlers: dict[str, list] | None = None
        self._cleanups: list[tuple] | tuple = ()

    # The writable request_rec members (SPEC 4.1): values are checked as Apache's would be.
    uri = _string_field("_uri")
    args = _string_field("_args", none_ok=True)
    filename = _string_field("_filename")
    canonical_filename = _string_field("_canonical_filename")
    path_info = _string_field("_path_info")
    status_line = _string_field("_status_line")
    handler = _string_field("_handler", none_ok=True)
    ap_auth_type = _string_field("_ap_auth_type")
    status = _int_field("_status")
    assbackwards = _int_field("_assbackwards")
    proxyreq = _int_field("_proxyreq")
    no_cache = _int_field("_no_cache")
    no_local_copy = _int_field("_no_local_copy")
    used_path_info = _int_field("_used_path_info")

    # Defaults of the rarer fields (class attributes: what stays at its default is never
    # stored on the instance).
    _conn = None
    _unparsed_uri = None
    _received = None  # (uri, args) when unparsed_uri is not the client's REQUEST_URI
    # allow_methods: the M_* numbers of the registered methods allowed and the extension
    # methods (not registered); made mutable per request by _allow_registered.
    _allowed_mask: set[int] | frozenset[int] = frozenset()
    _allowed_methods: list[str] | tuple[str, ...] = ()
    _assbackwards = 0
    _proxyreq = PROXYREQ_NONE
    _ap_auth_type = None
    _no_local_copy = 0
    _used_path_info = 2
    _user = None
    _headers_in = None
    _subprocess_env = None
    _error_page = False  # the response is httpd's own error page (mod_headers cares)
    _header_actions_done = False
    _notes = None
    _extension = None
    _mtime = 0.0
    _clength = 0
    _allowed = 0
    # Body reading state.
    _remaining = 0
    _read_length = 0
    _read_chunked = 0
    _line_buffer = b""
    # Filters (the input chain, like the output one, exists only once a filter is added).
    _input_chain = None
    _registered_filters = None
    _main = None

    # ---- related objects -----------------------------------------------------------------

    @property
    def connection(self):
        if self._conn is None:  # built on first use: most handlers never look at it
            engine = self._engine
            self._conn = connection_type(
                self._environ, engine.main_server, engine.error_log_for(self._vhost)
            )
        return self._conn

    # The server object of the request's virtual host (looked up, not kept: see __init__).
    server = property(lambda self: self._engine.server_object(self._vhost))
    next = property(attrgetter("_next"))
    prev = property(attrgetter("_prev"))
    main = property(attrgetter("_main"))  # the including request, in a subrequest
    _request_rec = property(lambda self: None)

    # ---- the request line and its parts ---------------------------------------------------

    @property
    def the_request(self) -> str:
        first = self  # an internal redirect keeps the request line of the first request
        while first._prev is not None:
            first = first._prev
        return f"{first._method} {first.unparsed_uri} {first.protocol}"

    method = property(attrgetter("_method"))
    method_number = property(lambda self: METHOD_NUMBERS.get(self._method, M_INVALID))
    header_only = property(lambda self: 1 if self._method == "HEAD" else 0)
    protocol = property(lambda self: self._environ.get("SERVER_PROTOCOL", "HTTP/1.0"))

    @property
    def unparsed_uri(self) -> str:
        if self._unparsed_uri is None:
            if self._received is None:
                self._unparsed_uri = self._environ["REQUEST_URI"]
                return self._unparsed_uri
            uri, args = self._received  # not self.uri: handlers may have changed that
            query = f"?{args}" if args else ""
            self._unparsed_uri = quote(uri, safe="/%:@&=+$,;~!*'()") + query
        return self._unparsed_uri

    request_time = property(attrgetter("_request_time"))

    @property
    def proto_num(self) -> int:
        known = _PROTOCOL_NUMBERS.get(self.protocol)
        if known is not None:
            return known
        try:
            major, minor = self.protocol.split("/", 1)[1].split(".", 1)
            return 1000 * int(major) + int(minor)
        except (IndexError, ValueError):
            return 1000

    @property
    def hostname(self) -> str | None:
        host = self._environ.get("HTTP_HOST")
        if not host:
            return None  # no Host: header (HTTP/1.0) and no absolute URI
        if host.startswith("["):
            return host.split("]", 1)[0] + "]"
        return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()

    def _host_header_port(self) -> int | None:
        """The port written in the ``Host:`` header, if any."""
        host = self._environ.get("HTTP_HOST", "")
        port = host.rpartition("]")[2] if host.startswith("[") else host
        _, colon, port = port.rpartition(":")
        return int(port) if colon and port.isdigit() else None

    @property
    def parsed_uri(self) -> tuple:
        path, _, fragment = self.unparsed_uri.partition("#")
        path = path.partition("?")[0]
        port = self._host_header_port()  # Apache records the Host: port here
        return (None, None, None, None, None, port, path or None, self.args, fragment or None)

    # ---- status, allowed methods, response bookkeeping ----------------------------------------

    allowed = property(attrgetter("_allowed"))
    allowed_xmethods = property(lambda self: ())
    allowed_methods = property(lambda self: tuple(self._allowed_methods))
    sent_bodyct = property(attrgetter("_sent_bodyct"))
    bytes_sent = property(attrgetter("_bytes_sent"))
    mtime = property(attrgetter("_mtime"))
    clength = property(attrgetter("_clength"))
    eos_sent = property(lambda self: 0)
    vlist_validator = property(lambda self: None)
    content_encoding = property(lambda self: None)
    content_languages = property(lambda self: ())
    range = property(lambda self: self._environ.get("HTTP_RANGE"))
    expecting_100 = property(
        lambda self: int("100-continue" in self._environ.get("HTTP_EXPECT", "").lower())
    )

    @property
    def chunked(self) -> int:
        return self._chunked

    @chunked.setter
    def chunked(self, value: int) -> None:
        if not isinstance(value, int):
            raise TypeError("chunked must be a integer")
        self._chunked = int(value)

    def _assign_content_type(self, value: str) -> None:
        # An ASCII str (nearly every handler's value) needs no further check.
        if type(value) is not str or not value.isascii():
            value = _apache_string(value)
        self._content_type = value
        self._type_assigned = 1

    content_type = property(attrgetter("_content_type"), _assign_content_type)

    _content_type_set = property(attrgetter("_type_assigned"))

    @property
    def user(self) -> str | None:
        return self._user

    @user.setter
    def user(self, value: str) -> None:
        self._user = _apache_string(value)

    @property
    def finfo(self):
        if self._finfo is None:
            self._finfo = finfo_module.finfo(self.filename)
        return self._finfo

    @finfo.setter
    def finfo(self, value) -> None:
        if not isinstance(value, finfo_module.finfo):
            raise TypeError("finfo must be a finfoobject")
        self._finfo = value

    # ---- tables ---------------------------------------------------------------------------------

    @property
    def headers_in(self) -> table:
        if self._headers_in is None:
            self._headers_in = table._from_pairs(_header_pairs(self._environ))
        return self._headers_in

    @property
    def headers_out(self) -> table:
        if self._headers_out is None:
            self._headers_out = table()
        return self._headers_out

    @property
    def err_headers_out(self) -> table:
        if self._err_headers_out is None:
            self._err_headers_out = table()
        return self._err_headers_out

    @property
    def subprocess_env(self) -> table:
        if self._subprocess_env is None:
            self._subprocess_env = table()
        return self._subprocess_env

    @property
    def notes(self) -> table:
        if self._notes is None:
            self._notes = table()
        return self._notes

    # ---- where we are in processing -------------------------------------------------------

    phase = property(attrgetter("_phase"))
    hlist = property(attrgetter("_hlist"))
    extension = property(attrgetter("_extension"))

    @property
    def interpreter(self) -> str:
        return self._interpreter_name or current_interpreter().name

    # ---- body reading state --------------------------------------------------------------

    remaining = property(attrgetter("_remaining"))
    read_length = property(attrgetter("_read_length"))
    read_body = property(lambda self: REQUEST_CHUNKED_ERROR if self._body_started else 0)
    read_chunked = property(attrgetter("_read_chunked"))

    # ---- client address --------------------------------------------------------------------

    @property
    def useragent_ip(self) -> str:
        return self._environ.get("REMOTE_ADDR", "")

    @property
    def useragent_addr(self) -> tuple[str, int]:
        return (self.useragent_ip, int(self._environ.get("REMOTE_PORT") or 0))

    # ================================ methods ================================

    # ---- output --------------------------------------------------------------------------

    def write(self, data, flush: int = 1) -> None:
        if type(data) is str:  # the usual case first: one type check
            data = data.encode("utf-8")
        elif isinstance(data, str):
            data = data.encode("utf-8")
        elif not isinstance(data, bytes):
            try:
                data = memoryview(data).tobytes()
            except TypeError:
                raise TypeError(
                    f"a bytes-like object is required, not '{type(data).__name__}'"
                ) from None
        if not data:
            return
        size = len(data)
        self._queued += size
        self._unflushed += size
        try:
            if self._output_chain is None:
                # What the writer's write does, without its call (both writers hold
                # ``_pending``): held for the next flush (PSP pages write so, many times a
                # page), or sent now.
                writer = self._writer
                writer._pending.append(data)
                if not flush:
                    return
                writer.flush()
            else:
                self._output_chain.write(data, bool(flush))
        except OSError:
            raise OSError("Write failed, client closed connection.") from None
        if flush:
            self._flushed()

    def flush(self) -> None:
        try:
            if self._output_chain is None:
                self._writer.flush()
            else:
                self._output_chain.flush()
        except OSError:
            raise OSError("Flush failed, client closed connection.") from None
        self._flushed()

    def _redirect_chain(self) -> list[Request]:
        """Every request sharing this response: the first one and its internal redirects."""
        first = self
        while first._prev is not None:
            first = first._prev
        chain = []
        while first is not None:
            chain.append(first)
            first = first._next
        return chain

    def _flushed(self) -> None:
        """Written bytes went to the client: they now count in ``bytes_sent``."""
        chain = (self,) if self._prev is None and self._next is None else self._redirect_chain()
        for req in chain:
            if req._unflushed:
                req._bytes_sent += req._unflushed
                req._unflushed = 0
                req._sent_bodyct = 1

    def _response_done(self) -> None:
        """The content is complete; as in Apache, the log phase sees all of it as sent."""
        self._flushed()

    def _sent_headers(self) -> None:
        """Called by the writer once headers went out without a Content-Length."""
        self._sent_bodyct = 1
        headers = self._headers_out
        if (headers is None or not headers.get("Content-Length")) and (
            self._environ.get("SERVER_PROTOCOL") == "HTTP/1.1" or self.proto_num >= 1001
        ):
            self._chunked = 1

    _bytes_queued = property(attrgetter("_queued"))

    def sendfile(self, path: str, offset: int = 0, len: int = -1) -> int:  # noqa: A002
        try:
            size = os.stat(path).st_size
        except OSError:
            raise OSError("Could not stat file for reading") from None
        if len == -1:
            len = size  # noqa: A001 - mod_python sends the whole size, not size - offset
        try:
            handle = open(path, "rb")  # noqa: SIM115
        except OSError:
            raise OSError("Could not open file for reading") from None
        sent = 0
        with handle:
            handle.seek(offset)
            while sent < len:
                chunk = handle.read(min(_READ_CHUNK, len - sent))
                if not chunk:
                    break
                self.write(chunk, 0)
                sent += chunk.__len__()
        self.flush()
        return sent

    # ---- input ---------------------------------------------------------------------------

    def _start_body(self) -> None:
        if self._body_started:
            return
        self._body_started = True
        length = self._environ.get("CONTENT_LENGTH")
        if length:
            try:
                self._remaining = int(length)
            except ValueError:
                raise SERVER_RETURN(400) from None
        elif "chunked" in self._environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            # mod_python refuses chunked bodies with 411; we read them (the issue asks for it).
            self._read_chunked = 1
            self._remaining = -1
        limit = self._config.limit_request_body if self._config is not None else None
        if limit and self._remaining > limit:
            raise SERVER_RETURN(413)

    def _read_raw(self, size: int) -> bytes:
        """Up to ``size`` bytes of body, through the input filters if any; b"" at the end."""
        if self._input_chain is not None:
            return self._input_chain.read(size)
        return self._read_wire(size)

    def _read_wire(self, size: int) -> bytes:
        """Up to ``size`` bytes of body from wsgi.input; b"" at the end of the body."""
        if self._remaining == 0:
            return b""
        stream = self._environ["wsgi.input"]
        want = size if self._remaining < 0 else min(size, self._remaining)
        try:
            data = stream.read(want)
        except OSError:
            self._abandon_body(stream)
            raise OSError("Client read error (Timeout?)") from None
        if not data:
            if self._remaining > 0:
                self._abandon_body(stream)
                raise OSError("Client read error (Timeout?)")
            self._remaining = 0
            return b""
        if self._remaining > 0:
            self._remaining -= len(data)
        self._read_length += len(data)
        return data

    def _abandon_body(self, stream) -> None:
        """After a client read error the body is given up, as httpd does: nobody reads it
        again, neither the handler nor the server draining it before the response (cheroot's
        ``remaining``), so the error page can still go out."""
        self._remaining = 0
        if isinstance(getattr(stream, "remaining", None), int):
            stream.remaining = 0

    def read(self, len: int = -1) -> bytes:  # noqa: A002
        self._start_body()
        if len == 0:
            return b""
        parts = []
        if self._line_buffer:
            if 0 < len < self._line_buffer.__len__():
                data, self._line_buffer = self._line_buffer[:len], self._line_buffer[len:]
                return data
            parts.append(self._line_buffer)
            self._line_buffer = b""
        have = sum(map(bytes.__len__, parts))
        while len < 0 or have < len:
            chunk = self._read_raw(_READ_CHUNK if len < 0 else len - have)
            if not chunk:
                break
            parts.append(chunk)
            have += chunk.__len__()
        return b"".join(parts)

    def readline(self, len: int = -1) -> bytes:  # noqa: A002
        self._start_body()
        limit = len if len >= 0 else None
        while True:
            buffer = self._line_buffer
            end = buffer.find(b"\n")
            if end >= 0 and (limit is None or end < limit):
                line, self._line_buffer = buffer[: end + 1], buffer[end + 1 :]
                return line
            if limit is not None and buffer.__len__() >= limit:
                line, self._line_buffer = buffer[:limit], buffer[limit:]
                return line
            chunk = self._read_raw(8192)
            if not chunk:
                line, self._line_buffer = buffer, b""
                return line
            self._line_buffer = buffer + chunk

    def readlines(self, sizehint: int = -1) -> list[bytes]:
        lines, total = [], 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += line.__len__()
            if sizehint > 0 and total >= sizehint:
                return lines

    def discard_request_body(self) -> int:
        self._start_body()
        self._line_buffer = b""
        while self._read_raw(_READ_CHUNK):
            pass
        return OK

    # ---- handlers and redirects ------------------------------------------------------------

    def add_handler(self, phase: str, handler: str, dir: str | None = None) -> None:  # noqa: A002
        if phase not in _PHASES_FOR_ADD_HANDLER:
            raise IndexError(f"Invalid phase: {phase}")
        if not isinstance(handler, str):
            raise TypeError("handler must be a string")
        self._engine.phases.add_dynamic_handler(self, phase, handler, dir)

    def internal_redirect(self, uri: str) -> None:
        self._engine.internal_redirect(self, uri)

    def register_cleanup(self, function, data=None) -> None:
        if not callable(function):
            raise ValueError("first argument must be a callable object")
        if not self._cleanups:
            self._cleanups = []
        self._cleanups.append((function, data, current_interpreter().name))

    # ---- filters (SPEC 4.2, 5.3) ---------------------------------------------------------

    def register_input_filter(self, name: str, handler: str, dir: str | None = None) -> None:  # noqa: A002
        filters.register_filter(self, name, handler, dir, is_input=True)

    def register_output_filter(self, name: str, handler: str, dir: str | None = None) -> None:  # noqa: A002
        filters.register_filter(self, name, handler, dir, is_input=False)

    def add_input_filter(self, name: str) -> None:
        filters.add_filter(self, name, is_input=True)

    def add_output_filter(self, name: str) -> None:
        filters.add_filter(self, name, is_input=False)

    def _end_output(self) -> None:
        """End of this request's content: the output filters see the end of the stream."""
        if self._output_chain is not None:
            self._output_chain.finish()

    # ---- configuration -----------------------------------------------------------------

    def get_config(self) -> table:
        if self._config_table is None:
            directives = self._config.directives if self._config else {}
            self._config_table = table._from_pairs(list(directives.items()))
        return self._config_table

    def get_options(self) -> table:
        if self._options_table is None:
            items = self._config.option_items() if self._config else []
            self._options_table = table._from_pairs([(k, v) for k, v in items if v != ""])
        else:
            for key in [k for k, v in self._options_table.items() if v == ""]:
                del self._options_table[key]
        return self._options_table

    def _config_value(self, name: str, default=None):
        """``get_config().get(name, default)`` without building the table when unbuilt."""
        if self._config_table is not None:  # handlers may have changed the table
            return self._config_table.get(name, default)
        return self._config.directives.get(name, default) if self._config else default

    def _option_value(self, name: str) -> str | None:
        """``get_options().get(name)`` without building the table when unbuilt."""
        if self._options_table is not None:
            return self.get_options().get(name)
        found = self._config.options_table.get(name.lower()) if self._config else None
        return found[1] if found is not None and found[1] != "" else None

    def _set_config(self, config) -> None:
        if config is not self._config:
            self._config = config
            if self._config_table is not None:  # (None: still the class default)
                self._config_table = None
            if self._options_table is not None:
                self._options_table = None

    def document_root(self) -> str:
        return self._vhost.document_root

    def auth_name(self) -> str | None:
        return self._config.auth_name if self._config else None

    def auth_type(self) -> str | None:
        return (self._config.auth_type or None) if self._config else None

    def get_addhandler_exts(self) -> str:
        if not self._config:
            return ""
        return " ".join(
            ext.lstrip(".") for ext, name in self._config.add_handlers.items()
            if name in ("mod_python", "python-program")
        )  # fmt: skip

    def allow_methods(self, methods, reset: int = 0) -> None:
        """ap_allow_methods: the first name replaces the list when ``reset`` is 1."""
        if type(methods) is tuple:  # the publisher's constant tuple, on every request
            remembered = _CHECKED_METHOD_TUPLES.get(id(methods))
            if remembered is not None and remembered[0] is methods:
                self._allow_registered(remembered[1], bool(methods) and reset == 1)
                return
        known = None
        if type(methods) in (list, tuple):
            known = tuple(methods)
            numbers = _REGISTERED_METHOD_SETS.get(known)
            if numbers is not None and set(map(type, known)) == _EXACT_STR:
                self._allow_registered(numbers, bool(known) and reset == 1)
                if type(methods) is tuple:
                    _remember_checked_tuple(methods, numbers)
                return
        if isinstance(methods, dict) or not hasattr(type(methods), "__getitem__"):
            raise TypeError("First argument must be a sequence")
        names = [_apache_string(methods[i]) for i in range(len(methods))]
        self._allow_registered((), bool(names) and reset == 1)
        for name in names:
            number = METHOD_NUMBERS.get(name)
            if number is not None:
                self._allowed_mask.add(number)
            elif name not in self._allowed_methods:
                self._allowed_methods.append(name)
        if known is not None and all(name in METHOD_NUMBERS for name in names):
            if len(_REGISTERED_METHOD_SETS) >= 256:
                _REGISTERED_METHOD_SETS.clear()
            _REGISTERED_METHOD_SETS[known] = frozenset(METHOD_NUMBERS[n] for n in names)

    def _allow_registered(self, numbers, reset: bool) -> None:
        """Add registered methods (M_* numbers) to the allowed set, emptying both lists
        first when ``reset``."""
        if reset or type(self._allowed_mask) is frozenset:  # reset, or the empty defaults
            self._allowed_mask = set()
            self._allowed_methods = []
        self._allowed_mask.update(numbers)

    def _allow_header(self) -> str:
        """``Allow:`` of a 405/501: the names of the allowed registered methods, then TRACE.

        Extension methods never appear: Apache lists them only with M_INVALID in the mask,
        which ``allow_methods`` cannot set.
        """
        mask = self._allowed_mask
        names = [name for name in _METHOD_REGISTRY_ORDER if METHOD_NUMBERS[name] in mask]
        return ",".join([*names, "TRACE"])

    # ---- authentication ------------------------------------------------------------------

    def get_basic_auth_pw(self) -> str | None:
        auth_type = self.auth_type()
        if not auth_type or auth_type.lower() != "basic":
            return None
        if not self.auth_name():
            self.log_error("need AuthName: " + self.uri)
            return None
        header = self.headers_in.get("Authorization")
        if not header or not header.split(None, 1)[0].lower() == "basic":
            self.err_headers_out["WWW-Authenticate"] = f'Basic realm="{self.auth_name()}"'
            return None
        try:
            decoded = base64.b64decode(header.split(None, 1)[1].strip()).decode("latin-1")
        except (ValueError, IndexError):
            self.err_headers_out["WWW-Authenticate"] = f'Basic realm="{self.auth_name()}"'
            return None
        user, _, password = decoded.partition(":")
        self._user = user
        self.ap_auth_type = "Basic"
        return password

    def _note_basic_auth_failure(self) -> None:
        if (self.auth_type() or "").lower() == "basic":
            self.err_headers_out["WWW-Authenticate"] = f'Basic realm="{self.auth_name() or ""}"'

    # ---- URLs, hosts, environment variables ----------------------------------------------

    def construct_url(self, uri: str) -> str:
        """UseCanonicalName Off: the host and port the client asked for, else the server's."""
        scheme = self._environ.get("wsgi.url_scheme", "http")
        host = self.hostname or self._vhost.server_name
        port = self._host_header_port()
        if port is None:
            port = self.server.port  # from ServerName; 0 means the scheme's default
        default = 443 if scheme == "https" else 80
        return f"{scheme}://{host}{'' if port in (0, default) else f':{port}'}{uri}"

    def get_remote_host(self, type: int = 1, str_is_ip=None):  # noqa: A002
        ip = self.useragent_ip or None
        host = None if type == REMOTE_HOST else ip
        if str_is_ip is not None:
            return (host, int(host is not None and host == ip))
        return host

    def add_common_vars(self) -> None:
        self.subprocess_env._set_pairs(self._common_var_pairs(valueless_filename=True))

    def _common_var_pairs(self, valueless_filename: bool) -> list[tuple[str, str | None]]:
        """What ``add_common_vars`` sets, in the order its apr_table_set calls would."""
        pairs = []
        for name, value in self.headers_in.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                key = key[5:]
            elif key in ("HTTP_AUTHORIZATION", "HTTP_PROXY_AUTHORIZATION", "HTTP_PROXY"):
                continue  # credentials stay hidden; "Proxy:" is httpoxy (httpd 2.4.25+)
            pairs.append((key, value))
        environ = self._environ
        pairs += [
            ("PATH", os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")),
            ("SERVER_SIGNATURE", ""),
            ("SERVER_SOFTWARE", self._engine.server_software),
            ("SERVER_NAME", self.hostname or self._vhost.server_name),
            ("SERVER_ADDR", self.connection.local_ip),
            ("SERVER_PORT", str(environ.get("SERVER_PORT", "80"))),
            ("REMOTE_ADDR", self.useragent_ip),
            ("DOCUMENT_ROOT", self.document_root()),
            ("REQUEST_SCHEME", environ.get("wsgi.url_scheme", "http")),
            ("CONTEXT_PREFIX", ""),
            ("CONTEXT_DOCUMENT_ROOT", self.document_root()),
            ("SERVER_ADMIN", self._vhost.server_admin),
        ]
        # Before the file is known (a PostReadRequest handler) httpd still adds the variable,
        # with a NULL value: env["SCRIPT_FILENAME"] is None, .get() and "in" miss it.
        if self.filename:
            pairs.append(("SCRIPT_FILENAME", _table_text(self.filename)))
        elif valueless_filename:
            pairs.append(("SCRIPT_FILENAME", None))
        pairs.append(("REMOTE_PORT", str(environ.get("REMOTE_PORT", ""))))
        if self._user is not None:
            pairs.append(("REMOTE_USER", self._user))
        if self.ap_auth_type:
            pairs.append(("AUTH_TYPE", self.ap_auth_type))
        if (
            environ.get("HTTPS", "").lower() in ("on", "1")
            or environ.get("wsgi.url_scheme") == "https"
        ):
            pairs.append(("HTTPS", "on"))
        return pairs

    def add_cgi_vars(self) -> None:
        # The oracle's cgihandler shows the decoded URI here, without the query string. A
        # table holds bytes: a URI that is not Latin-1 text (UTF-8 "/€", a lone %ff) goes in
        # as the Latin-1 view of its bytes, as WSGI's PATH_INFO does.
        uri = _table_text(self.uri)
        path_info = _table_text(self.path_info or "")
        pairs = [
            ("GATEWAY_INTERFACE", "CGI/1.1"),
            ("SERVER_PROTOCOL", self.protocol),
            ("REQUEST_METHOD", self._method),
            ("QUERY_STRING", self.args or ""),
            ("REQUEST_URI", uri),
            (
                "SCRIPT_NAME",
                uri[: len(uri) - len(path_info)] if path_info and uri.endswith(path_info) else uri,
            ),
        ]
        if path_info:
            pairs.append(("PATH_INFO", path_info))
        if self._prev is not None:
            # After an internal redirect httpd says where the request came from.
            if self._prev.args:
                pairs.append(("REDIRECT_QUERY_STRING", self._prev.args))
            pairs.append(("REDIRECT_URL", _table_text(self._prev.uri)))
        # httpd knows the file by the time CGI variables are made (ours may not, under a
        # <Location>): the environments built from them hold strings, so no NULL entry.
        pairs += self._common_var_pairs(valueless_filename=False)
        self.subprocess_env._set_pairs(pairs)

    def build_wsgi_env(self) -> dict | None:
        options = self.get_options()
        base_uri = options.get("mod_python.wsgi.base_uri")
        if base_uri is None:
            location = self._hlist_location()
            base_uri = location.rstrip("/") if location else ""
            if location and location.endswith("/") and location.rstrip("/") == "":
                base_uri = ""
        elif base_uri.endswith("/"):
            raise ValueError(
                f"PythonOption 'mod_python.wsgi.base_uri' ('{base_uri}') must not end with '/'"
            )
        if base_uri and not self.uri.startswith(base_uri):
            return None
        self.path_info = self.uri[len(base_uri) :]
        self.add_cgi_vars()
        env = dict(self.subprocess_env.items())
        if env.get("SCRIPT_FILENAME", "") is None:
            # No file under a <Location>: httpd's value is NULL (None in mod_python's environ);
            # a WSGI environ holds strings, so it is left out.
            del env["SCRIPT_FILENAME"]
        env.setdefault("PATH_INFO", "")  # present even when empty, as PEP 3333 prefers
        auth = self.headers_in.get("Authorization")
        if auth is not None:
            env["HTTP_AUTHORIZATION"] = auth
        env["wsgi.input"] = self
        # mod_python hands over sys.stderr, which Apache sends to the error log.
        env["wsgi.errors"] = ErrorStream(self._log_server_line)
        env["wsgi.version"] = (1, 0)
        env["wsgi.multithread"], env["wsgi.multiprocess"] = serving_flags(self._environ)
        https = env.get("HTTPS", "")
        env["wsgi.url_scheme"] = "https" if https and https.lower() != "off" else "http"
        env["wsgi.run_once"] = False
        env["wsgi.file_wrapper"] = FileWrapper
        return env

    def _log_server_line(self, line: str) -> None:
        """One line of wsgi.errors, as stderr text reaches Apache's log: no client prefix."""
        self._engine.error_log_for(self._vhost).write(line, APLOG_ERR)

    def _hlist_location(self) -> str | None:
        hlist = self._hlist
        if hlist is not None and hlist.is_location:
            return hlist.directory
        return None

    def wsgi_start_response(self, status, headers, exc_info=None):
        if exc_info:
            raise exc_info[1].with_traceback(exc_info[2])
        if not isinstance(headers, list):
            raise TypeError(f"headers argument must be a list, not a '{type(headers).__name__}'")
        for item in headers:
            if type(item) is not tuple:
                raise TypeError(f"each header must be a tuple, not a '{type(item).__name__}'")
        status = _apache_string(status)
        try:
            code = int(status.split(None, 1)[0])
        except (ValueError, IndexError):
            code = 0
        if not 100 <= code <= 599:
            raise ValueError(f"Invalid status line: {status}")
        for name, value in headers:
            if not isinstance(name, (str, bytes)):
                raise TypeError(f"header names must be strings, not '{type(name).__name__}'")
            if not isinstance(value, (str, bytes)):
                raise TypeError(f"header values must be strings, not '{type(value).__name__}'")
            if name.lower() in ("content-type", b"content-type"):
                # httpd sends r->content_type when set (mod_mime's type for "/x.py"), so the
                # header only counts when nothing set a type before.
                if self._content_type is None:
                    self.content_type = value
            else:
                self.headers_out.add(name, value)
        # mod_python sets only status_line; we keep status consistent with it (a defect fix).
        self.status_line = status
        self.status = code
        return self.write

    def is_https(self) -> int:
        return int(self._environ.get("wsgi.url_scheme") == "https")

    def ssl_var_lookup(self, name: str) -> str | None:
        value = self._environ.get(name)
        return value if isinstance(value, str) else None

    # ---- logging -------------------------------------------------------------------------

    def log_error(self, message: str | None, level: int = APLOG_ERR) -> None:
        self._engine.error_log_for(self._vhost).write(
            message, level, client=f"{self.useragent_ip}:{self.useragent_addr[1]}"
        )

    # ---- caching validators -------------------------------------------------------------

    def update_mtime(self, seconds: float) -> None:
        if seconds > self._mtime:
            self._mtime = float(seconds)

    def set_last_modified(self) -> None:
        mtime = min(self._mtime, self._request_time)
        self.headers_out["Last-Modified"] = formatdate(mtime, usegmt=True)

    def set_etag(self) -> None:
        info = self._finfo if self._finfo is not None and self._finfo.filetype else None
        if info is not None:
            etag = f'"{info.size:x}-{int(self._mtime * 1_000_000) or info.mtime * 1_000_000:x}"'
        else:
            etag = f'"{int(self._mtime * 1_000_000):x}"'
        self.headers_out["ETag"] = etag

    def meets_conditions(self) -> int:
        """``ap_meets_conditions`` for If-Match/If-None-Match/If-(Un)Modified-Since."""
        headers = self.headers_in
        etag = self.headers_out.get("ETag")
        if_match = headers.get("If-Match")
        if if_match and if_match.strip() != "*" and (etag is None or etag not in if_match):
            return HTTP_PRECONDITION_FAILED
        since = headers.get("If-Unmodified-Since")
        if since and not if_match:
            modified = _http_date(since)
            if modified is not None and int(self._mtime) > modified:
                return HTTP_PRECONDITION_FAILED
        if_none = headers.get("If-None-Match")
        if if_none:
            if if_none.strip() == "*" or (etag is not None and etag in if_none):
                return (
                    HTTP_NOT_MODIFIED
                    if self._method in ("GET", "HEAD")
                    else HTTP_PRECONDITION_FAILED
                )
            return OK
        since = headers.get("If-Modified-Since")
        if since and self._method in ("GET", "HEAD"):
            modified = _http_date(since)
            if modified is not None and int(self._mtime) <= modified <= self._request_time:
                return HTTP_NOT_MODIFIED
        return OK

    def set_content_length(self, length: int) -> None:
        self._clength = int(length)
        self.headers_out["Content-Length"] = str(int(length))

    def send_http_header(self) -> None:
        """A no-op kept for scripts written for mod_python 2."""

    def __repr__(self) -> str:
        return f"<mp_request object at {id(self):#x} for {self._method} {self.uri!r}>"


def _http_date(text: str) -> float | None:
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None


# Status values the phase runner and cycle import from here, to keep one spelling.
__all__ = ["Request", "OK", "DECLINED", "DONE", "HTTP_UNAUTHORIZED"]
