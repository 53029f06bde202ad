"""The real Apache + mod_python and our engine serving cgihandler, testhandler and a
PythonConnectionHandler side by side.

The document root is a copy of ``site/``; ``site.conf`` configures the HTTP side of both
servers. ``conn.conf`` adds a second address whose connections go to ``conn/conn_tests.py``:
the oracle reads it with its own port, and our connection listener runs a separate engine
built from it with ours. One oracle instance serves every test of this package.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from serving import free_port

from oracle.conftest import MISSING, SERVE_SH, _serve_ours_beside

HERE = Path(__file__).parent
INSTANCE_NAME = "cgi-oracle-tests"


@dataclass
class ConnectionPorts:
    """Where each side's PythonConnectionHandler listens."""

    ours: int
    oracle: int


def _conn_conf(docroot: Path, port: int) -> str:
    text = (HERE / "conn.conf").read_text()
    return text.replace("{docroot}", str(docroot)).replace("{conn_port}", str(port))


def _start_our_connection_listener(docroot: Path, conf_text: str, port: int, log):
    from mod_python._engine.app import Engine
    from mod_python.backends import CherootServers

    header = f'ServerName 127.0.0.1\nDocumentRoot "{docroot}"\n'
    text = header + conf_text + _conn_conf(docroot, port)
    engine = Engine.from_config_text(text, error_stream=log, set_argv=False)
    servers = CherootServers(engine, threads=4, shutdown_timeout=2)
    servers.listen_on(("127.0.0.1", port))
    servers.start()
    return servers


@pytest.fixture(scope="session")
def cgi_oracle():
    """``(servers, connection_ports)``: ``Servers`` for the HTTP side (see
    tests/oracle/conftest.py) and the two connection handler ports."""
    if MISSING:
        pytest.skip(f"the oracle (real Apache + mod_python) is not installed: {', '.join(MISSING)}")
    # Apache's children run as www-data: everything lives under /tmp, world-readable.
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix="cgi-oracle-"))
    docroot = base / "htdocs"
    shutil.copytree(HERE / "site", docroot, ignore=shutil.ignore_patterns("__pycache__"))
    ports = ConnectionPorts(ours=free_port(), oracle=free_port())
    conf_text = (HERE / "site.conf").read_text().replace("{docroot}", str(docroot))
    conf_path = base / "site.conf"
    conf_path.write_text(conf_text + _conn_conf(docroot, ports.oracle))
    run_dir = base / "run"
    run_dir.mkdir()
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    env = {**os.environ, "ORACLE_RUN_DIR": str(run_dir)}
    started = subprocess.run(
        [str(SERVE_SH), "start", "--name", INSTANCE_NAME, "--docroot", str(docroot), "--conf",
         str(conf_path)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"oracle did not start:\n{started.stderr}")
    oracle_port = int(started.stdout.strip().splitlines()[-1])
    # Ours: the connection engine first, so that the HTTP engine built next is the one
    # apache.main_server names (the test page shows it).
    listener = _start_our_connection_listener(docroot, conf_text, ports.ours, io.StringIO())
    try:
        for servers in _serve_ours_beside(
            docroot, conf_text, conf_path, run_dir / INSTANCE_NAME, oracle_port
        ):
            yield servers, ports
    finally:
        listener.stop(timeout=2)
        subprocess.run([str(SERVE_SH), "stop", "--name", INSTANCE_NAME], env=env,
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
