"""mod_python's per-request tests of reading, writing and request helpers (SPEC 12.2)."""

from __future__ import annotations

import base64
import http.client
import os
import socket
import threading

import pytest
from serving import free_port

from .conftest import directory_conf, handler_conf


def basic(user: str, password: str, encoding: str = "latin-1") -> dict:
    token = base64.b64encode(f"{user}:{password}".encode(encoding)).decode()
    return {"Authorization": f"Basic {token}"}


# ---- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), (basic("spam", "wrong"), 401), (basic("spam", "eggs"), 200)],
)
def test_req_unauthorized_status_follows_the_password(spec_site, headers, status):
    # httpd 2.4 needs "Require all granted" beside AuthType for mod_auth_basic to stay out.
    site = spec_site(
        handler_conf("req_unauthorized", "AuthName blah", "AuthType basic", "Require all granted")
    )
    response = site.get("/tests.py", headers=headers)
    assert response.status == status
    if status == 200:
        assert response.text == "test ok"


BASIC_AUTH_CONF = directory_conf(
    "SetHandler mod_python",
    "AuthName blah",
    "AuthType basic",
    "Require all granted",
    "PythonHandler tests::req_get_basic_auth_pw",
)


def test_req_get_basic_auth_pw_sets_user_and_returns_the_password(spec_site):
    site = spec_site(BASIC_AUTH_CONF)
    assert site.get("/tests.py", headers=basic("spam", "eggs")).text == repr(("spam", "eggs"))


def test_req_get_basic_auth_pw_latin1_decodes_latin1(spec_site):
    site = spec_site(BASIC_AUTH_CONF)
    response = site.get("/tests.py", headers=basic("sp\xe1m", "\xe9ggs"))
    assert response.text == repr(("sp\xe1m", "\xe9ggs"))


def test_req_auth_type_is_seen_in_authen_authz_and_content(spec_site):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "AuthName blah",
            "AuthType dummy",
            "Require valid-user",
            "PythonAuthenHandler tests::req_auth_type",
            "PythonAuthzHandler tests::req_auth_type",
            "PythonHandler tests::req_auth_type",
        )
    )
    # No credentials at all: the authen handler is what sets the user.
    response = site.get("/tests.py")
    assert response.text == repr(("dummy", "dummy", "ran"))


HAS_REQUIRES = """
def handler(req):
    req.write(repr(hasattr(req, "requires")))
    return 0
"""


def test_req_requires_is_compiled_out_on_httpd_2_4(spec_site):
    # mod_python's test_req_requires only runs on httpd < 2.4; on 2.4 req.requires does not
    # exist (SPEC 4.2), which is what we reproduce.
    site = spec_site(
        directory_conf("SetHandler mod_python", "PythonHandler probe"),
        files={"probe.py": HAS_REQUIRES},
    )
    assert site.get("/probe.py").text == "False"


# ---- URLs and bodies ----------------------------------------------------------------------


def test_req_construct_url_uses_the_host_and_port(spec_site, live_server):
    site = spec_site(handler_conf("req_construct_url"))
    base = live_server(site)
    host, port = base.removeprefix("http://").split(":")
    client = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        client.request("GET", "/tests.py", headers={"Host": f"test_req_construct_url:{port}"})
        body = client.getresponse().read().decode()
    finally:
        client.close()
    assert body == f"http://test_req_construct_url:{port}/index.html"


def test_req_read_echoes_a_large_body(spec_site):
    site = spec_site(handler_conf("req_read"))
    body = bytes(range(256)) * 390 + b"x" * 160  # 100 000 bytes
    assert site.post("/tests.py", body).body == body


@pytest.fixture
def short_timeout_server():
    """Serve a Site with cheroot whose socket timeout is 1 s (Apache's ``Timeout``)."""
    from cheroot import wsgi

    started = []

    def start(site) -> tuple[str, int]:
        server = wsgi.Server(("127.0.0.1", free_port()), site.engine, numthreads=2, timeout=1)
        server.prepare()
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        started.append((server, thread))
        return server.bind_addr

    yield start
    for server, thread in started:
        server.stop()
        thread.join(timeout=5)


def test_req_read_of_a_short_body_is_an_os_error_on_the_debug_page(spec_site, short_timeout_server):
    # 9 of 10 announced bytes, then silence: the read times out (after 1 s here; mod_python's
    # test sets Timeout 5) and PythonDebug shows the OSError (IOError on Python 2).
    site = spec_site(handler_conf("req_read", "PythonDebug On"))
    host, port = short_timeout_server(site)
    with socket.create_connection((host, port), timeout=15) as sock:
        sock.sendall(
            b"POST /tests.py HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n123456789"
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert b"OSError: Client read error" in received


LINES = b"".join(bytes([ord("a") + n]) * 30000 + b"\n" for n in range(4))


def test_req_readline_echoes_long_lines(spec_site):
    site = spec_site(handler_conf("req_readline"))
    assert site.post("/tests.py", LINES).body == LINES


@pytest.mark.parametrize(
    ("hint", "expected"),
    [(None, LINES), ("30000", LINES[:30001]), ("32000", LINES[:60002])],
)
def test_req_readlines_honours_the_size_hint(spec_site, hint, expected):
    site = spec_site(handler_conf("req_readlines"))
    headers = {"SizeHint": hint} if hint else {}
    assert site.post("/tests.py", LINES, headers=headers).body == expected


def test_req_discard_request_body_after_a_partial_read(spec_site):
    site = spec_site(handler_conf("req_discard_request_body"))
    response = site.request("GET", "/tests.py", body=b"12345678901234567890")
    assert response.text == "test ok"


def test_req_register_cleanup_runs_after_the_response(spec_site):
    site = spec_site(handler_conf("req_register_cleanup"))
    assert site.get("/tests.py").text == "registered"
    assert "req_register_cleanup test ok" in site.error_log


def test_req_headers_out_reach_the_client(spec_site):
    site = spec_site(handler_conf("req_headers_out"))
    assert site.get("/tests.py").header("X-Test-Header") == "test ok"


# ---- sendfile -----------------------------------------------------------------------------


def test_req_sendfile_sends_a_slice(spec_site):
    site = spec_site(handler_conf("req_sendfile"), files={"sendfile.txt": b"  test ok  "})
    assert site.get("/tests.py").text == "test ok"


def test_req_sendfile2_sends_the_whole_file(spec_site):
    content = os.urandom(1000)
    site = spec_site(handler_conf("req_sendfile2"), files={"sendfile2.txt": content})
    assert site.get("/tests.py").body == content


def test_req_sendfile3_follows_a_symlink(spec_site):
    content = b"through a link " * 10
    site = spec_site(handler_conf("req_sendfile3"), files={"target.txt": content})
    os.symlink(site.docroot / "target.txt", site.docroot / "sendfile3.link")
    assert site.get("/tests.py").body == content


# ---- response helpers ---------------------------------------------------------------------


def test_req_no_cache_adds_expires(spec_site):
    site = spec_site(handler_conf("req_no_cache"))
    assert site.get("/tests.py").header("Expires") is not None


def test_req_update_mtime_then_etag_and_last_modified(spec_site):
    site = spec_site(handler_conf("req_update_mtime"))
    response = site.get("/tests.py")
    assert response.text == repr((0.0, 100.0))
    assert response.header("ETag") is not None
    assert response.header("Last-Modified") is not None


def test_util_redirect_from_a_fixup_skips_the_content_handler(spec_site):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "PythonFixupHandler tests::util_redirect",
            "PythonHandler tests::util_redirect",
        )
    )
    response = site.get("/tests.py")
    assert (response.status, response.header("Location"), response.text) == (
        302,
        "/dummy",
        "test ok",
    )
