"""One real Apache + mod_python and one engine of ours serving the PSP corpus side by side.

The document root is a copy of ``tests/psp/corpus/`` with ``site/`` (``spec/`` pages for
SPEC 12.2, ``quiet/`` with PythonDebug Off) copied over it; ``site.conf`` configures both
servers. One oracle instance serves every test of this package.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle.conftest import serve_site

HERE = Path(__file__).parent
CORPUS = HERE.parents[1] / "psp" / "corpus"


@pytest.fixture(scope="session")
def psp_servers():
    """``Servers`` (see tests/oracle/conftest.py) for the PSP site."""
    yield from serve_site([CORPUS, HERE / "site"], HERE / "site.conf", "psp-oracle-tests")
