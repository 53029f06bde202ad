"""Response output through the request object: write, flush, sendfile, HEAD (SPEC 4.2)."""

from __future__ import annotations

import http.client
import io
import os
import sys
import threading
import time

import pytest

from mod_python._engine.output import HEAD_BODY_LENGTH_KEY

# in_handler and probe_site: run test code inside a real handler.
pytest_plugins = ["request_probe"]

WAIT = 10  # seconds a test waits for the other side before it fails


def test_write_encodes_text_as_utf8(in_handler):
    assert (
        in_handler(lambda req: req.write("h\xe9llo \u20ac")).response.body
        == "h\xe9llo \u20ac".encode()
    )


def test_write_sends_bytes_unchanged(in_handler):
    assert in_handler(lambda req: req.write(b"\x00\xff raw")).response.body == b"\x00\xff raw"


@pytest.mark.parametrize("data", [bytearray(b"buffer"), memoryview(b"buffer")])
def test_write_accepts_other_bytes_like_objects(in_handler, data):
    assert in_handler(lambda req: req.write(data)).response.body == b"buffer"


@pytest.mark.parametrize("data", [5, None, 1.5, ["a"]])
def test_write_refuses_what_is_neither_text_nor_bytes(in_handler, data):
    def probe(req):
        with pytest.raises(TypeError):
            req.write(data)

    assert in_handler(probe).response.body == b""


def test_each_flushed_write_goes_out_as_it_is_written(in_handler):
    def probe(req):
        req.write("one")
        req.write("two")

    response = in_handler(probe).response
    assert response.chunks == [b"one", b"two"]
    assert response.header("Content-Length") is None


def test_unflushed_writes_go_out_in_one_piece_with_a_content_length(in_handler):
    def probe(req):
        req.write("one", 0)
        req.write("two", 0)

    response = in_handler(probe).response
    assert (response.chunks, response.header("Content-Length")) == ([b"onetwo"], "6")


def test_flush_sends_what_unflushed_writes_held(in_handler):
    def probe(req):
        req.write("one", 0)
        req.flush()
        req.write("two", 0)

    assert in_handler(probe).response.chunks == [b"one", b"two"]


def test_empty_write_sends_nothing_and_leaves_headers_open(in_handler):
    def probe(req):
        req.write("")
        req.write(b"")
        sent_before = req.sent_bodyct
        req.status = 201
        req.headers_out["X-After"] = "yes"
        req.write("body")
        return sent_before

    result = in_handler(probe)
    assert result.value == 0
    assert (result.response.status, result.response.header("X-After")) == (201, "yes")


def test_headers_changed_after_the_first_flush_do_not_reach_the_client(in_handler):
    def probe(req):
        req.write("body")
        req.headers_out["X-Late"] = "too late"

    assert in_handler(probe).response.header("X-Late") is None


def test_bytes_sent_counts_flushed_bytes_and_bytes_queued_counts_all(in_handler):
    def probe(req):
        seen = [(req.bytes_sent, req._bytes_queued)]
        req.write("1234")
        seen.append((req.bytes_sent, req._bytes_queued))
        req.write(b"56", 0)
        seen.append((req.bytes_sent, req._bytes_queued))
        req.flush()
        seen.append((req.bytes_sent, req._bytes_queued))
        return seen

    assert in_handler(probe).value == [(0, 0), (4, 4), (4, 6), (6, 6)]


def test_sent_bodyct_is_set_once_headers_went_out(in_handler):
    def probe(req):
        seen = [req.sent_bodyct]
        req.write("held", 0)
        seen.append(req.sent_bodyct)
        req.flush()
        seen.append(req.sent_bodyct)
        return seen

    assert in_handler(probe).value == [0, 0, 1]


@pytest.mark.parametrize("protocol, chunked", [("HTTP/1.1", 1), ("HTTP/1.0", 0)])
def test_chunked_after_a_flushed_write_without_content_length(in_handler, protocol, chunked):
    def probe(req):
        req.write("x")
        return req.chunked

    assert in_handler(probe, environ={"SERVER_PROTOCOL": protocol}).value == chunked


def test_chunked_stays_0_when_content_length_was_set(in_handler):
    def probe(req):
        req.set_content_length(1)
        req.write("x")
        return req.chunked

    result = in_handler(probe)
    assert result.value == 0
    assert result.response.header("Content-Length") == "1"


LOG_HANDLER_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler probe
    PythonLogHandler logger
</Directory>
"""

LOGGER = """
def loghandler(req):
    req.log_error("log phase: bytes_sent=%d sent_bodyct=%d" % (req.bytes_sent, req.sent_bodyct))
    return 0
"""


def test_log_phase_sees_every_written_byte_as_sent(in_handler):
    result = in_handler(
        lambda req: req.write("12345", 0), conf=LOG_HANDLER_CONF, files={"logger.py": LOGGER}
    )
    assert "log phase: bytes_sent=5 sent_bodyct=1" in result.site.error_log


def serve_to_a_client_that_left(site, path: str = "/probe.py"):
    """Call the engine with a WSGI write callable that fails as a closed socket does."""

    def start_response(status, headers, exc_info=None):
        def write(data):
            raise BrokenPipeError(32, "Broken pipe")

        return write

    environ = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "test.local", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "HTTP_HOST": "test.local",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
    }  # fmt: skip
    return list(site.engine(environ, start_response))


@pytest.mark.parametrize(
    "action, message",
    [(lambda req: req.write("x"), "Write failed, client closed connection."),
     (lambda req: (req.write("x", 0), req.flush()), "Flush failed, client closed connection.")],
    ids=["write", "flush"],
)  # fmt: skip
def test_output_to_a_closed_connection_raises_oserror(probe_site, action, message):
    def probe(req):
        with pytest.raises(OSError) as caught:
            action(req)
        return str(caught.value)

    site = probe_site(probe)
    serve_to_a_client_that_left(site)
    assert site.outcome["value"] == message


# ---- sendfile -------------------------------------------------------------------------------


def test_sendfile_sends_len_bytes_from_offset(in_handler):
    def probe(req):
        return req.sendfile(os.path.join(req.document_root(), "f.txt"), 2, 7)

    result = in_handler(probe, files={"f.txt": b"  test ok  "})
    assert (result.value, result.response.body) == (7, b"test ok")


def test_sendfile_sends_the_whole_file_by_default(in_handler):
    content = bytes(range(256)) * 4

    def probe(req):
        return req.sendfile(os.path.join(req.document_root(), "data.bin"))

    result = in_handler(probe, files={"data.bin": content})
    assert (result.value, result.response.body) == (1024, content)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_sendfile_follows_a_symlink(in_handler, tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("through the link")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = in_handler(lambda req: req.sendfile(str(link)))
    assert result.response.body == b"through the link"


@pytest.mark.parametrize(
    "name, message",
    [("missing.txt", "Could not stat file for reading"), ("", "Could not open file for reading")],
    ids=["missing-file", "directory"],
)
def test_sendfile_of_what_cannot_be_read_raises_oserror(in_handler, name, message):
    def probe(req):
        with pytest.raises(OSError, match=message):
            req.sendfile(os.path.join(req.document_root(), name))

    in_handler(probe)


def test_sendfile_counts_in_bytes_queued_and_is_flushed(in_handler):
    def probe(req):
        req.sendfile(os.path.join(req.document_root(), "f.txt"), 2, 7)
        return req._bytes_queued, req.bytes_sent

    assert in_handler(probe, files={"f.txt": b"  test ok  "}).value == (7, 7)


# ---- HEAD -----------------------------------------------------------------------------------


def test_head_request_gets_the_headers_and_no_body(in_handler):
    def probe(req):
        req.content_type = "text/plain"
        req.write("a body that is not sent", 0)

    response = in_handler(probe, method="HEAD").response
    assert (response.status, response.body) == (200, b"")
    assert response.header("Content-Type") == "text/plain"


def test_head_request_gets_no_body_after_a_flush(in_handler):
    response = in_handler(lambda req: req.write("flushed body"), method="HEAD").response
    assert response.body == b""


def test_head_request_over_a_socket_gets_no_body(probe_site, live_server):
    base = live_server(probe_site(lambda req: req.write("not for HEAD")))
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=WAIT)
    try:
        connection.request("HEAD", "/probe.py")
        reply = connection.getresponse()
        assert (reply.status, reply.read()) == (200, b"")
    finally:
        connection.close()


# ---- streaming over a real socket ----------------------------------------------------------


def test_flushed_output_reaches_the_client_while_the_handler_still_runs(probe_site, live_server):
    client_saw_first = threading.Event()
    handler_state = {}

    def probe(req):
        req.write("first")
        handler_state["released"] = client_saw_first.wait(WAIT)
        req.write("second")
        handler_state["returned"] = True

    base = live_server(probe_site(probe))
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=WAIT)
    try:
        connection.request("GET", "/probe.py")
        reply = connection.getresponse()
        received = b""
        deadline = time.monotonic() + WAIT
        while b"first" not in received and time.monotonic() < deadline:
            received += reply.read1(64)
        assert received == b"first"
        assert "returned" not in handler_state  # the handler is still waiting for us
        client_saw_first.set()
        assert received + reply.read() == b"firstsecond"
    finally:
        client_saw_first.set()
        connection.close()
    assert handler_state == {"released": True, "returned": True}


@pytest.mark.parametrize(
    ("handler_body", "length"),
    [
        ('req.write("flushed "); req.write("and after", 0)', 17),
        ('req.write("flushed"); req.write(" twice")', 13),
    ],
)
def test_a_flushed_head_response_leaves_the_withheld_length_in_the_environ(
    make_site, handler_body, length
):
    """For servers that frame a HEAD response by its length (bjoern_app)."""
    site = make_site(
        "<Directory \"{docroot}\">\n  SetHandler mod_python\n  PythonHandler app\n</Directory>\n",
        files={"app.py": "from mod_python import apache\n\n\ndef handler(req):\n"
                         f"    {handler_body}\n    return apache.OK\n"},
    )  # fmt: skip

    def call(method: str) -> tuple[dict, str, list, bytes]:
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": "/app.py", "QUERY_STRING": "",
            "SERVER_NAME": "test.local", "SERVER_PORT": "80", "HTTP_HOST": "test.local",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        }  # fmt: skip
        started = []
        chunks = []
        body = site.engine(environ, lambda *args: started.extend(args[:2]) or chunks.append)
        return environ, started[0], started[1], b"".join([*chunks, *body])

    environ, status, headers, body = call("HEAD")
    assert (status, body) == ("200 OK", b"")
    assert "content-length" not in {name.lower() for name, _ in headers}
    assert environ[HEAD_BODY_LENGTH_KEY] == length
    environ, _, _, body = call("GET")
    assert len(body) == length and HEAD_BODY_LENGTH_KEY not in environ
