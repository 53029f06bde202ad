"""A request stand-in for FieldStorage tests, and multipart bodies as browsers send them.

``FormRequest`` has just what ``FieldStorage`` uses (args, method, headers_in, read,
readline, get_options, register_cleanup, log_error); tests that need the whole engine
use ``make_site`` instead. ``parse_parts`` runs the bare parser over a body.
"""

from __future__ import annotations

import io

from mod_python._engine.forms.multipart import DATA, END, PART, MultipartParser
from mod_python._engine.table import table


class FormRequest:
    """A POST (or any method) whose body is read from memory in the sizes asked for."""

    def __init__(self, body: bytes = b"", content_type: str | None = None, args: str | None = None,
                 method: str = "POST", options: dict | None = None,
                 length: int | str | None = -1, headers: dict | None = None) -> None:  # fmt: skip
        self.args = args
        self.method = method
        pairs = list((headers or {}).items())
        if content_type is not None:
            pairs.append(("Content-Type", content_type))
        if length == -1:
            length = len(body)
        if length is not None:
            pairs.append(("Content-Length", str(length)))
        self.headers_in = table._from_pairs(pairs)
        self._body = io.BytesIO(body)
        self._options = table._from_pairs(list((options or {}).items()))
        self.cleanups: list = []
        self.logged: list[str] = []
        self.read_sizes: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        return self._body.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self._body.readline(size)

    def get_options(self) -> table:
        return self._options

    def register_cleanup(self, function, data=None) -> None:
        self.cleanups.append((function, data))

    def log_error(self, message, level=None) -> None:
        self.logged.append(message)

    def end(self) -> None:
        """What the engine does when the request ends: run the cleanups."""
        for function, data in reversed(self.cleanups):
            function(data)


def multipart(boundary: str, parts: list[tuple[list[str], bytes]], *, preamble: bytes = b"",
              epilogue: bytes = b"", newline: bytes = b"\r\n") -> bytes:  # fmt: skip
    """A multipart body from ``(header lines, content)`` parts."""
    out = [preamble]
    for header_lines, content in parts:
        out.append(b"--" + boundary.encode() + newline)
        for line in header_lines:
            out.append(line.encode("utf-8") + newline)
        out.append(newline + content + newline)
    out.append(b"--" + boundary.encode() + b"--" + newline + epilogue)
    return b"".join(out)


def parse_parts(body: bytes, boundary: bytes = b"b", block: int | None = None,
                max_header_size: int = 16 << 10) -> list[tuple[list, bytes]]:  # fmt: skip
    """``[(headers, content)]`` of every completed part, fed ``block`` bytes at a time."""
    parser = MultipartParser(boundary, max_header_size)
    events = []
    step = block or max(len(body), 1)
    for start in range(0, len(body), step):
        events += parser.feed(body[start : start + step])
    events += parser.close()
    parts, current = [], None
    for kind, payload in events:
        if kind == PART:
            current = [payload, b""]
        elif kind == DATA:
            current[1] += payload
        elif kind == END:
            parts.append((current[0], current[1]))
    return parts


PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) + b"\r\n--x\r\n"

# Captured shapes of real clients (boundary styles, header order and spelling).
FIREFOX_BOUNDARY = "----geckoformboundary3c9f1d2b7e5a4c8d9e0f1a2b3c4d5e6f"
FIREFOX_BODY = multipart(
    FIREFOX_BOUNDARY,
    [
        (['Content-Disposition: form-data; name="title"'], "Crème brûlée".encode()),
        (['Content-Disposition: form-data; name="comment"'], b"line one\r\nline two\r\n"),
        (
            ['Content-Disposition: form-data; name="photo"; filename="caf\xe9.png"',
             "Content-Type: image/png"],
            PNG_BYTES,
        ),
        (
            ['Content-Disposition: form-data; name="empty"; filename=""',
             "Content-Type: application/octet-stream"],
            b"",
        ),
    ],
)  # fmt: skip
FIREFOX_OLD_BOUNDARY = "---------------------------9051914041544843365972754266"
FIREFOX_OLD_BODY = multipart(
    FIREFOX_OLD_BOUNDARY,
    [
        (['Content-Disposition: form-data; name="text"'], b"text default"),
        (
            ['Content-Disposition: form-data; name="file1"; filename="a.txt"',
             "Content-Type: text/plain"],
            b"Content of a.txt.\n",
        ),
        (
            ['Content-Disposition: form-data; name="file2"; filename="a.html"',
             "Content-Type: text/html"],
            b"<!DOCTYPE html><title>Content of a.html.</title>\n",
        ),
    ],
)  # fmt: skip
CHROME_BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
CHROME_BODY = multipart(
    CHROME_BOUNDARY,
    [
        (['Content-Disposition: form-data; name="username"'], b"joe"),
        (['Content-Disposition: form-data; name="tags"'], b"a"),
        (['Content-Disposition: form-data; name="tags"'], b"b"),
        (['Content-Disposition: form-data; name="na%22me"'], b"quoted name"),
        (
            ['Content-Disposition: form-data; name="doc"; filename="r\xe9sum\xe9 (1).pdf"',
             "Content-Type: application/pdf"],
            b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj\r\n\r\n--\r\nendobj\r\n",
        ),
    ],
)  # fmt: skip
CURL_BOUNDARY = "------------------------d74496d66958873e"
CURL_BODY = multipart(
    CURL_BOUNDARY,
    [
        (['Content-Disposition: form-data; name="name"'], b"value"),
        (
            ['Content-Disposition: form-data; name="upload"; filename="data.bin"',
             "Content-Type: application/octet-stream"],
            bytes(range(256)) * 4,
        ),
        (
            ['Content-Disposition: form-data; name="notes"; filename="notes.txt"',
             "Content-Type: text/plain"],
            b"no newline at the end",
        ),
    ],
)  # fmt: skip

BROWSER_BODIES = {
    "firefox": (FIREFOX_BOUNDARY, FIREFOX_BODY),
    "firefox-old": (FIREFOX_OLD_BOUNDARY, FIREFOX_OLD_BODY),
    "chrome": (CHROME_BOUNDARY, CHROME_BODY),
    "curl": (CURL_BOUNDARY, CURL_BODY),
}
