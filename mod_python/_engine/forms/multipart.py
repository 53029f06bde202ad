"""A sans-I/O ``multipart/form-data`` parser: feed it bytes, get events back.

The parser does no reading and no storing: :meth:`MultipartParser.feed` takes whatever
block the caller read and returns what it completed, as ``(kind, payload)`` events:
``(PART, headers)`` when a part's header block ends, ``(DATA, bytes)`` for its content
(any number of times), ``(END, None)`` when its delimiter is seen. Delimiters are found
with ``bytes.find`` over whole blocks, so the cost per byte is a memchr, not a loop.

The rules are mod_python's (``util.FieldStorage.read_to_boundary``): a delimiter line is
``--boundary`` at the start of a line, optionally followed by ``--`` (the last one), then
CRLF or LF. The CRLF before it belongs to the delimiter; a bare LF before it stays in the
data. Part headers end at an empty line; lines starting with a space or tab continue the
previous header; a header value is kept raw (leading space and line end included), as
mod_python stores it in ``field.headers``. A part whose header block runs into a
delimiter or the end of the body is dropped. A body that ends without a closing
delimiter keeps its last part. Unlike mod_python, the closing delimiter may end the body
without a line break, and a header line without a colon is refused (mod_python failed
with a 500) rather than crashing.
"""

from __future__ import annotations

from .errors import malformed, too_large

PART = 0
DATA = 1
END = 2

_PREAMBLE, _HEADERS, _BODY, _EPILOGUE = range(4)
# What follows a "--boundary" candidate: not a delimiter, not known yet, or a delimiter.
_NOT_A_DELIMITER, _UNDECIDED, _OPENING, _CLOSING = range(4)


class MultipartParser:
    """One multipart body. ``feed`` blocks, then ``close`` at the end of input."""

    __slots__ = (
        "_boundary_line", "_needle", "_buffer", "_state", "_headers", "_header_bytes",
        "_max_header_size", "finished",
    )  # fmt: skip

    def __init__(self, boundary: bytes, max_header_size: int = 16 << 10) -> None:
        if not boundary:
            raise malformed("the multipart boundary is empty")
        self._boundary_line = b"--" + boundary
        self._needle = b"\n--" + boundary
        # A line break in front, so that a delimiter opening the body is found like any other.
        self._buffer = b"\r\n"
        self._state = _PREAMBLE
        self._headers: list[tuple[bytes, bytes]] = []
        self._header_bytes = 0
        self._max_header_size = max_header_size
        #: True once the closing delimiter was seen: the rest of the body is epilogue.
        self.finished = False

    def feed(self, data: bytes) -> list[tuple[int, object]]:
        """Events completed by ``data`` (the next bytes of the body)."""
        if self._state == _EPILOGUE:
            return []
        self._buffer = self._buffer + data if self._buffer else data
        return self._run(final=False)

    def close(self) -> list[tuple[int, object]]:
        """Events for the end of the body: an unterminated last part is completed."""
        events = self._run(final=True) if self._state != _EPILOGUE else []
        if self._state == _BODY:
            if self._buffer:
                events.append((DATA, self._buffer))
            events.append((END, None))
        self._buffer = b""
        self._state = _EPILOGUE
        return events

    # ---- the state machine ------------------------------------------------------------

    def _run(self, final: bool) -> list[tuple[int, object]]:
        events: list[tuple[int, object]] = []
        while True:
            state = self._state
            if state == _BODY:
                if not self._body(events, final):
                    return events
            elif state == _HEADERS:
                if not self._header_lines(events, final):
                    return events
            elif state == _PREAMBLE:
                if not self._preamble(final):
                    return events
            else:
                self._buffer = b""
                return events

    def _delimiter_kind(self, buffer: bytes, after: int, final: bool) -> tuple[int, int]:
        """What the bytes after a ``--boundary`` ending at ``after`` make of it.

        Returns ``(kind, end)``: ``end`` is the index just past the delimiter's line
        break for ``_OPENING`` and ``_CLOSING``.
        """
        tail = buffer[after : after + 4]
        if tail[:2] == b"--":
            kind, rest, after = _CLOSING, tail[2:], after + 2
        elif tail in (b"", b"-") and not final:
            return _UNDECIDED, 0
        else:
            kind, rest = _OPENING, tail
        if rest[:2] == b"\r\n":
            return kind, after + 2
        if rest[:1] == b"\n":
            return kind, after + 1
        if rest in (b"", b"\r"):
            if not final:
                return _UNDECIDED, 0
            if kind == _CLOSING and not rest:
                return kind, after  # "--boundary--" ending the body without a line break
        return _NOT_A_DELIMITER, 0

    def _after_delimiter(self, kind: int, rest: bytes) -> None:
        if kind == _CLOSING:
            self._state = _EPILOGUE
            self.finished = True
            self._buffer = b""
        else:
            self._state = _HEADERS
            self._buffer = rest
            self._headers = []
            self._header_bytes = 0

    def _preamble(self, final: bool) -> bool:
        buffer, needle = self._buffer, self._needle
        start = 0
        while True:
            found = buffer.find(needle, start)
            if found < 0:
                self._buffer = buffer[-len(needle) :] if not final else b""
                return False
            kind, end = self._delimiter_kind(buffer, found + len(needle), final)
            if kind == _UNDECIDED:
                self._buffer = buffer[found:]
                return False
            if kind == _NOT_A_DELIMITER:
                start = found + 1
                continue
            self._after_delimiter(kind, buffer[end:])
            return True

    def _body(self, events: list, final: bool) -> bool:
        buffer, needle = self._buffer, self._needle
        start = 0
        while True:
            found = buffer.find(needle, start)
            if found < 0:
                keep = len(needle)  # a delimiter may begin in the last bytes (its CR too)
                if len(buffer) > keep:
                    events.append((DATA, buffer[:-keep]))
                    self._buffer = buffer[-keep:]
                else:
                    self._buffer = buffer
                return False
            kind, end = self._delimiter_kind(buffer, found + len(needle), final)
            if kind == _NOT_A_DELIMITER:
                start = found + 1
                continue
            if kind == _UNDECIDED:
                cut = found - 1 if found else 0  # keep a possible CR with the candidate
                if cut > 0:
                    events.append((DATA, buffer[:cut]))
                self._buffer = buffer[cut:]
                return False
            # CRLF before the delimiter belongs to it; a bare LF stays with the data.
            data_end = found - 1 if found and buffer[found - 1] == 13 else found + 1
            if data_end > 0:
                events.append((DATA, buffer[:data_end]))
            events.append((END, None))
            self._after_delimiter(kind, buffer[end:])
            return True

    def _header_lines(self, events: list, final: bool) -> bool:
        buffer = self._buffer
        position = 0
        headers = self._headers
        limit = self._max_header_size
        while True:
            newline = buffer.find(b"\n", position)
            if newline < 0:
                if self._header_bytes + len(buffer) - position > limit:
                    raise too_large(f"a multipart part's headers exceed {limit} bytes")
                if final:  # the body ended inside a header block: the part is dropped
                    self._state = _EPILOGUE
                    self._buffer = b""
                else:
                    self._buffer = buffer[position:]
                return False
            line = buffer[position : newline + 1]
            position = newline + 1
            self._header_bytes += len(line)
            if self._header_bytes > limit:
                raise too_large(f"a multipart part's headers exceed {limit} bytes")
            if line == b"\r\n" or line == b"\n":
                events.append((PART, headers))
                self._headers = []
                self._state = _BODY
                self._buffer = buffer[position:]
                return True
            if line.startswith(self._boundary_line):
                kind, _ = self._delimiter_kind(line, len(self._boundary_line), True)
                if kind != _NOT_A_DELIMITER:  # a delimiter before the blank line: drop the part
                    self._after_delimiter(kind, buffer[position:])
                    return True
            if line[:1] in (b" ", b"\t") and headers:
                name, value = headers[-1]
                headers[-1] = (name, value + line)
                continue
            colon = line.find(b":")
            if colon < 0:
                shown = line[:60].decode("latin-1").rstrip("\r\n")
                raise malformed(f"a multipart part header has no colon: {shown!r}")
            headers.append((line[:colon], line[colon + 1 :]))
