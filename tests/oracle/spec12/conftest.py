"""The spec12 handlers (tests/spec12/site) served by the real mod_python and by us.

``site.conf`` gives every mod_python test a virtual host named after it, as test.py does;
``spec12_servers.get(test_name, path, ...)`` sends the same request, with that ``Host:``, to
both servers and returns ``(ours, oracle)``.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from oracle.conftest import read_response, serve_site

HERE = Path(__file__).parent
SPEC12_SITE = HERE.parents[1] / "spec12" / "site"


class NamedHosts:
    """Requests to the virtual host of one mod_python test on both servers."""

    def __init__(self, servers):
        self.servers = servers

    def get(self, vhost: str, path: str = "/tests.py", headers: dict | None = None,
            body: bytes = b"", method: str = "GET"):  # fmt: skip
        ports = (self.servers.our_port, self.servers.oracle_port)
        return tuple(send(port, method, path, vhost, headers or {}, body) for port in ports)


def send(port: int, method: str, path: str, vhost: str, headers: dict, body: bytes):
    """One request with ``Host: vhost`` (the shared send_raw always names 127.0.0.1)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {vhost}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(raw)
        return read_response(sock, method, port)


@pytest.fixture(scope="session")
def spec12_servers():
    """``NamedHosts`` over one oracle instance and one engine of ours."""
    for servers in serve_site([SPEC12_SITE], HERE / "site.conf", "spec12-oracle-tests"):
        yield NamedHosts(servers)
