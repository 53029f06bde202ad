"""mod_log_config's access logs: ``LogFormat`` strings compiled once into line formatters,
and the ``CustomLog``/``TransferLog`` targets (files and piped programs) lines go to.

A format is compiled into one generated Python function over an ``AccessRecord`` (the values
of one finished request), so logging a request costs one call and one ``os.write`` per
target. The directive letters, modifiers (``<``, ``>``, status conditions), escaping and
"-" rules follow Apache 2.4, checked against the real server (tests/_engine/test_access_log.py
holds lines it wrote).

Text convention: every text field of a record holds bytes as Latin-1 characters (the WSGI
convention, also how request headers and tables arrive); ``record_from_request`` converts
the values our Request keeps as Unicode (the URI, the file name, the server name).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .constants import AP_CONN_KEEPALIVE

DEFAULT_LOG_FORMAT = '%h %l %u %t "%r" %>s %b'
"""Apache's built-in format for TransferLog (and CustomLog without a usable LogFormat)."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class LogFormatError(ValueError):
    """A LogFormat string Apache would refuse at start-up (message as httpd words it)."""


class LogTargetError(OSError):
    """A CustomLog/TransferLog target that cannot be opened or started."""


# ---- the values one log line is made of ------------------------------------------------------


@dataclass(eq=False)
class AccessRecord:
    """One finished request as mod_log_config sees it (the *final* request of a redirect
    chain); ``original`` is the first request's record when an internal redirect happened.

    Mappings need ``get(name)`` answering the first value case-insensitively (our ``table``);
    ``name in`` / ``[name]`` (list for several values) are used for Set-Cookie only.
    """

    remote_ip: str = ""  # %a %h: req.useragent_ip
    client_ip: str | None = None  # %{c}a %{c}h: conn.client_ip (None: same as remote_ip)
    remote_host: str | None = None  # %h when a host name was looked up (HostnameLookups)
    remote_port: int = 0  # %{remote}p
    local_ip: str = ""  # %A: conn.local_ip
    local_port: int = 0  # %{local}p
    server_port: int = 80  # %p %{canonical}p: the ServerName port, else the scheme's default
    remote_logname: str | None = None  # %l (identd): conn.remote_logname
    user: str | None = None  # %u: req.user
    request_time: float = 0.0  # %t: epoch seconds at the start of the request
    duration: float = 0.0  # %D %T: seconds from request_time to the log line
    the_request: str = ""  # %r: the request line as received
    method: str = "GET"  # %m
    protocol: str = "HTTP/1.1"  # %H
    uri: str = "/"  # %U: the decoded path (req.uri)
    args: str | None = None  # %q: the query string without "?" (None: no "?")
    filename: str | None = None  # %f
    handler: str | None = None  # %R
    status: int = 200  # %s %>s
    bytes_sent: int = 0  # %b %B: response body bytes
    content_type: str | None = None  # %{Content-Type}o prefers it (parameters dropped)
    headers_in: Any = None  # %i %C
    headers_out: Any = None  # %o (looked up after err_headers_out, as httpd merges them)
    err_headers_out: Any = None
    notes: Any = None  # %n
    env: Any = None  # %e: req.subprocess_env
    server_name: str = ""  # %v: the ServerName of the (virtual) server
    hostname: str | None = None  # %V: the Host: name (UseCanonicalName Off), else server_name
    pid: int = 0  # %P
    tid: int = 0  # %{tid}P %{hextid}P
    keepalives: int = 0  # %k: conn.keepalives (httpd's count, incremented on keep-alive)
    connection_status: str = "-"  # %X: "X" aborted, "+" kept alive, "-" closed
    bytes_in: int | None = None  # %I (mod_logio): request line, headers and body
    bytes_out: int | None = None  # %O (mod_logio): status line, headers and body
    log_id: str | None = None  # %L
    original: AccessRecord | None = None  # for %<s, %U, %r, %T, %D, %R and "<" modifiers


# ---- escaping ----------------------------------------------------------------------------------

# ap_escape_logitem: printable ASCII stays, except '"' and '\'; the rest becomes \xhh, with
# C's short escapes for \b \n \r \t \v.
_UNSAFE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")
_SHORT_ESCAPES = {"\b": "\\b", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
                  '"': '\\"', "\\": "\\\\"}  # fmt: skip


def _escape_char(match: re.Match) -> str:
    char = match.group()
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return "".join(f"\\x{byte:02x}" for byte in char.encode("utf-8"))


def escape_logitem(value: str | None) -> str:
    """A request-derived value as Apache writes it in an access log; "-" when missing."""
    if value is None:
        return "-"
    if _UNSAFE.search(value) is None:
        return value
    return _UNSAFE.sub(_escape_char, value)


def _first(mapping: Any, name: str) -> str | None:
    return None if mapping is None else mapping.get(name)


def _header_out(record: AccessRecord, name: str) -> str | None:
    value = _first(record.err_headers_out, name)
    return value if value is not None else _first(record.headers_out, name)


def _content_type_out(record: AccessRecord) -> str:
    if record.content_type:
        return escape_logitem(record.content_type.split(";", 1)[0].rstrip())
    return escape_logitem(_header_out(record, "Content-Type"))


def _all_values(mapping: Any, name: str) -> list[str]:
    if mapping is None or name not in mapping:
        return []
    value = mapping[name]
    return list(value) if isinstance(value, list) else [value]


def _set_cookie_out(record: AccessRecord, name: str) -> str:
    values = _all_values(record.err_headers_out, name) + _all_values(record.headers_out, name)
    return escape_logitem(", ".join(values)) if values else "-"


def _cookie(headers_in: Any, wanted: str) -> str:
    """%{NAME}C: the value of one cookie of the first Cookie: header, blanks trimmed.

    Pairs with an empty name or value are skipped; names compare case-insensitively.
    """
    header = _first(headers_in, "Cookie")
    if not header:
        return "-"
    wanted = wanted.lower()
    for pair in header.split(";"):
        name, equals, value = pair.lstrip("=").partition("=")
        if not name or not equals or not value:
            continue
        if name.strip(" \t\r\n\v\f").lower() == wanted:
            return escape_logitem(value.strip(" \t\r\n\v\f"))
    return "-"


# An absolute request URI with a password: httpd logs it as XXXXXXXX.
_PASSWORD_IN_LINE = re.compile(r"^(\S+ [A-Za-z][A-Za-z0-9+.-]*://[^:/@?#\s]*:)[^/@?#\s]*@")


def _request_line(the_request: str) -> str:
    if "@" in the_request:
        the_request = _PASSWORD_IN_LINE.sub(r"\1XXXXXXXX@", the_request, count=1)
    return escape_logitem(the_request)


def _user(user: str | None) -> str:
    if user is None:
        return "-"
    return escape_logitem(user) if user else '""'


# ---- time ------------------------------------------------------------------------------------

_clf_cache: tuple[int, str] = (-1, "")


def _clf_time(when: float) -> str:
    """``[10/Oct/2000:13:55:36 -0700]`` in local time; remembered for the current second."""
    global _clf_cache
    second = int(when)
    cached = _clf_cache
    if cached[0] == second:
        return cached[1]
    local = time.localtime(second)
    offset = local.tm_gmtoff or 0
    sign = "-" if offset < 0 else "+"
    offset = abs(offset)
    text = (
        f"[{local.tm_mday:02d}/{_MONTHS[local.tm_mon - 1]}/{local.tm_year}:"
        f"{local.tm_hour:02d}:{local.tm_min:02d}:{local.tm_sec:02d} "
        f"{sign}{offset // 3600:02d}{offset % 3600 // 60:02d}]"
    )
    _clf_cache = (second, text)
    return text


def _strftime(pattern: str, when: float) -> str:
    text = time.strftime(pattern, time.localtime(int(when)))
    return text if text.isascii() else _as_latin1_text(text)


def _usec(seconds: float) -> int:
    return round(seconds * 1_000_000)


# ---- the format compiler ------------------------------------------------------------------------

# Directives whose value comes from the original request unless ">" asks for the final one.
_ORIGINAL_BY_DEFAULT = frozenset("rDTUsRL")


@dataclass(frozen=True)
class _Item:
    letter: str
    arg: str
    want_original: bool
    conditions: tuple[int, ...]
    negated: bool


def _parse(fmt: str) -> list[str | _Item]:
    """Split a LogFormat into literal text and directive items, as mod_log_config does."""
    parts: list[str | _Item] = []
    position, length = 0, len(fmt)
    while position < length:
        if fmt[position] != "%":
            literal = []
            while position < length and fmt[position] != "%":
                char = fmt[position]
                if char == "\\" and position + 1 < length and fmt[position + 1] in "\\rnt":
                    literal.append({"\\": "\\", "r": "\r", "n": "\n", "t": "\t"}[fmt[position + 1]])
                    position += 2
                else:
                    literal.append(char)
                    position += 1
            parts.append("".join(literal))
            continue
        position += 1
        if position < length and fmt[position] == "%":
            parts.append("%")
            position += 1
            continue
        arg, want, conditions, negated = "", None, [], False
        while True:
            if position >= length:
                raise LogFormatError("Ran off end of LogFormat parsing args to some directive")
            char = fmt[position]
            if char == "!":
                negated = not negated
                position += 1
            elif char == "<":
                want, position = True, position + 1
            elif char == ">":
                want, position = False, position + 1
            elif char == ",":
                position += 1
            elif char == "{":
                end = fmt.find("}", position + 1)
                if end < 0:  # the argument runs to the end of the string
                    arg, position = fmt[position + 1 :], length
                else:
                    arg, position = fmt[position + 1 : end], end + 1
            elif char.isdigit():
                end = position
                while end < length and fmt[end].isdigit():
                    end += 1
                conditions.append(int(fmt[position:end]))
                position = end
            else:
                letter = char
                if char == "^" and fmt[position + 1 : position + 3] in ("ti", "to"):
                    letter = fmt[position : position + 3]
                    position += 2
                elif char not in _DIRECTIVES:
                    raise LogFormatError(f"Unrecognized LogFormat directive %{char}")
                position += 1
                if want is None:
                    want = letter in _ORIGINAL_BY_DEFAULT
                parts.append(_Item(letter, arg, want, tuple(conditions), negated))
                break
    return parts


class _Namespace:
    """Constants and helpers a generated formatter refers to by name."""

    def __init__(self):
        self.values: dict[str, Any] = {
            "escape": escape_logitem, "first": _first, "header_out": _header_out,
            "cookie": _cookie, "request_line": _request_line, "user": _user,
            "clf_time": _clf_time, "strftime": _strftime, "usec": _usec,
            "content_type_out": _content_type_out, "set_cookie_out": _set_cookie_out,
            "str": str, "format": format,
        }  # fmt: skip

    def const(self, value: Any) -> str:
        name = f"c{len(self.values)}"
        self.values[name] = value
        return name


def _time_expression(arg: str, r: str, ns: _Namespace) -> str:
    when = f"{r}.request_time"
    pattern = arg
    if pattern.startswith("begin:"):
        pattern = pattern[6:]
    elif pattern.startswith("end:"):
        pattern = pattern[4:]
        when = f"({r}.request_time + {r}.duration)"
    if not pattern:
        return f"clf_time({when})"
    if pattern == "sec":
        return f"str(int({when}))"
    if pattern == "msec":
        return f"str(usec({when}) // 1000)"
    if pattern == "usec":
        return f"str(usec({when}))"
    if pattern == "msec_frac":
        return f"format(usec({when}) // 1000 % 1000, '03d')"
    if pattern == "usec_frac":
        return f"format(usec({when}) % 1000000, '06d')"
    return f"strftime({ns.const(pattern)}, {when})"


def _duration_expression(arg: str, r: str, ns: _Namespace) -> str:
    if arg in ("", "s"):
        return f"str(int({r}.duration))"
    if arg == "ms":
        return f"str(usec({r}.duration) // 1000)"
    if arg == "us":
        return f"str(usec({r}.duration))"
    return ns.const(_as_latin1_text(arg))  # httpd writes an unknown unit as it is


def _port_expression(arg: str, r: str, ns: _Namespace) -> str:
    key = arg.lower()
    if key in ("", "canonical"):
        return f"str({r}.server_port)"
    if key == "local":
        return f"str({r}.local_port)"
    if key == "remote":
        return f"str({r}.remote_port)"
    return ns.const(_as_latin1_text(arg))


def _pid_expression(arg: str, r: str, ns: _Namespace) -> str:
    if arg in ("", "pid"):
        return f"str({r}.pid)"
    if arg == "tid":
        return f"str({r}.tid)"
    if arg == "hextid":
        return f"format({r}.tid, 'x')"
    return ns.const(_as_latin1_text(arg))


def _header_out_expression(arg: str, r: str, ns: _Namespace) -> str:
    if arg.lower() == "content-type":
        return f"content_type_out({r})"
    if arg.lower() == "set-cookie":
        return f"set_cookie_out({r}, {ns.const(arg)})"
    return f"escape(header_out({r}, {ns.const(arg)}))"


# letter -> builder(arg, record variable, namespace) -> Python expression giving a str.
_DIRECTIVES: dict[str, Callable[[str, str, _Namespace], str]] = {
    "a": lambda a, r, ns: (
        f"({r}.client_ip or {r}.remote_ip or '-')" if a == "c" else f"({r}.remote_ip or '-')"
    ),
    "A": lambda a, r, ns: f"({r}.local_ip or '-')",
    "B": lambda a, r, ns: f"str({r}.bytes_sent)",
    "b": lambda a, r, ns: f"(str({r}.bytes_sent) if {r}.bytes_sent else '-')",
    "C": lambda a, r, ns: f"cookie({r}.headers_in, {ns.const(a)})",
    "D": lambda a, r, ns: f"str(usec({r}.duration))",
    "e": lambda a, r, ns: f"escape(first({r}.env, {ns.const(a)}))",
    "f": lambda a, r, ns: f"escape({r}.filename)",
    "h": lambda a, r, ns: (
        f"escape({r}.client_ip or {r}.remote_ip or None)"
        if a == "c"
        else f"escape({r}.remote_host or {r}.remote_ip or None)"
    ),
    "H": lambda a, r, ns: f"escape({r}.protocol)",
    "i": lambda a, r, ns: f"escape(first({r}.headers_in, {ns.const(a)}))",
    "k": lambda a, r, ns: f"str({r}.keepalives - 1 if {r}.keepalives > 1 else 0)",
    "l": lambda a, r, ns: f"escape({r}.remote_logname)",
    "L": lambda a, r, ns: "'-'" if a == "c" else f"escape({r}.log_id)",
    "m": lambda a, r, ns: f"escape({r}.method)",
    "n": lambda a, r, ns: f"escape(first({r}.notes, {ns.const(a)}))",
    "o": _header_out_expression,
    "p": _port_expression,
    "P": _pid_expression,
    "q": lambda a, r, ns: f"('?' + escape({r}.args) if {r}.args is not None else '')",
    "r": lambda a, r, ns: f"request_line({r}.the_request)",
    "R": lambda a, r, ns: f"escape({r}.handler)",
    "s": lambda a, r, ns: f"str({r}.status)",
    "t": _time_expression,
    "T": _duration_expression,
    "u": lambda a, r, ns: f"user({r}.user)",
    "U": lambda a, r, ns: f"escape({r}.uri)",
    "v": lambda a, r, ns: f"escape({r}.server_name)",
    "V": lambda a, r, ns: f"escape({r}.hostname or {r}.server_name)",
    "X": lambda a, r, ns: f"{r}.connection_status",
    "I": lambda a, r, ns: f"(str({r}.bytes_in) if {r}.bytes_in is not None else '-')",
    "O": lambda a, r, ns: f"(str({r}.bytes_out) if {r}.bytes_out is not None else '-')",
    "S": lambda a, r, ns: (
        f"(str({r}.bytes_in + {r}.bytes_out) "
        f"if {r}.bytes_in is not None and {r}.bytes_out is not None else '-')"
    ),
    "^ti": lambda a, r, ns: "'-'",  # request trailers: none reach the engine
    "^to": lambda a, r, ns: "'-'",  # response trailers: never sent
}


class LogFormat:
    """A compiled LogFormat: ``format(record)`` gives the line without its newline."""

    __slots__ = ("text", "format", "source")

    def __init__(self, text: str):
        self.text = text
        ns = _Namespace()
        pieces = []
        uses_original = False
        for part in _parse(text):
            if isinstance(part, str):
                pieces.append(ns.const(_as_latin1_text(part)))
                continue
            record = "o" if part.want_original else "r"
            uses_original |= part.want_original
            expression = _DIRECTIVES[part.letter](part.arg, record, ns)
            if part.conditions:
                statuses = ns.const(frozenset(part.conditions))
                test = "not in" if part.negated else "in"
                expression = f"({expression} if {record}.status {test} {statuses} else '-')"
            pieces.append(expression)
        body = "''.join((" + "".join(piece + ", " for piece in pieces) + "))"
        lines = ["def format_line(r):"]
        if uses_original:
            lines.append("    o = r.original or r")
        lines.append(f"    return {body}")
        self.source = "\n".join(lines)
        namespace = dict(ns.values)
        exec(compile(self.source, f"<LogFormat {text!r}>", "exec"), namespace)  # noqa: S102
        self.format: Callable[[AccessRecord], str] = namespace["format_line"]

    def line(self, record: AccessRecord) -> bytes:
        """The log line as written: the formatted text, a newline, Latin-1 bytes."""
        return _line_bytes(self.format(record) + "\n")

    def __repr__(self) -> str:
        return f"LogFormat({self.text!r})"


_compiled: dict[str, LogFormat] = {}
_compiled_lock = threading.Lock()


def compile_log_format(text: str) -> LogFormat:
    """The compiled formatter of a LogFormat string (cached: one per distinct string)."""
    compiled = _compiled.get(text)
    if compiled is None:
        compiled = LogFormat(text)
        with _compiled_lock:
            _compiled[text] = compiled
    return compiled


def resolve_log_format(spec: str, log_formats: Mapping[str, str]) -> str:
    """The format string a CustomLog/TransferLog uses.

    ``""`` (TransferLog) is the server's LogFormat without a nickname, else Apache's
    default; a defined nickname gives its format; anything else is itself a format string
    (an undefined nickname such as "combined" is therefore logged as that literal text).
    """
    if spec == "":
        return log_formats.get("") or DEFAULT_LOG_FORMAT
    return log_formats.get(spec, spec)


def _as_latin1_text(text: str) -> str:
    """Unicode text (config, file system) in the bytes-as-Latin-1 convention, as UTF-8."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def _line_bytes(line: str) -> bytes:
    return line.encode("latin-1", "backslashreplace")


# ---- the request -> record adapter -----------------------------------------------------------------


def record_from_request(req, now: float | None = None) -> AccessRecord:
    """The record of a finished request: ``req`` is any request of the redirect chain."""
    first = req
    while first._prev is not None:
        first = first._prev
    final = first
    while final._next is not None:
        final = final._next
    end = time.time() if now is None else now
    record = _record_of(final, end)
    if first is not final:
        record.original = _record_of(first, end)
    return record


def _record_of(req, end: float) -> AccessRecord:
    conn = req.connection
    vhost = req._vhost
    environ = req._environ
    scheme = environ.get("wsgi.url_scheme", "http")
    port = req.server.port or (443 if scheme == "https" else 80)
    keep_alive = conn.keepalive == AP_CONN_KEEPALIVE and vhost.keep_alive
    keepalives = conn.keepalives
    if conn.aborted:
        connection_status = "X"
    elif keep_alive and (vhost.keep_alive_max == 0 or vhost.keep_alive_max - keepalives > 0):
        connection_status = "+"
    else:
        connection_status = "-"
    return AccessRecord(
        remote_ip=req.useragent_ip,
        client_ip=conn.client_ip,
        remote_host=None,  # HostnameLookups are not done: %h is the address
        remote_port=req.useragent_addr[1],
        local_ip=conn.local_ip,
        local_port=conn.local_addr[1],
        server_port=port,
        remote_logname=conn.remote_logname,
        user=req.user,
        request_time=req.request_time,
        duration=max(0.0, end - req.request_time),
        the_request=req.the_request,
        method=req.method,
        protocol=req.protocol,
        uri=_as_latin1_text(req.uri),
        args=req.args,
        filename=_as_latin1_text(req.filename) if req.filename else None,
        handler=req.handler,  # httpd logs "-" for static files: no handler was set
        status=req.status,
        bytes_sent=req.bytes_sent,
        content_type=req.content_type,
        headers_in=req.headers_in,
        headers_out=req._headers_out,
        err_headers_out=req._err_headers_out,
        notes=req._notes,
        env=req._subprocess_env,
        server_name=_as_latin1_text(vhost.server_name),
        hostname=req.hostname,
        pid=os.getpid(),
        tid=threading.get_ident(),
        keepalives=keepalives,
        connection_status=connection_status,
    )


# ---- targets ------------------------------------------------------------------------------------


class FileTarget:
    """A log file opened once with O_APPEND: one ``os.write`` per line keeps lines whole
    across threads and processes sharing it."""

    def __init__(self, path: str):
        self.path = path
        self._fd = self._open()

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise LogTargetError(
                error.errno, f"could not open transfer log file {self.path}: {error.strerror}"
            ) from None

    def write(self, data: bytes) -> None:
        written = os.write(self._fd, data)
        while written < len(data):  # only for huge lines or a full disk
            data = data[written:]
            written = os.write(self._fd, data)

    def reopen(self) -> None:
        """Log rotation: the path is opened again, in place of the old file, under the same
        descriptor number (dup2), so writers in other threads never see a closed fd."""
        fresh = self._open()
        try:
            os.dup2(fresh, self._fd)
        finally:
            os.close(fresh)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __repr__(self) -> str:
        return f"FileTarget({self.path!r})"


class PipeTarget:
    """A piped log ("|program", "||program" or "|$shell command"): the program is started
    once and reads the lines on its stdin; it is started again if it has died.

    As in httpd 2.4, "|" and "||" run the program directly, "|$" through ``/bin/sh -c``.
    """

    def __init__(self, target: str):
        self.target = target
        command = target[1:]
        self.shell = False
        if command.startswith("|"):
            command = command[1:]
        elif command.startswith("$"):
            command, self.shell = command[1:], True
        self.command = command.strip()
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._spawn()

    def _spawn(self) -> None:
        args: Any = self.command if self.shell else shlex.split(self.command)
        try:
            self._process = subprocess.Popen(  # noqa: S603 - the configured log program
                args, stdin=subprocess.PIPE, shell=self.shell, close_fds=True
            )
        except (OSError, ValueError) as error:
            raise LogTargetError(
                f"could not open piped log program {self.command!r}: {error}"
            ) from None

    def write(self, data: bytes) -> None:
        process = self._process
        try:
            os.write(process.stdin.fileno(), data)  # one write: whole lines up to PIPE_BUF
        except (BrokenPipeError, ValueError, AttributeError):
            with self._lock:
                if self._process is process:
                    self._restart()
            os.write(self._process.stdin.fileno(), data)

    def _restart(self) -> None:
        old = self._process
        if old is not None:
            try:
                old.stdin.close()
            except OSError:
                pass
            old.poll()
        self._spawn()

    def reopen(self) -> None:
        """Piped programs rotate their own output: nothing to do."""

    def close(self, timeout: float = 5.0) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        try:
            process.stdin.close()
        except OSError:
            pass
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait(timeout)

    def __repr__(self) -> str:
        return f"PipeTarget({self.target!r})"


def open_target(target: str, server_root: str | None = None) -> FileTarget | PipeTarget:
    """A CustomLog/TransferLog target: "|..." is a piped program, anything else a file
    (relative to ``server_root`` when given and the path is relative)."""
    if target.startswith("|"):
        return PipeTarget(target)
    path = target
    if server_root and not os.path.isabs(path):
        path = os.path.join(server_root, path)
    return FileTarget(os.path.abspath(path))


# ---- the logger -----------------------------------------------------------------------------------


class AccessLogger:
    """Every CustomLog/TransferLog of a server and its virtual hosts.

    Targets are opened at construction (a bad format raises LogFormatError, an unopenable
    target LogTargetError, as Apache refuses to start); the same target named by several
    servers is opened once. ``log`` never raises: a failing target is reported once on
    stderr and then skipped silently until ``reopen`` succeeds.
    """

    def __init__(self, settings, server_root: str | None = None, error_stream=None):
        self._error_stream = error_stream
        self._targets: dict[str, FileTarget | PipeTarget] = {}
        self._per_server: dict[int, list[tuple[LogFormat, FileTarget | PipeTarget]]] = {}
        self._failed: set[str] = set()
        self._settings = settings
        try:
            for server in [settings, *getattr(settings, "vhosts", ())]:
                self._per_server[id(server)] = self._server_logs(server, server_root)
        except BaseException:
            self.close()
            raise

    def _server_logs(self, server, server_root: str | None) -> list:
        root = server_root if server_root is not None else (server.server_root or None)
        logs = []
        for target, spec in server.custom_logs:
            log_format = compile_log_format(resolve_log_format(spec, server.log_formats))
            writer = self._targets.get(target)
            if writer is None:
                writer = self._targets[target] = open_target(target, root)
            logs.append((log_format, writer))
        return logs

    @property
    def targets(self) -> list[FileTarget | PipeTarget]:
        return list(self._targets.values())

    def log(self, record: AccessRecord, server=None) -> None:
        """Write the record's line to every log of ``server`` (default: the main server)."""
        logs = self._per_server.get(id(server if server is not None else self._settings))
        if not logs:
            return
        for log_format, writer in logs:
            try:
                writer.write(log_format.line(record))
            except Exception as error:  # noqa: BLE001 - logging must never fail a request
                self._report(writer, error)

    def _report(self, writer, error: BaseException) -> None:
        key = repr(writer)
        if key in self._failed:
            return
        self._failed.add(key)
        stream = self._error_stream or sys.stderr
        try:
            stream.write(f"mod_python: access log {key}: {type(error).__name__}: {error}\n")
            stream.flush()
        except Exception:  # noqa: BLE001, S110 - nowhere left to report to
            pass

    def reopen(self) -> None:
        """Reopen every log file (after rotation, as on SIGUSR1); errors are reported once."""
        for writer in self._targets.values():
            try:
                writer.reopen()
            except Exception as error:  # noqa: BLE001
                self._report(writer, error)
            else:
                self._failed.discard(repr(writer))

    def close(self) -> None:
        for writer in self._targets.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001, S110 - closing at shutdown
                pass
        self._targets.clear()
        self._per_server.clear()


__all__ = [
    "DEFAULT_LOG_FORMAT", "AccessLogger", "AccessRecord", "FileTarget", "LogFormat",
    "LogFormatError", "LogTargetError", "PipeTarget", "compile_log_format", "escape_logitem",
    "open_target", "record_from_request", "resolve_log_format",
]  # fmt: skip
