"""Two oracle pairs for WSGI: real Apache + mod_wsgi 4.9 (embedded mode) beside our engine
on ``site/wsgi.conf``, and real Apache + mod_python 3.5 beside ours on ``site/python.conf``.

Both serve a copy of ``site/htdocs`` (WSGI scripts in its ``scripts/``). mod_python and
mod_wsgi refuse to share one Apache, hence one instance each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle.conftest import serve_site

SITE = Path(__file__).parent / "site"
MOD_WSGI_SO = Path("/usr/lib/apache2/modules/mod_wsgi.so")


@pytest.fixture(scope="session")
def mod_wsgi_servers():
    """``Servers`` (tests/oracle/conftest.py): real mod_wsgi and our engine, same config."""
    if not MOD_WSGI_SO.exists():
        pytest.skip(f"the oracle's mod_wsgi is not installed: {MOD_WSGI_SO}")
    yield from serve_site([SITE / "htdocs"], SITE / "wsgi.conf", "wsgi-oracle-mod-wsgi", "wsgi")


@pytest.fixture(scope="session")
def mod_python_wsgi_servers():
    """``Servers``: real mod_python running mod_python.wsgi, and our engine."""
    yield from serve_site([SITE / "htdocs"], SITE / "python.conf", "wsgi-oracle-mod-python")
