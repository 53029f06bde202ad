"""The spec12 handlers (tests/spec12/site) served by the real mod_python and by us.

``site.conf`` gives every mod_python test a virtual host named after it, as test.py does;
``spec12_servers.get(test_name, path, ...)`` sends the same request, with that ``Host:``, to
both servers and returns ``(ours, oracle)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle.conftest import serve_site
from oracle.test_oracle_config import ConfigServers

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
    return ConfigServers.send(port, method, path, {"Host": vhost, **headers}, body)


@pytest.fixture(scope="session")
def spec12_servers():
    """``NamedHosts`` over one oracle instance and one engine of ours."""
    for servers in serve_site([SPEC12_SITE], HERE / "site.conf", "spec12-oracle-tests"):
        yield NamedHosts(servers)
