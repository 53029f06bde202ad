"""``util.FieldStorage``: the query string and a POSTed form, parsed as mod_python did.

The body is read from ``req.read`` in blocks of ``read_block_size`` and fed to the
sans-I/O :class:`~.multipart.MultipartParser` (or collected and split for urlencoded
bodies). Uploads are written to spooled temporary files that move to disk past
``spool_threshold`` and are closed (so removed: they have no name) when the request
ends. Bad input ends the parse with 400 or 413 and a line in the error log saying why.

Order and types follow mod_python 3.5 on Python 3 unless ``str_fields`` is on: query
string fields first (``str``), then the body's (``bytes`` names and values for
urlencoded bodies; ``str`` names and ``bytes`` values for multipart text parts).
"""

from __future__ import annotations

import codecs
import re
import tempfile
from io import BytesIO

from ..config.remembered import remembered
from ..constants import APLOG_ERR, HTTP_BAD_REQUEST, HTTP_LENGTH_REQUIRED, HTTP_NOT_IMPLEMENTED
from ..exceptions import SERVER_RETURN
from ..querystring import byte_pairs, parse_qsl
from ..table import table
from .errors import FormError, malformed, too_large
from .fields import Field, FieldList, StringField, TextField, string_field
from .headers import split_header, text_parameters
from .limits import FormLimits
from .multipart import DATA, END, PART, MultipartParser

URLENCODED = "application/x-www-form-urlencoded"
#: Line length mod_python's multipart reader used (kept as ``util.readBlockSize``).
READ_BLOCK_SIZE = 65368
_BODY_FIELDS = "_mod_python_form_body_fields"  # where a parsed body is kept on the request


_DEFAULT_LIMITS = FormLimits()

# id(config) -> (config, its limits); see config.remembered. A request whose options table
# was never built has the limits of its merged config alone: the option scan and FormLimits
# lookup run once per config instead of once per form.
_limits_by_config: dict[int, tuple[object, FormLimits]] = {}
_CONFIGS_KEPT = 1024


def limits_for(req) -> FormLimits:
    """The limits in force for ``req``: its PythonOptions and its ``LimitRequestBody``."""
    config = getattr(req, "_config", None)
    if config is not None and getattr(req, "_options_table", True) is None:
        # No handler built (so none changed) the request's options table: the merged
        # config's options are the request's.
        return remembered(
            _limits_by_config, id(config), config, _CONFIGS_KEPT, _config_limits, config
        )
    get_options = getattr(req, "get_options", None)
    options = get_options() if get_options is not None else None
    return _limits_from(options, getattr(config, "limit_request_body", None))


def _config_limits(config) -> FormLimits:
    options = {key: value for key, value in config.options_table.values() if value != ""}
    return _limits_from(options, getattr(config, "limit_request_body", None))


def _limits_from(options, limit_request_body: int | None) -> FormLimits:
    if not options and not limit_request_body:
        return _DEFAULT_LIMITS
    return FormLimits.from_options(options, limit_request_body)


def query_fields(query: str | bytes, keep_blank_values, limits: FormLimits) -> list:
    """Query-string text fields (always ``str`` names and values, as mod_python gives)."""
    separators = limits.query_separators
    try:
        pairs = parse_qsl(query, keep_blank_values, 0, separators)
    except SystemError:  # not UTF-8: mod_python fell back to a lenient decoder
        raw = query.encode("latin-1") if isinstance(query, str) else query
        pairs = [
            (key.decode("utf-8", "replace"), value.decode("utf-8", "replace"))
            for key, value in parse_qsl(raw, keep_blank_values, 0, separators)
        ]
    return [_text_field(key, value, limits.str_fields) for key, value in pairs]


def _text_field(name, value, str_mode: bool, charset: str = "utf-8"):
    if str_mode:
        if isinstance(name, bytes):
            name = name.decode(charset, "replace")
        if isinstance(value, bytes):
            value = value.decode(charset, "replace")
        field = TextField(value)
        field.charset = charset
        field.name = name
        return field
    return string_field(name, value)  # bytes stay as sent (mod_python failed on non-UTF-8)


class FieldStorage:
    """The form of one request: ``list`` holds every field in arrival order."""

    def __init__(self, req, keep_blank_values=0, strict_parsing=0, file_callback=None,
                 field_callback=None) -> None:  # fmt: skip
        try:
            limits = limits_for(req)
        except ValueError as error:
            req.log_error(f"mod_python.util: {error}", APLOG_ERR)
            raise
        self._limits = limits
        self.list = FieldList()
        if req.args:
            self.list.extend(query_fields(req.args, keep_blank_values, limits))
        body_fields = getattr(req, _BODY_FIELDS, None)
        if body_fields is None and req.method == "POST":
            reader = _BodyReader(req, limits, keep_blank_values, file_callback, field_callback)
            try:
                body_fields = reader.fields()
            except FormError as error:
                reader.discard()
                req.log_error(f"mod_python.util: form refused: {error.reason}", APLOG_ERR)
                raise SERVER_RETURN(error.status) from None
            except BaseException:
                reader.discard()
                raise
            try:
                setattr(req, _BODY_FIELDS, body_fields)
            except AttributeError:
                pass
        if body_fields:
            # The body can be read once: a second FieldStorage shows what the first parsed.
            self.list.extend(body_fields)
        try:
            req.form = self
        except AttributeError:
            pass

    # ---- mod_python's helpers, kept public -----------------------------------------------

    def parse_qsl_safely(self, query_string, keep_blank_values):
        """``parse_qsl`` that falls back to lenient decoding for non-UTF-8 text."""
        try:
            return parse_qsl(query_string, keep_blank_values, 0, self._limits.query_separators)
        except SystemError:
            return [
                (field.name, field.value)
                for field in query_fields(query_string, keep_blank_values, self._limits)
            ]

    def read_to_boundary(self, req, boundary, file):
        """Copy body lines to ``file`` (may be None) up to a line ``boundary`` matches.

        ``boundary`` is a compiled regex like ``--BOUNDARY(--)?\\r?\\n``; returns True at
        the closing delimiter or the end of the body. The CRLF before the delimiter is
        not data.
        """
        pending = b""
        while True:
            line = req.readline(READ_BLOCK_SIZE)
            if not line:
                if file is not None and pending:
                    file.write(pending)
                return True
            match = boundary.match(line)
            if match:
                return match.group(1) is not None
            if file is not None and pending:
                file.write(pending)
            if line.endswith(b"\r\n"):
                line, pending = line[:-2], b"\r\n"
            elif line.endswith(b"\r"):
                line, pending = line[:-1], b"\r"
            elif line == b"\n" and pending == b"\r":
                line, pending = b"", b"\r\n"
            else:
                pending = b""
            if file is not None:
                file.write(line)

    # ---- the dictionary interface ------------------------------------------------------

    def add_field(self, key, value) -> None:
        """Append a text field ``key`` = ``value``."""
        self.list.append(_text_field(key, value, self._limits.str_fields))

    def __setitem__(self, key, value) -> None:
        allowed = (bytes, str) if self._limits.str_fields else bytes
        if not isinstance(value, allowed):
            raise TypeError("Field value must be bytes")
        if not isinstance(key, allowed):
            raise TypeError("Field key must be bytes")
        for field in self.list.table().get(key, ()):
            self.list.remove(field)
        self.add_field(key, value)

    def __getitem__(self, key):
        found = self.list.table()[key]
        return found[0] if len(found) == 1 else found

    def get(self, key, default):
        try:
            return self[key]
        except (TypeError, KeyError):
            return default

    def getfirst(self, key, default=None):
        found = self.list.table().get(key)
        return found[0] if found else default

    def getlist(self, key) -> list:
        return self.list.table().get(key, [])

    def keys(self) -> list:
        return list(self.list.table())

    def __iter__(self):
        return iter(self.keys())

    def has_key(self, key) -> bool:
        return key in self.list.table()

    __contains__ = has_key

    def __len__(self) -> int:
        return len(self.list.table())

    def items(self) -> list:
        return [(field.name, field) for field in self.list]

    def __delitem__(self, key) -> None:
        for field in self.list.table()[key]:
            self.list.remove(field)

    def clear(self) -> None:
        self.list = FieldList()

    def __repr__(self) -> str:
        return repr(self.list.table())


class _BodyReader:
    """Reads one POST body into fields, within the limits; owns its temporary files."""

    __slots__ = ("req", "limits", "keep_blank_values", "file_callback", "field_callback",
                 "spools", "memory", "received")  # fmt: skip

    def __init__(self, req, limits: FormLimits, keep_blank_values, file_callback,
                 field_callback) -> None:  # fmt: skip
        self.req = req
        self.limits = limits
        self.keep_blank_values = keep_blank_values
        self.file_callback = file_callback if callable(file_callback) else None
        self.field_callback = field_callback if callable(field_callback) else None
        self.spools: list = []  # temporary files we made, closed when the request ends
        self.memory = 0  # bytes of field values held in memory
        self.received = 0

    # ---- the request's framing ------------------------------------------------------------

    def fields(self) -> list:
        headers = self.req.headers_in
        length = self._content_length(headers)
        ctype = headers.get("content-type")
        if ctype is None:
            ctype = URLENCODED
        media_type = ctype.split(";", 1)[0].strip().lower()
        if media_type == URLENCODED or ctype.lower().startswith(URLENCODED):
            return self._urlencoded(length, ctype)
        if not media_type.startswith("multipart/"):
            raise SERVER_RETURN(HTTP_NOT_IMPLEMENTED)
        _main, params = split_header(ctype.encode("latin-1", "replace"))
        boundaries = [value for name, value in params if name == b"boundary"]
        if not boundaries or not boundaries[-1]:
            self.req.log_error("mod_python.util: multipart body without a boundary", APLOG_ERR)
            raise SERVER_RETURN(HTTP_BAD_REQUEST)
        fields = self._multipart(length, boundaries[-1])
        if self.spools:
            self.req.register_cleanup(_close_all, self.spools)
        return fields

    def _content_length(self, headers) -> int | None:
        """The announced length; None for a chunked body (read to its end)."""
        raw = headers.get("content-length")
        if raw is None:
            if "chunked" in (headers.get("transfer-encoding") or "").lower():
                return None
            raise SERVER_RETURN(HTTP_LENGTH_REQUIRED)  # mod_python's answer, not 400
        try:
            length = int(raw)
        except ValueError:
            raise SERVER_RETURN(HTTP_LENGTH_REQUIRED) from None
        if length < 0:
            raise malformed(f"negative Content-Length {raw!r}")
        limit = self.limits.max_body_size
        if limit and length > limit:
            raise too_large(f"the body's {length} bytes exceed the limit of {limit}")
        return length

    def _blocks(self, length: int | None):
        """The body in blocks of at most ``read_block_size`` bytes, counted against the limit."""
        block, limit, read = self.limits.read_block_size, self.limits.max_body_size, self.req.read
        left = -1 if length is None else length
        while left:
            data = read(block if left < 0 else min(block, left))
            if not data:
                return
            self.received += len(data)
            if limit and self.received > limit:
                raise too_large(f"the body exceeds the limit of {limit} bytes")
            if left > 0:
                left -= len(data)
            yield data

    # ---- urlencoded ---------------------------------------------------------------------

    def _urlencoded(self, length: int | None, ctype: str) -> list:
        limit = self.limits.max_memory_size
        if length is not None and limit and length > limit:
            raise too_large(f"an urlencoded body of {length} bytes exceeds {limit} in memory")
        if length is not None:
            body = self.req.read(length)  # one read, as mod_python does: the size is bounded
        else:
            chunks = []
            for data in self._blocks(length):
                chunks.append(data)
                if limit and self.received > limit:
                    raise too_large(f"an urlencoded body exceeds {limit} bytes in memory")
            body = b"".join(chunks)
        limits = self.limits
        pairs = byte_pairs(body, self.keep_blank_values, limits.query_separators)
        if limits.max_fields and len(pairs) > limits.max_fields:
            raise too_large(f"the form has {len(pairs)} fields, more than {limits.max_fields}")
        if limits.str_fields:
            charset = _charset(ctype.encode("latin-1", "replace"))
            return [_text_field(key, value, True, charset) for key, value in pairs]
        # string_field inlined: this loop runs for every field of every form.
        fields = []
        append, make = fields.append, bytes.__new__
        for key, value in pairs:
            field = make(StringField, value)
            field.value = value
            field.name = key
            append(field)
        return fields

    # ---- multipart ----------------------------------------------------------------------

    def _multipart(self, length: int | None, boundary: bytes) -> list:
        limits = self.limits
        parser = MultipartParser(boundary, limits.max_header_size)
        fields: list = []
        part = None
        for data in self._blocks(length):
            part = self._events(parser.feed(data), part, fields)
            if parser.finished:
                break
        self._events(parser.close(), part, fields)
        return fields

    def _events(self, events, part, fields: list):
        """Apply parser events; returns the part still open (or None)."""
        for kind, payload in events:
            if kind == DATA:
                part.write(payload)
            elif kind == PART:
                if self.limits.max_fields and len(fields) >= self.limits.max_fields:
                    raise too_large(f"the form has more than {self.limits.max_fields} parts")
                part = _Part(self, payload)
            elif kind == END:
                fields.append(part.field())
                part = None
        return part

    def discard(self) -> None:
        """After a refusal: close every temporary file at once."""
        _close_all(self.spools)
        self.spools.clear()


class _Part:
    """One multipart part being received: its headers and where its content goes."""

    __slots__ = ("reader", "headers", "disposition", "disp_params", "ctype", "type_params",
                 "file", "in_memory", "is_upload", "size")  # fmt: skip

    def __init__(self, reader: _BodyReader, headers: list[tuple[bytes, bytes]]) -> None:
        self.reader = reader
        self.headers = headers
        self.disposition, self.disp_params = None, []
        self.ctype, self.type_params = b"text/plain", []
        for name, value in headers:
            key = name.strip().lower()
            if key == b"content-disposition":
                self.disposition, self.disp_params = split_header(value)
            elif key == b"content-type":
                self.ctype, self.type_params = split_header(value)
                if b"/" not in self.ctype:  # IE 6 sent junk for files without a suffix
                    self.ctype = b"application/octet-stream"
        self.size = 0
        self.is_upload = any(name == b"filename" for name, _ in self.disp_params)
        self.in_memory = True
        if self.is_upload:
            callback = reader.file_callback
            if callback is not None:
                self.file = callback(self._decoded_param(b"filename"))
                self.in_memory = False
            else:
                limits = reader.limits
                self.file = tempfile.SpooledTemporaryFile(
                    max_size=limits.spool_threshold, mode="w+b",
                    dir=limits.temp_directory or None,
                )  # fmt: skip
                reader.spools.append(self.file)
        elif reader.field_callback is not None:
            self.file = reader.field_callback()
        else:
            self.file = BytesIO()

    def _decoded_param(self, key: bytes):
        for name, value in self.disp_params:
            if name == key:
                if self.reader.limits.str_fields:
                    return text_parameters([(name, value)], "utf-8").get(key.decode())
                return value.decode("latin-1")
        return None

    def write(self, data: bytes) -> None:
        self.file.write(data)
        size = len(data)
        self.size += size
        if not self.in_memory:
            return
        reader = self.reader
        if self.is_upload and self.size > reader.limits.spool_threshold:
            reader.memory -= self.size - size  # the spooled file moved itself to disk
            self.in_memory = False
            return
        reader.memory += size
        limit = reader.limits.max_memory_size
        if limit and reader.memory > limit:
            raise too_large(f"form fields exceed {limit} bytes in memory")

    def field(self):
        """The finished part as mod_python's field object."""
        reader = self.reader
        str_mode = reader.limits.str_fields
        file = self.file
        file.seek(0)
        if str_mode:
            charset = _charset_of(self.type_params)
            disp_options = text_parameters(self.disp_params, "utf-8")
            type_options = text_parameters(self.type_params, "utf-8")
        else:
            charset = "utf-8"
            disp_options = {name: value.decode("latin-1") for name, value in self.disp_params}
            type_options = {name: value.decode("latin-1") for name, value in self.type_params}
        name = disp_options.get("name" if str_mode else b"name")
        filename = disp_options.get("filename" if str_mode else b"filename")
        if filename:
            field = Field(name)
            field.filename = filename
        else:
            # An empty file input ("filename" present but blank) is a text field, as in
            # mod_python; its content stays in the file it was written to.
            content = file.read()
            file.seek(0)
            field = _text_field(name, content, str_mode, charset)
        field.file = file
        field.type = self.ctype.decode("latin-1")
        field.type_options = type_options
        field.disposition = None if self.disposition is None else self.disposition.decode("latin-1")
        field.disposition_options = disp_options
        field.headers = table._from_pairs(
            [
                (key.decode("utf-8", "replace"), value.decode("utf-8", "replace"))
                for key, value in self.headers
            ]
        )
        return field


_CHARSET = re.compile(rb"charset\s*=\s*\"?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def _charset(content_type: bytes) -> str:
    """The ``charset`` parameter of a Content-Type if Python knows it, else UTF-8."""
    match = _CHARSET.search(content_type)
    return _known_codec(match.group(1).decode("ascii")) if match else "utf-8"


def _charset_of(type_params: list[tuple[bytes, bytes]]) -> str:
    for name, value in type_params:
        if name == b"charset":
            return _known_codec(value.decode("latin-1"))
    return "utf-8"


def _known_codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _close_all(files: list) -> None:
    """Close temporary files (they are unlinked already: closing frees their space)."""
    for file in files:
        try:
            file.close()
        except Exception:  # noqa: BLE001 - one failure must not keep the others open
            pass
