"""The publisher's differential tests: one oracle and one engine over ``site/``.

Same machinery as ``tests/oracle/conftest.py`` (raw requests to both servers, compared with
``comparable``); only the document root and the config snippet are the publisher's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from ..conftest import MISSING, SERVE_SH, _serve_ours_beside

SITE = Path(__file__).parent / "site"
INSTANCE_NAME = "publisher-oracle-tests"


@pytest.fixture(scope="session")
def publisher_servers():
    if MISSING:
        pytest.skip(f"the oracle (real Apache + mod_python) is not installed: {', '.join(MISSING)}")
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix="mp-publisher-oracle-"))
    docroot = base / "htdocs"
    shutil.copytree(SITE, docroot, ignore=shutil.ignore_patterns("__pycache__", "site.conf"))
    conf_text = (SITE / "site.conf").read_text().replace("{docroot}", str(docroot))
    conf_path = base / "site.conf"
    conf_path.write_text(conf_text)
    run_dir = base / "run"
    run_dir.mkdir()
    # Apache's children run as www-data: everything world-readable.
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    env = {**os.environ, "ORACLE_RUN_DIR": str(run_dir)}
    started = subprocess.run(
        [str(SERVE_SH), "start", "--name", INSTANCE_NAME, "--docroot", str(docroot),
         "--conf", str(conf_path)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"oracle did not start:\n{started.stderr}")
    oracle_port = int(started.stdout.strip().splitlines()[-1])
    try:
        yield from _serve_ours_beside(
            docroot, conf_text, conf_path, run_dir / INSTANCE_NAME, oracle_port
        )
    finally:
        subprocess.run([str(SERVE_SH), "stop", "--name", INSTANCE_NAME], env=env,
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
