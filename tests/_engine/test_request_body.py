"""Reading the request body: read, readline, readlines, discard_request_body (SPEC 4.2)."""

from __future__ import annotations

import io
import socket

import pytest

from mod_python import apache

# in_handler and probe_site: run test code inside a real handler.
pytest_plugins = ["request_probe"]

WAIT = 10  # seconds a socket waits before the test fails

FOUR_LINES = b"".join(bytes([ord("a") + n]) * 30000 + b"\n" for n in range(4))  # 4 x 30001


class TrickleInput(io.RawIOBase):
    """A wsgi.input that hands out at most ``step`` bytes per read, as a slow client would."""

    def __init__(self, data: bytes, step: int):
        self._data = data
        self._step = step
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        size = self._step if size is None or size < 0 else min(size, self._step)
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


class FailingInput(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        raise ConnectionResetError(104, "Connection reset by peer")


def post(in_handler, probe, body: bytes, **kwargs):
    return in_handler(probe, method="POST", body=body, **kwargs).value


# ---- read -----------------------------------------------------------------------------------


def test_read_without_argument_returns_the_whole_body(in_handler):
    body = bytes(range(256)) * 400
    assert post(in_handler, lambda req: req.read(), body) == body


def test_read_returns_bytes(in_handler):
    assert type(post(in_handler, lambda req: req.read(), b"text")) is bytes


def test_read_of_zero_returns_nothing_and_consumes_nothing(in_handler):
    assert post(in_handler, lambda req: (req.read(0), req.read()), b"body") == (b"", b"body")


def test_read_with_a_length_returns_that_many_bytes(in_handler):
    assert post(in_handler, lambda req: (req.read(3), req.read()), b"abcdef") == (b"abc", b"def")


def test_read_longer_than_the_body_returns_what_there_is(in_handler):
    assert post(in_handler, lambda req: (req.read(100), req.read(5)), b"short") == (b"short", b"")


def test_read_with_a_negative_length_returns_everything(in_handler):
    assert post(in_handler, lambda req: req.read(-1), b"all of it") == b"all of it"


def test_read_without_a_body_returns_nothing(in_handler):
    assert in_handler(lambda req: (req.read(), req.readline(), req.readlines())).value == (
        b"", b"", []
    )  # fmt: skip


def test_read_collects_short_reads_until_the_length_asked(in_handler):
    body = b"0123456789" * 10
    stream = TrickleInput(body, 7)
    result = in_handler(
        lambda req: req.read(50),
        method="POST",
        environ={"wsgi.input": stream, "CONTENT_LENGTH": str(len(body))},
    )
    assert result.value == body[:50]
    assert stream.reads > 1


def test_read_takes_what_readline_buffered_first(in_handler):
    def probe(req):
        return req.readline(), req.read(3), req.read()

    assert post(in_handler, probe, b"line one\nline two\nrest") == (
        b"line one\n", b"lin", b"e two\nrest"
    )  # fmt: skip


def test_read_without_length_includes_what_readline_buffered(in_handler):
    assert post(in_handler, lambda req: (req.readline(), req.read()), b"a\nb\nc") == (
        b"a\n", b"b\nc"
    )  # fmt: skip


def test_remaining_and_read_length_follow_the_reads(in_handler):
    def probe(req):
        seen = [(req.remaining, req.read_length)]
        req.read(10)
        seen.append((req.remaining, req.read_length))
        req.read()
        seen.append((req.remaining, req.read_length))
        return seen

    assert post(in_handler, probe, b"x" * 25) == [(0, 0), (15, 10), (0, 25)]


def test_read_body_reports_the_chunked_error_policy_once_reading_started(in_handler):
    def probe(req):
        before = req.read_body
        req.read()
        return before, req.read_body

    assert post(in_handler, probe, b"x") == (apache.REQUEST_NO_BODY, apache.REQUEST_CHUNKED_ERROR)


def test_a_body_shorter_than_its_content_length_is_a_client_read_error(in_handler):
    def probe(req):
        with pytest.raises(OSError, match=r"Client read error \(Timeout\?\)"):
            req.read()

    in_handler(
        probe,
        method="POST",
        environ={"wsgi.input": io.BytesIO(b"123456789"), "CONTENT_LENGTH": "10"},
    )


def test_a_failing_input_stream_is_a_client_read_error(in_handler):
    def probe(req):
        with pytest.raises(OSError, match=r"Client read error \(Timeout\?\)"):
            req.read(5)

    in_handler(probe, method="POST", environ={"wsgi.input": FailingInput(), "CONTENT_LENGTH": "10"})


def test_an_unhandled_client_read_error_answers_500(probe_site):
    site = probe_site(lambda req: req.read())
    environ = {"wsgi.input": io.BytesIO(b"12"), "CONTENT_LENGTH": "5"}
    response = site.request("POST", "/probe.py", environ=environ)
    assert response.status == 500
    assert "Client read error (Timeout?)" in site.error_log


def test_an_invalid_content_length_answers_400(probe_site):
    site = probe_site(lambda req: req.read())
    response = site.request("POST", "/probe.py", environ={"CONTENT_LENGTH": "many"})
    assert response.status == 400


def test_a_body_over_limit_request_body_answers_413(probe_site):
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonHandler probe
        LimitRequestBody 10
    </Directory>
    """
    site = probe_site(lambda req: req.read(), conf=conf)
    assert site.post("/probe.py", b"x" * 11).status == 413


# ---- readline, readlines ----------------------------------------------------------------------


def test_readline_returns_one_line_at_a_time(in_handler):
    def probe(req):
        return [req.readline() for _ in range(4)]

    assert post(in_handler, probe, b"one\ntwo\nthree") == [b"one\n", b"two\n", b"three", b""]


def test_readline_echoes_long_lines(in_handler):
    def probe(req):
        lines = []
        while line := req.readline():
            lines.append(line)
        return lines

    assert post(in_handler, probe, FOUR_LINES) == FOUR_LINES.splitlines(keepends=True)


@pytest.mark.parametrize(
    "limit, expected",
    [(3, [b"abc", b"def", b"\n"]), (4, [b"abcd", b"ef\n", b"gh"]), (7, [b"abcdef\n", b"gh", b""]),
     (0, [b"", b"", b""])],
)  # fmt: skip
def test_readline_with_a_length_returns_at_most_that_many_bytes(in_handler, limit, expected):
    def probe(req):
        return [req.readline(limit) for _ in range(3)]

    assert post(in_handler, probe, b"abcdef\ngh") == expected


def test_readline_joins_a_line_split_across_reads(in_handler):
    body = b"a line split over many small reads\nnext\n"
    stream = TrickleInput(body, 3)
    result = in_handler(
        lambda req: (req.readline(), req.readline(), req.readline()),
        method="POST",
        environ={"wsgi.input": stream, "CONTENT_LENGTH": str(len(body))},
    )
    assert result.value == (b"a line split over many small reads\n", b"next\n", b"")


def test_readlines_returns_every_line(in_handler):
    assert post(in_handler, lambda req: req.readlines(), FOUR_LINES) == FOUR_LINES.splitlines(True)


@pytest.mark.parametrize("sizehint, count", [(30000, 1), (32000, 2), (60002, 2), (60003, 3)])
def test_readlines_stops_once_sizehint_bytes_were_read(in_handler, sizehint, count):
    lines = post(in_handler, lambda req: req.readlines(sizehint), FOUR_LINES)
    assert lines == FOUR_LINES.splitlines(keepends=True)[:count]


# ---- discard_request_body ---------------------------------------------------------------------


def test_discard_request_body_drops_the_rest_of_the_body(in_handler):
    def probe(req):
        return req.read(10), req.discard_request_body(), req.read()

    result = in_handler(probe, method="GET", body=b"0123456789abcdefghij")
    assert result.value == (b"0123456789", apache.OK, b"")


def test_discard_request_body_drops_what_readline_buffered(in_handler):
    def probe(req):
        return req.readline(), req.discard_request_body(), req.read(), req.readline()

    assert post(in_handler, probe, b"first\nsecond\n") == (b"first\n", apache.OK, b"", b"")


def test_discard_request_body_without_a_body_is_ok(in_handler):
    assert in_handler(lambda req: req.discard_request_body()).value == apache.OK


# ---- chunked request bodies over a real socket ---------------------------------------------------


def chunked(body: bytes, size: int) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    return encoded + b"0\r\n\r\n"


def send_chunked(base: str, body: bytes, size: int = 5) -> tuple[int, bytes]:
    """POST ``body`` with Transfer-Encoding: chunked, written by hand; return status and body."""
    host, port = base.removeprefix("http://").split(":")
    request = (
        b"POST /probe.py HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n" + chunked(body, size)
    )
    with socket.create_connection((host, int(port)), timeout=WAIT) as sock:
        sock.sendall(request)
        reply = b""
        while data := sock.recv(65536):
            reply += data
    head, _, payload = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        payload = dechunk(payload)
    return status, payload


def dechunk(data: bytes) -> bytes:
    out = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return out
        out, data = out + data[:size], data[size + 2 :]


CHUNKED_BODY = b"first line\nsecond line\n" + b"x" * 3000 + b"\nlast"


@pytest.mark.parametrize(
    "probe",
    [lambda req: req.read(),
     lambda req: b"".join(iter(req.readline, b"")),
     lambda req: b"".join(iter(lambda: req.read(7), b""))],
    ids=["read", "readline", "read-n"],
)  # fmt: skip
def test_a_chunked_request_body_is_read_decoded(probe_site, live_server, probe):
    base = live_server(probe_site(lambda req: req.write(probe(req))))
    assert send_chunked(base, CHUNKED_BODY) == (200, CHUNKED_BODY)


def test_an_empty_chunked_request_body_reads_as_empty(probe_site, live_server):
    base = live_server(probe_site(lambda req: req.write(repr(req.read()))))
    assert send_chunked(base, b"") == (200, b"b''")


def test_read_chunked_is_set_for_a_chunked_body(probe_site, live_server):
    def probe(req):
        req.read()
        req.write(str(req.read_chunked))

    assert send_chunked(live_server(probe_site(probe)), b"data") == (200, b"1")
