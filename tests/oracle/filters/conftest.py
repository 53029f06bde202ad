"""One real Apache + mod_python and one engine of ours serving the filters/SSI site."""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle.conftest import serve_site

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def filter_servers():
    """``Servers`` (see tests/oracle/conftest.py) for ``site/`` and ``site.conf``."""
    yield from serve_site([HERE / "site"], HERE / "site.conf", "filters-oracle-tests")
