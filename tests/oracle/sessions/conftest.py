"""The real Apache + mod_python and our engine sharing one session store directory.

Both serve a copy of ``site/`` (one handler file, run by each server's own ``mod_python``
package) configured by ``site.conf``, through ``serve_site`` of tests/oracle/conftest.py.
The store, ``<docroot>/store``, is made world-writable: the oracle's children run as
www-data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from oracle.conftest import RawResponse, Servers, send_raw, serve_site

HERE = Path(__file__).parent
INSTANCE_NAME = "sessions-oracle-tests"


@dataclass
class SessionServers:
    """Send ``?op=...`` requests to the oracle or to ours; both see ``store``."""

    servers: Servers

    @property
    def store(self) -> Path:
        return self.servers.docroot / "store"

    def _send(self, port: int, op: str, cookie: str | None) -> RawResponse:
        headers = {"Cookie": cookie} if cookie else {}
        return send_raw(port, "GET", f"/sessions_side.py?op={op}", headers, b"")

    def oracle(self, op: str, cookie: str | None = None) -> RawResponse:
        return self._send(self.servers.oracle_port, op, cookie)

    def ours(self, op: str, cookie: str | None = None) -> RawResponse:
        return self._send(self.servers.our_port, op, cookie)

    def logs(self) -> str:
        return self.servers.logs_tail(40)


@pytest.fixture(scope="session")
def session_servers():
    site = serve_site([HERE / "site"], HERE / "site.conf", INSTANCE_NAME)
    servers = next(site)
    try:
        os.chmod(servers.docroot / "store", 0o1777)
        yield SessionServers(servers)
    finally:
        site.close()
