"""One real Apache + mod_python and one engine of ours, both dumping util.FieldStorage.

``site/dump.py`` writes one line per field; ``site.conf`` maps it on the document root
(``keep/`` keeps blank values, ``semi/`` splits on ``;`` as the C parser did). One oracle
instance serves every test of this package.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle.conftest import serve_site

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def util_servers():
    """``Servers`` (see tests/oracle/conftest.py) for the FieldStorage dump site."""
    yield from serve_site([HERE / "site"], HERE / "site.conf", "util-oracle-tests")
