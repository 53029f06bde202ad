"""cgihandler, testhandler and PythonConnectionHandler against the real mod_python."""

from __future__ import annotations

import re
import socket

import pytest

from oracle.conftest import comparable

pytestmark = pytest.mark.oracle

WAIT = 10


def _same_ignoring_header_case(ours, oracle) -> tuple[dict, dict]:
    """comparable() of both, header names lowercased: mod_python's CGIStdout keeps the
    script's spelling ("Content-type"), our writer sends the canonical one."""
    mine, theirs = comparable(ours), comparable(oracle)
    for side in (mine, theirs):
        side["headers"] = sorted((name.lower(), value) for name, value in side["headers"])
    return mine, theirs


# ---- cgihandler -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/cgi/cgitest.py",  # mod_python's test_cgihandler
        "/cgi/status.py",
        "/cgi/headers.py",
        "/cgi/crlf.py",
        "/cgi/location.py",
        "/cgi/location_status.py",
        "/cgi/noheaders.py",
        "/cgi/missing.py",
        "/cgi/sub/inner.py",
        "/cgi/env.py/extra/path?a=1&b=2",
    ],
)
def test_cgi_script_response_matches(cgi_oracle, path):
    servers, _ = cgi_oracle
    ours, oracle = servers.exchange("GET", path, headers={"X-Probe": "probe value"})
    mine, theirs = _same_ignoring_header_case(ours, oracle)
    assert mine == theirs, servers.logs_tail()


def test_cgi_script_error_page_names_the_handler_and_the_exception(cgi_oracle):
    servers, _ = cgi_oracle
    ours, oracle = servers.exchange("GET", "/cgi/raises.py")
    # The traceback's frames are each implementation's own; what the client is told is not.
    for response in (ours, oracle):
        assert response.body.startswith(b"partial\n\n<pre>\nMod_python error: ")
        assert b'"PythonHandler mod_python.cgihandler"' in response.body
        assert response.body.endswith(b"ValueError: script failed\n\n</pre>\n")
    assert ours.status == oracle.status


# ---- testhandler ------------------------------------------------------------------------------


def _page_structure(body: bytes) -> dict:
    """The test page without its values: section titles, the general rows' names, and the
    markup with every <code>/<pre> value and key/value row taken out."""
    text = body.decode("utf-8", "replace")
    skeleton = re.sub(r"<code>.*?</code>", "<code/>", text, flags=re.S)
    skeleton = re.sub(r"<pre>.*?</pre>", "<pre/>", skeleton, flags=re.S)
    skeleton = re.sub(r"<tr><td><code/></td><td><code/></td></tr>\n", "", skeleton)
    general = text.split("<h3>Request input headers</h3>")[0]
    return {
        "sections": re.findall(r"<h3>(.*?)</h3>", text),
        "general rows": re.findall(r"<tr><td><code>(.*?)</code>", general),
        "skeleton": skeleton,
    }


def test_test_page_has_the_same_sections_rows_and_markup(cgi_oracle):
    servers, _ = cgi_oracle
    ours, oracle = servers.exchange("GET", "/testpage")
    assert (ours.status, ours.header("Content-Type")) == (oracle.status, "text/html"), (
        servers.logs_tail(30)
    )
    assert _page_structure(ours.body) == _page_structure(oracle.body)


@pytest.mark.parametrize(
    "section, row",
    [
        ("Request input headers", ("X-Probe", "probe value")),
        ("Request options", ("page.option", "page-value")),
        ("Request environment", ("HTTP_X_PROBE", "probe value")),
    ],
)
def test_test_page_tables_list_the_same_entries(cgi_oracle, section, row):
    servers, _ = cgi_oracle
    ours, oracle = servers.exchange("GET", "/testpage", headers={"X-Probe": "probe value"})
    for response in (ours, oracle):
        table = response.body.decode().split(f"<h3>{section}</h3>")[1].split("</table>")[0]
        assert f"<tr><td><code>{row[0]}</code></td><td><code>{row[1]}</code></td></tr>" in table


def test_test_page_view_log_is_plain_text(cgi_oracle):
    servers, _ = cgi_oracle
    ours, oracle = servers.exchange("GET", "/testpage?view_log=1")
    assert (ours.status, ours.header("Content-Type")) == (
        oracle.status,
        oracle.header("Content-Type"),
    )


# ---- PythonConnectionHandler -------------------------------------------------------------------


def _converse(port: int, data: bytes) -> bytes:
    """Send ``data``, half-close, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "data",
    [
        b"fake-http\nGET / HTTP/1.0\n\n",  # mod_python's test_connectionhandler
        b"echo\nabc\ndef\n\n",
        b"attributes\n",
        b"error\n",
        b"not-an-int\n",
        b"GET /cgi/cgitest.py HTTP/1.0\r\n\r\n",  # unknown command: OK, nothing written
    ],
)
def test_connection_handler_answers_the_same(cgi_oracle, data):
    _, ports = cgi_oracle
    assert _converse(ports.ours, data) == _converse(ports.oracle, data)


def test_declined_connection_is_served_as_http_from_the_unread_bytes(cgi_oracle):
    _, ports = cgi_oracle
    data = b"declined\nGET /cgi/cgitest.py HTTP/1.0\r\n\r\n"
    ours, oracle = _converse(ports.ours, data), _converse(ports.oracle, data)
    for reply in (ours, oracle):
        assert reply.startswith(b"HTTP/1.1 200 OK\r\n")
        assert reply.endswith(b"\r\n\r\ntest ok\n")
