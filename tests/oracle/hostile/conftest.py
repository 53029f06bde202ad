"""One real Apache + mod_python and one engine of ours for the hostile-input comparisons
(``site/``: a header-echoing handler, an SSI page including outside its directory, a
static file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle.conftest import serve_site

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def hostile_servers():
    """``Servers`` (see tests/oracle/conftest.py) for the hostile-input site."""
    yield from serve_site([HERE / "site"], HERE / "site" / "site.conf", "hostile-oracle-tests")
