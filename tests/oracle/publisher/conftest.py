"""The publisher's differential tests: one oracle and one engine over ``site/``.

Same machinery as ``tests/oracle/conftest.py`` (raw requests to both servers, compared with
``comparable``); only the document root and the config snippet are the publisher's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import serve_site

SITE = Path(__file__).parent / "site"


@pytest.fixture(scope="session")
def publisher_servers():
    yield from serve_site([SITE], SITE / "site.conf", "publisher-oracle-tests")
