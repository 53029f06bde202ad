"""Fixtures of the spec12 suite: a site whose document root holds our ``tests.py``.

mod_python's test/test.py gives every per-request test a virtual host of its own with a
``<Directory>`` of the document root; ``spec_site(conf)`` builds the same thing in-process:
``{docroot}`` in ``conf`` is the document root, and ``tests.py`` is the handler module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# Served as is by test_trans, which checks the file's first bytes are " #" (as mod_python's
# tests.py starts); the formatter would strip a leading space from the file itself.
TESTS_MODULE = b" #\n" + (Path(__file__).parent / "site" / "tests.py").read_bytes()


def directory_conf(*lines: str) -> str:
    """A ``<Directory>`` of the document root holding ``lines`` (as test.py's vhosts have)."""
    body = "\n".join(lines)
    return f'<Directory "{{docroot}}">\n{body}\n</Directory>\n'


def handler_conf(name: str, *extra: str) -> str:
    """The usual vhost of test.py: SetHandler mod_python and ``PythonHandler tests::name``."""
    return directory_conf("SetHandler mod_python", f"PythonHandler tests::{name}", *extra)


@pytest.fixture
def spec_site(make_site):
    """``spec_site(conf, files=None)``: a Site serving the spec12 ``tests.py`` handlers."""

    def build(conf: str, files: dict | None = None):
        return make_site(conf, {"tests.py": TESTS_MODULE, **(files or {})})

    return build
