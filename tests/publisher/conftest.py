"""A publisher site: ``publisher_site({"page.py": "..."})`` serves the files with
``SetHandler mod_python`` + ``PythonHandler mod_python.publisher`` on the document root."""

from __future__ import annotations

import base64

import pytest

PUBLISHER_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler mod_python.publisher
    PythonDebug %(debug)s
    %(extra)s
</Directory>
"""


def basic(user: str, password: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header for ``user``:``password`` (UTF-8)."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def publisher_site(make_site):
    """Build a Site whose document root is published; ``extra`` adds directives."""

    def build(files: dict, debug: str = "Off", extra: str = "", conf: str = ""):
        text = PUBLISHER_CONF % {"debug": debug, "extra": extra} + conf
        return make_site(text, files=files)

    return build
