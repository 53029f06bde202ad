"""The real Apache + mod_python and our engine serving cgihandler, testhandler and a
PythonConnectionHandler side by side.

The document root is a copy of ``site/``; ``site.conf`` configures the HTTP side of both
servers. ``conn.conf`` adds a second address whose connections go to ``conn/conn_tests.py``:
both servers read it with the oracle's port (where only the oracle listens), and our
connection listener runs an engine of its own built from it with our port. One oracle
instance serves every test of this package.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from serving import free_port

from oracle.conftest import serve_site

HERE = Path(__file__).parent
INSTANCE_NAME = "cgi-oracle-tests"


@dataclass
class ConnectionPorts:
    """Where each side's PythonConnectionHandler listens."""

    ours: int
    oracle: int


def _config_template(conn_port: int) -> str:
    """site.conf + conn.conf for ``conn_port``, ``{docroot}`` still to fill in."""
    conn = (HERE / "conn.conf").read_text().replace("{conn_port}", str(conn_port))
    return (HERE / "site.conf").read_text() + conn


def _start_our_connection_listener(docroot: Path, port: int):
    from mod_python import apache
    from mod_python._engine.app import Engine
    from mod_python.backends import CherootServers

    header = f'ServerName 127.0.0.1\nDocumentRoot "{docroot}"\n'
    text = header + _config_template(port).replace("{docroot}", str(docroot))
    # A new engine makes itself apache's main server: give that back to the HTTP engine.
    http_engine, http_main_server = apache._engine, apache._main_server
    engine = Engine.from_config_text(text, error_stream=io.StringIO(), set_argv=False)
    apache._set_main_server(http_main_server, http_engine)
    servers = CherootServers(engine, threads=4, shutdown_timeout=2)
    servers.listen_on(("127.0.0.1", port))
    servers.start()
    return servers


@pytest.fixture(scope="session")
def cgi_oracle():
    """``(servers, connection_ports)``: ``Servers`` for the HTTP side (see
    tests/oracle/conftest.py) and the two connection handler ports."""
    ports = ConnectionPorts(ours=free_port(), oracle=free_port())
    with tempfile.TemporaryDirectory(prefix="cgi-oracle-conf-") as conf_directory:
        template = Path(conf_directory) / "site.conf"
        template.write_text(_config_template(ports.oracle))
        listener = None
        try:
            for servers in serve_site([HERE / "site"], template, INSTANCE_NAME):
                listener = _start_our_connection_listener(servers.docroot, ports.ours)
                yield servers, ports
        finally:
            if listener is not None:
                listener.stop(timeout=2)
