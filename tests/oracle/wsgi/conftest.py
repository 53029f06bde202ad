"""Two oracle pairs for WSGI: real Apache + mod_wsgi 4.9 (embedded mode) beside our engine
on ``site/wsgi.conf``, and real Apache + mod_python 3.5 beside ours on ``site/python.conf``.

Both serve a copy of ``site/`` under /tmp (Apache's children run as www-data): ``htdocs/``
is the document root, ``scripts/`` the WSGI scripts outside it. mod_python and mod_wsgi
refuse to share one Apache, hence one instance each.
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
MOD_WSGI_SO = Path("/usr/lib/apache2/modules/mod_wsgi.so")


def _start_pair(module: str, snippet: str, name: str):
    missing = MISSING + ([str(MOD_WSGI_SO)] if not MOD_WSGI_SO.exists() else [])
    if missing:
        pytest.skip(f"the oracle (real Apache + mod_{module}) is not installed: {missing}")
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix=f"wsgi-oracle-{module}-"))
    shutil.copytree(HERE / "site", base, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.conf"))  # fmt: skip
    docroot, scripts = base / "htdocs", base / "scripts"
    conf_text = (HERE / "site" / snippet).read_text()
    conf_text = conf_text.replace("{docroot}", str(docroot)).replace("{scripts}", str(scripts))
    conf_path = base / snippet
    conf_path.write_text(conf_text)
    run_dir = base / "run"
    run_dir.mkdir()
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    env = {**os.environ, "ORACLE_RUN_DIR": str(run_dir)}
    started = subprocess.run(
        [str(SERVE_SH), "start", "--name", name, "--docroot", str(docroot), "--conf",
         str(conf_path), "--module", module],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"oracle did not start:\n{started.stderr}")
    oracle_port = int(started.stdout.strip().splitlines()[-1])
    try:
        for servers in _serve_ours_beside(docroot, conf_text, conf_path, run_dir / name,
                                          oracle_port):  # fmt: skip
            servers.scripts = scripts
            yield servers
    finally:
        subprocess.run([str(SERVE_SH), "stop", "--name", name], env=env, capture_output=True,
                       timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def mod_wsgi_servers():
    """``Servers`` (tests/oracle/conftest.py): real mod_wsgi and our engine, same config."""
    yield from _start_pair("wsgi", "wsgi.conf", "wsgi-oracle-mod-wsgi")


@pytest.fixture(scope="session")
def mod_python_wsgi_servers():
    """``Servers``: real mod_python running mod_python.wsgi, and our engine."""
    yield from _start_pair("python", "python.conf", "wsgi-oracle-mod-python")
