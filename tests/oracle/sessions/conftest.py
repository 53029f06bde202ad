"""The real Apache + mod_python and our engine sharing one session store directory.

Both serve a copy of ``site/`` (one handler file, run by each server's own ``mod_python``
package) configured by ``site.conf``; the oracle runs as a daemon, ours in-process. The
store directory is world-writable because the oracle's children run as www-data.
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
from wsgi_client import Response, call_engine

from mod_python._engine.app import Engine
from oracle.conftest import MISSING, SERVE_SH, RawResponse, send_raw

HERE = Path(__file__).parent
INSTANCE_NAME = "sessions-oracle-tests"


@dataclass
class SessionServers:
    """Send ``?op=...`` requests to the oracle or to ours; both see ``store``."""

    store: Path
    oracle_port: int
    engine: Engine
    our_log: io.StringIO
    oracle_log: Path

    def oracle(self, op: str, cookie: str | None = None) -> RawResponse:
        headers = {"Cookie": cookie} if cookie else {}
        return send_raw(self.oracle_port, "GET", f"/sessions_side.py?op={op}", headers, b"")

    def ours(self, op: str, cookie: str | None = None) -> Response:
        headers = {"Cookie": cookie} if cookie else {}
        return call_engine(self.engine, "GET", f"/sessions_side.py?op={op}", headers=headers)

    def logs(self) -> str:
        try:
            theirs = self.oracle_log.read_text(errors="replace")[-3000:]
        except OSError:
            theirs = ""
        return f"our log:\n{self.our_log.getvalue()[-3000:]}\noracle log:\n{theirs}"


@pytest.fixture(scope="session")
def session_servers():
    if MISSING:
        pytest.skip(f"the oracle (real Apache + mod_python) is not installed: {', '.join(MISSING)}")
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix="sessions-oracle-"))
    docroot, store, run_dir = base / "htdocs", base / "store", base / "run"
    shutil.copytree(HERE / "site", docroot, ignore=shutil.ignore_patterns("__pycache__"))
    store.mkdir()
    run_dir.mkdir()
    conf_text = (HERE / "site.conf").read_text()
    conf_text = conf_text.replace("{docroot}", str(docroot)).replace("{store}", str(store))
    conf_path = base / "site.conf"
    conf_path.write_text(conf_text)
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    os.chmod(store, 0o1777)
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
    our_log = io.StringIO()
    header = f'Define OUR_ENGINE\nServerName 127.0.0.1\nDocumentRoot "{docroot}"\n'
    header += f'PythonOption mod_python.mutex_directory "{base}"\n'
    engine = Engine.from_config_text(header + conf_text, file=str(conf_path),
                                     error_stream=our_log, set_argv=False)  # fmt: skip
    try:
        yield SessionServers(store, oracle_port, engine, our_log,
                             run_dir / INSTANCE_NAME / "logs" / "error_log")  # fmt: skip
    finally:
        subprocess.run([str(SERVE_SH), "stop", "--name", INSTANCE_NAME], env=env,
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
