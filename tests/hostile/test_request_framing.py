"""Hostile request framing over a live cheroot socket: bad or conflicting Content-Length,
Transfer-Encoding, chunk sizes, a body shorter than announced, oversized or malformed Host.
Nothing hangs (cheroot's socket timeout bounds a short body), nothing leaks a traceback."""

from __future__ import annotations

import time

import pytest

from .conftest import ECHO_CONF, raw_exchange, served_site, status_of

FORM_HANDLER = """
from mod_python import apache, util

def handler(req):
    form = util.FieldStorage(req)
    req.write("fields=%d host=%r" % (len(form.list), req.hostname))
    return apache.OK
"""
SOCKET_TIMEOUT = 1  # seconds cheroot waits for a silent client; the short-body test spends it
FORM_TYPE = "Content-Type: application/x-www-form-urlencoded\r\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory, site_class):
    root = tmp_path_factory.mktemp("framing")
    files = {"echo.py": FORM_HANDLER}
    options = {"numthreads": 4, "timeout": SOCKET_TIMEOUT}
    with served_site(site_class, root, ECHO_CONF % "Off", files, **options) as served:
        yield served


def post(base: str, headers: str, body: str) -> bytes:
    request = f"POST /echo.py HTTP/1.1\r\nHost: x\r\n{FORM_TYPE}{headers}Connection: close\r\n\r\n"
    return raw_exchange(base, (request + body).encode("latin-1"))


@pytest.mark.parametrize(
    "headers, body, status",
    [("Content-Length: abc\r\n", "a=1", 400),
     ("Content-Length: -3\r\n", "a=1", 400),
     ("Content-Length: 99999999999999999999\r\n", "a=1", 413),
     ("Transfer-Encoding: gzip\r\n", "a=1", 501),
     ("Transfer-Encoding: chunked\r\n", "zz\r\na=1\r\n0\r\n\r\n", 500),
     ("Transfer-Encoding: chunked\r\n", "ffffffffffffffff\r\na=1\r\n0\r\n\r\n", 500)],
)  # fmt: skip
def test_malformed_body_framing_status(served, headers, body, status):
    site, base = served
    answer = post(base, headers, body)
    assert status_of(answer) == status
    assert b"Traceback" not in answer


def test_bad_chunk_size_is_logged(served):
    site, base = served
    post(base, "Transfer-Encoding: chunked\r\n", "zz\r\na=1\r\n0\r\n\r\n")
    assert "Bad chunked transfer size: b'zz'" in site.error_log


@pytest.mark.parametrize(
    "headers, body",
    [("Transfer-Encoding: chunked\r\n", "3\r\na=1\r\n0\r\n\r\n"),
     # Both given: chunked framing wins and Content-Length is ignored (RFC 9112 6.3).
     ("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "3\r\na=1\r\n0\r\n\r\n")],
)  # fmt: skip
def test_chunked_body_is_read_by_its_chunks(served, headers, body):
    site, base = served
    answer = post(base, headers, body)
    assert status_of(answer) == 200
    assert answer.endswith(b"fields=1 host='x'\r\n0\r\n\r\n")


def test_body_shorter_than_content_length_ends_with_a_logged_500(served):
    site, base = served
    started = time.monotonic()
    answer = post(base, "Content-Length: 100\r\n", "a=1")
    assert time.monotonic() - started < SOCKET_TIMEOUT + 5
    assert status_of(answer) == 500
    assert b"Client read error" not in answer
    assert "Client read error (Timeout?)" in site.error_log


def test_oversized_host_is_a_400(served):
    site, base = served
    answer = raw_exchange(base, b"GET /echo.py HTTP/1.1\r\nHost: " + b"h" * 9000 + b"\r\n\r\n")
    assert status_of(answer) == 400
    assert b"Size of a request header field exceeds server limit." in answer


def test_too_many_header_fields_is_a_400(served):
    site, base = served
    fields = b"".join(b"X-Field-%d: 1\r\n" % number for number in range(120))
    answer = raw_exchange(
        base, b"GET /echo.py HTTP/1.1\r\nHost: x\r\n" + fields + b"Connection: close\r\n\r\n"
    )
    assert status_of(answer) == 400
    assert b"exceeds this server's limit" in answer


@pytest.mark.parametrize("host", ["a/../b", "a.com, b.com", "<script>", "a.com:99999999999"])
def test_malformed_host_is_a_400(served, host):
    site, base = served
    answer = raw_exchange(
        base, f"GET /echo.py HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    )
    assert status_of(answer) == 400


def test_http11_request_without_host_is_a_400(served):
    site, base = served
    answer = raw_exchange(base, b"GET /echo.py HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status_of(answer) == 400


@pytest.mark.parametrize(
    ("host", "log_code"), [("a/../b", "AH00550"), ("a, b", "AH00550"), (None, "AH00569")]
)
def test_a_refused_host_is_logged_in_process(make_site, host, log_code):
    site = make_site("")
    environ = {"SERVER_PROTOCOL": "HTTP/1.1"}
    if host is None:
        environ["HTTP_HOST"] = None  # removed: an HTTP/1.1 request that sent no Host
    response = site.get("/", headers={"Host": host} if host else None, environ=environ)
    assert response.status == 400
    assert log_code in site.error_log
