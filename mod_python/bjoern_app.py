"""The engine as bjoern needs it (``serve --server bjoern``).

bjoern frames every response itself from two facts: a Content-Length header, and whether
the client's request allows keep-alive. Three things would go wrong with the engine's
responses as they are, so this wrapper sets them right:

- bjoern's ``start_response`` returns no ``write`` callable (PEP 3333 wants one): what a
  handler streams is kept and sent ahead of the body, as for granian.
- A HEAD response without Content-Length would be framed as chunked and followed by the
  last-chunk marker, bytes the client does not expect after a HEAD response; they would
  corrupt the next response on the connection. It gets the length of the body the engine
  withheld (``HEAD_BODY_LENGTH_KEY``), the length a GET would have had (RFC 9110, 8.6).
- bjoern writes its own Connection header; the engine's (``Connection: close`` on an
  error status) would make a second one that contradicts it, so it is left out.
- bjoern sends no Date header, which httpd (and the other back-ends) always send.
"""

from __future__ import annotations

import time
from email.utils import formatdate

from ._engine.output import HEAD_BODY_LENGTH_KEY
from .wsgi_entry import WriteCallableFallback

# Statuses whose responses carry no body and no length (bjoern frames these itself).
_BODYLESS = ("1", "204", "304")


class BjoernApplication:
    def __init__(self, app):
        self.app = app
        self._buffered = WriteCallableFallback(app)  # bjoern's start_response returns None

    def __call__(self, environ: dict, start_response):
        if environ.get("REQUEST_METHOD") == "HEAD":
            return self._head(environ, start_response)

        def start_response_for_bjoern(status, headers, exc_info=None):
            return start_response(status, _server_headers(headers), exc_info)

        return self._buffered(environ, start_response_for_bjoern)

    def _head(self, environ: dict, start_response):
        """Run the request, then start the response with the length the body would have."""
        started: list = []

        def start_response_later(status, headers, exc_info=None):
            started[:] = [status, headers]
            return _discard

        result = self.app(environ, start_response_later)
        try:
            for _ in result:  # a HEAD body is empty; iterate so the app finishes its work
                pass
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        headers = _server_headers(headers)
        if not status.startswith(_BODYLESS) and not any(
            name.lower() == "content-length" for name, _ in headers
        ):
            headers.append(("Content-Length", str(environ.get(HEAD_BODY_LENGTH_KEY, 0))))
        start_response(status, headers)
        return []


def _server_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The engine's headers without Connection, with Date (unless the app set its own)."""
    names = {name.lower() for name, _ in headers}
    if "connection" in names:
        headers = [(name, value) for name, value in headers if name.lower() != "connection"]
    if "date" not in names:
        headers = [*headers, ("Date", _http_date())]
    return headers


_date_cache = [0, ""]


def _http_date() -> str:
    """The current time as an HTTP date, formatted once a second."""
    now = int(time.time())
    if now != _date_cache[0]:
        _date_cache[:] = [now, formatdate(now, usegmt=True)]
    return _date_cache[1]


def _discard(data: bytes) -> None:
    """The write callable of a HEAD response: its body is not sent."""


__all__ = ["BjoernApplication"]
