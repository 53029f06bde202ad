"""The one writer every byte of a response goes through (DESIGN decision 4).

Status and headers are held until the first flush; then ``start_response`` is called and
the PEP 3333 ``write`` callable streams each later chunk. A body finished before any flush
goes out in one piece with ``Content-Length``. HEAD suppresses the body here, nowhere else.
"""

from __future__ import annotations

import re
import tempfile
import time
from email.utils import formatdate

from .error_pages import CLOSES_CONNECTION
from .header_actions import apply_response_actions
from .status_lines import status_line_for


class ClientGone(OSError):
    """The client closed the connection while we were writing."""


class UnsafeHeader(OSError):
    """A response header held a control character: httpd refuses to send it (a 500).

    An ``OSError`` because a handler sees it as httpd's failed write ("Write failed").
    """


# The environ key where the engine leaves, for a HEAD response whose headers went out without
# a Content-Length, how many body bytes it withheld: what a server that must frame the
# response by length (bjoern) can give as its Content-Length (RFC 9110, 8.6).
HEAD_BODY_LENGTH_KEY = "mod_python.head_body_length"


class ResponseWriter:
    """Collects or streams the response of one WSGI call (a request and its redirects)."""

    __slots__ = ("_start_response", "_write", "head_only", "headers_sent", "_pending",
                 "active", "server_header", "closed", "refused", "withheld")  # fmt: skip

    def __init__(self, start_response, head_only: bool, server_header: str):
        self._start_response = start_response
        self._write = None
        self.head_only = head_only
        self.headers_sent = False
        self._pending: list[bytes] = []
        self.active = None  # the request whose status/headers go out (end of the redirect chain)
        self.server_header = server_header
        self.closed = False
        self.refused = False  # headers were refused once: what goes out is the 500 page
        self.withheld = 0  # body bytes of a HEAD response sent after its headers, not sent

    # ---- called by the request object ---------------------------------------------------

    def write(self, data: bytes, flush: bool) -> None:
        if data:
            self._pending.append(data)
        if flush:
            self.flush()

    def flush(self) -> None:
        if not self.headers_sent:
            req = self.active
            if (
                req._body_started
                or "CONTENT_LENGTH" in req._environ
                or ("HTTP_TRANSFER_ENCODING" in req._environ)
            ):
                keep_unread_body(req)
            self._send_headers(None)
        if self._pending:
            chunks, self._pending = self._pending, []
            if not self.head_only:
                try:
                    for chunk in chunks:
                        self._write(chunk)
                except OSError as error:
                    raise ClientGone(str(error)) from error
            else:
                self.withheld += sum(map(len, chunks))

    # ---- called once the request cycle is over ------------------------------------------

    def finish(self) -> list[bytes]:
        """Headers if still held (with Content-Length), and what remains of the body."""
        if self.headers_sent:
            chunks, self._pending = self._pending, []
            if self.head_only:
                self.withheld += sum(map(len, chunks))
                return []
            return chunks
        pending = self._pending
        body = pending[0] if len(pending) == 1 else b"".join(pending)  # no copy of one piece
        self._pending = []
        try:
            self._send_headers(content_length=len(body))
        except UnsafeHeader:
            # Set after check_held_headers (a log or cleanup handler, a Header directive):
            # the 500 page replaces the body, through the engine's one error path.
            self.active._engine._die(self.active, 500)
            return self.finish()
        return [] if self.head_only or not body else [body]

    def discard_pending(self) -> None:
        self._pending = []

    def check_held_headers(self) -> None:
        """Before the log phase: raise ``UnsafeHeader`` if the held headers cannot go out,
        so the engine's error path answers 500 while the request is still open."""
        req = self.active
        if self.refused and req._status != 500:
            raise UnsafeHeader("response headers were refused")
        try:
            check_header_text(req)
        except UnsafeHeader as refused:
            self._refuse(req, refused)
            raise

    def _refuse(self, req, refused: UnsafeHeader) -> None:
        """Log the refused header as httpd does (AH02430); empty both header tables and drop
        the held body, as httpd does before its 500 page."""
        self.refused = True
        self._pending = []
        req.log_error(str(refused))
        for table in (req._headers_out, req._err_headers_out):
            if table is not None:
                table.clear()

    def _send_headers(self, content_length: int | None) -> None:
        req = self.active
        try:
            headers = response_headers(req, content_length, self.server_header)
        except UnsafeHeader as refused:
            self._refuse(req, refused)
            raise
        status_line = status_line_for(req._status, req._status_line)
        req._status_line = status_line  # httpd fills r->status_line as the headers go out
        self._write = self._start_response(status_line, headers)
        self.headers_sent = True
        req._sent_headers()


class SubrequestWriter:
    """Where a subrequest's body goes (``#include virtual``): kept for its main request's
    filter to put in place. Its status and headers are never sent."""

    # ``_pending``, as in ResponseWriter: the list a write without flush appends to.
    __slots__ = ("_pending", "active")

    head_only = False
    headers_sent = False

    def __init__(self):
        self._pending: list[bytes] = []
        self.active = None

    def write(self, data: bytes, flush: bool) -> None:
        if data:
            self._pending.append(data)

    def flush(self) -> None:
        """Nothing to send: the body stays until the including page takes it."""

    def discard_pending(self) -> None:
        self._pending = []

    def body(self) -> bytes:
        return b"".join(self._pending)


def keep_unread_body(req) -> None:
    """Set aside what is left of the request body before the response starts.

    httpd lets a handler read the body after it wrote (and flushed) output; cheroot, like
    other WSGI servers, drains the unread body once the response headers go out. The rest is
    copied to a spooled file that ``wsgi.input`` then reads from.
    """
    environ = req._environ
    if not (req._body_started or environ.get("CONTENT_LENGTH")) and (
        "HTTP_TRANSFER_ENCODING" not in environ
    ):
        return  # no body (the usual GET): nothing to keep
    if environ.get("mod_python.body_kept"):
        return
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        left = -1 if not req._body_started else req._remaining
    else:
        try:
            left = req._remaining if req._body_started else int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return  # reading will answer 400
        limit = req._config.limit_request_body if req._config is not None else None
        if limit and left > limit:
            return  # reading will answer 413
    if left == 0:
        return
    stream, spool = environ["wsgi.input"], tempfile.SpooledTemporaryFile(max_size=1 << 20)
    while left:
        try:
            data = stream.read(65536 if left < 0 else min(65536, left))
        except OSError:
            break  # the reader reports the client error
        if not data:
            break
        spool.write(data)
        left -= len(data) if left > 0 else 0
    spool.seek(0)
    environ["wsgi.input"] = spool
    environ["mod_python.body_kept"] = True


_NO_NAMES: frozenset[str] = frozenset()
# httpd's check_headers: a response header name or value may not hold a control character
# other than tab. A NUL ends the value (httpd keeps C strings); anything else is a 500.
_has_control = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]").search


def check_header_text(req) -> None:
    """Cut header values at a NUL, then raise ``UnsafeHeader`` naming the first header that
    still holds a control character (httpd AH02429/AH02430). Nearly free for clean headers."""
    content_type = req._content_type
    # isprintable() is the cheap first test: False for every control (and for tab, a few
    # non-ASCII spaces: the regex decides those).
    if content_type and not content_type.isprintable() and _has_control(content_type):
        content_type = req._content_type = content_type.partition("\x00")[0]
        _refuse_controls("Content-Type", content_type)
    table = req._headers_out
    if table is not None and table._entries:
        _check_table(table)
    table = req._err_headers_out
    if table is not None and table._entries:
        _check_table(table)


def _check_table(table) -> None:
    entries = table._entries
    text = "".join(["".join(entry) for entry in entries])
    if text.isprintable() or not _has_control(text):
        return
    for entry in entries:
        name, value = entry
        if _has_control(name):
            raise UnsafeHeader(
                f"AH02429: Response header name {_loggable(name)} contains invalid "
                "characters, aborting request"
            )
        entry[1] = value = value.partition("\x00")[0]
        _refuse_controls(name, value)


def _refuse_controls(name: str, value: str) -> None:
    if _has_control(value):
        raise UnsafeHeader(
            f"AH02430: Response header {_loggable(name)} value of {_loggable(value)} "
            "contains invalid characters, aborting request"
        )


def _loggable(text: str) -> str:
    """Quoted, with control characters escaped as httpd escapes them in its error log."""
    return "'" + text.encode("unicode_escape").decode("ascii") + "'"


def response_headers(req, content_length: int | None, server_header: str) -> list[tuple[str, str]]:
    """Apache's header merge: err_headers_out then headers_out, then type and length."""
    config = req._config
    if config is not None and config.header_actions and not req._header_actions_done:
        req._header_actions_done = True
        apply_response_actions(req, config.header_actions, req._error_page)
    check_header_text(req)
    headers_out = req._headers_out
    err_headers_out = req._err_headers_out
    if (headers_out is not None and headers_out._entries) or (
        err_headers_out is not None and err_headers_out._entries
    ):
        headers, lowered = _table_headers(headers_out, err_headers_out)
    else:  # the usual handler set no header: nothing to merge
        headers, lowered = [], _NO_NAMES
    content_type = req._content_type
    status = req._status
    body_allowed = status not in (204, 304)  # httpd sends neither type nor length
    if content_type and body_allowed:
        if config is not None and config.default_charset:
            content_type = _with_default_charset(content_type, config.default_charset)
        if not content_type.isascii():
            content_type = _latin1(content_type)
        headers.append(("Content-Type", content_type))
    length = None
    if content_length is not None and body_allowed:
        length = str(content_length)
    elif "content-length" in lowered and req.headers_out.get("Content-Length") is not None:
        # A streamed body that went through output filters may not have the length the
        # handler (or the static file) announced: it goes out chunked instead.
        if req._output_chain is None:
            length = req.headers_out.get("Content-Length")
    # A HEAD response generated no body: httpd drops a zero Content-Length.
    if length is not None and not (length == "0" and req._method == "HEAD"):
        headers.append(("Content-Length", length))
    if req._no_cache and "expires" not in lowered:
        headers.append(("Expires", formatdate(time.time(), usegmt=True)))
    if status in CLOSES_CONNECTION and "connection" not in lowered:
        headers.append(("Connection", "close"))
    if "server" not in lowered:
        headers.append(("Server", server_header))
    # Only header text from tables and the content type can be non-ASCII: the rest is ours.
    return headers


def _table_headers(headers_out, err_headers_out) -> tuple[list[tuple[str, str]], set[str]]:
    """The headers of both tables (but the type and length, which the writer decides) as
    WSGI wants them, and every name they hold, lowercased."""
    headers: list[tuple[str, str]] = []
    for table in (headers_out, err_headers_out):
        if table is not None and table._entries:
            headers.extend(table._header_items())
    lowered = {name.lower() for name, _ in headers}
    headers = [
        (n if n.isascii() else _latin1(n), v if v.isascii() else _latin1(v))
        for n, v in headers
        if n.lower() not in ("content-type", "content-length")
    ]
    return headers, lowered


def _with_default_charset(content_type: str, charset: str) -> str:
    """AddDefaultCharset: text/plain and text/html without a charset get one."""
    lowered = content_type.lower()
    if lowered.startswith(("text/plain", "text/html")) and "charset" not in lowered:
        return f"{content_type}; charset={charset}"
    return content_type


def _latin1(text: str) -> str:
    """WSGI wants latin-1 str; mod_python tables may hold UTF-8 decoded text."""
    if text.isascii():
        return text
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8").decode("latin-1")
