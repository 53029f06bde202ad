"""The wrapper that fits the engine's responses to bjoern's framing (no bjoern needed)."""

from __future__ import annotations

import re

import pytest

from mod_python._engine.output import HEAD_BODY_LENGTH_KEY
from mod_python.bjoern_app import BjoernApplication


class Recorder:
    """bjoern's side of the call: a start_response without a write callable."""

    def __init__(self):
        self.calls: list[tuple[str, list]] = []

    def __call__(self, status, headers, exc_info=None):
        self.calls.append((status, list(headers)))
        # returns None, as bjoern's does


def call(app, method: str = "GET"):
    recorder = Recorder()
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/"}
    body = b"".join(BjoernApplication(app)(environ, recorder))
    assert len(recorder.calls) == 1
    status, headers = recorder.calls[0]
    return status, headers, body


def names(headers) -> list[str]:
    return [name.lower() for name, _ in headers]


def streaming_app(environ, start_response):
    """Like the engine for a handler that flushes: write() first, then the rest."""
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    if environ["REQUEST_METHOD"] == "HEAD":
        environ[HEAD_BODY_LENGTH_KEY] = 11
    else:
        write(b"hello ")
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [b"world"]


def test_written_chunks_come_ahead_of_the_returned_body():
    status, headers, body = call(streaming_app)
    assert (status, body) == ("200 OK", b"hello world")
    assert "content-length" not in names(headers)  # bjoern sends it chunked


def test_a_streamed_head_response_gets_the_length_of_the_withheld_body():
    status, headers, body = call(streaming_app, "HEAD")
    assert (status, body) == ("200 OK", b"")
    assert ("Content-Length", "11") in headers  # what the GET sends: "hello world"


def test_a_head_response_keeps_the_length_the_engine_gave():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", "35")])
        return []

    _, headers, _ = call(app, "HEAD")
    assert [value for name, value in headers if name == "Content-Length"] == ["35"]


def test_an_empty_head_response_says_zero():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return []

    _, headers, _ = call(app, "HEAD")
    assert ("Content-Length", "0") in headers


@pytest.mark.parametrize("status", ["204 No Content", "304 Not Modified", "101 Switching"])
def test_bodiless_statuses_get_no_length(status):
    def app(environ, start_response):
        start_response(status, [])
        return []

    _, headers, _ = call(app, "HEAD")
    assert "content-length" not in names(headers)


def test_the_head_response_starts_once_the_request_is_done():
    events = []

    def app(environ, start_response):
        start_response("200 OK", [])
        events.append("started")

        def body():
            events.append("body")
            yield b""

        return body()

    recorder = Recorder()
    result = BjoernApplication(app)({"REQUEST_METHOD": "HEAD"}, recorder)
    assert events == ["started", "body"] and result == []
    assert len(recorder.calls) == 1


def test_the_engines_connection_header_is_left_to_bjoern():
    def app(environ, start_response):
        start_response("500 Internal Server Error", [("Connection", "close"), ("X-A", "1")])
        return [b"oops"]

    _, headers, _ = call(app)
    assert "connection" not in names(headers) and ("X-A", "1") in headers


def test_a_date_header_is_added_unless_the_app_sent_one():
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b""]

    _, headers, _ = call(app)
    (date,) = [value for name, value in headers if name == "Date"]
    assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT", date)

    def dated(environ, start_response):
        start_response("200 OK", [("Date", "Sun, 06 Nov 1994 08:49:37 GMT")])
        return [b""]

    _, headers, _ = call(dated)
    assert [value for name, value in headers if name == "Date"] == ["Sun, 06 Nov 1994 08:49:37 GMT"]
