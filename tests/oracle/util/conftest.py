"""One real Apache + mod_python and one engine of ours, both dumping util.FieldStorage.

``site/dump.py`` writes one line per field; ``site.conf`` maps it on the document root
(``keep/`` keeps blank values, ``semi/`` splits on ``;`` as the C parser did). One oracle
instance serves every test of this package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from oracle.conftest import MISSING, SERVE_SH, _serve_ours_beside

HERE = Path(__file__).parent
INSTANCE_NAME = "util-oracle-tests"


@pytest.fixture(scope="session")
def util_servers():
    """``Servers`` (see tests/oracle/conftest.py) for the FieldStorage dump site."""
    if MISSING:
        pytest.skip(f"the oracle (real Apache + mod_python) is not installed: {', '.join(MISSING)}")
    # Apache's children run as www-data: everything lives under /tmp, world-readable.
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix="util-oracle-"))
    docroot = base / "htdocs"
    shutil.copytree(HERE / "site", docroot, ignore=shutil.ignore_patterns("__pycache__"))
    conf_text = (HERE / "site.conf").read_text().replace("{docroot}", str(docroot))
    conf_path = base / "site.conf"
    conf_path.write_text(conf_text)
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
    try:
        yield from _serve_ours_beside(
            docroot, conf_text, conf_path, run_dir / INSTANCE_NAME, oracle_port
        )
    finally:
        subprocess.run([str(SERVE_SH), "stop", "--name", INSTANCE_NAME], env=env,
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
