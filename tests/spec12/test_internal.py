"""mod_python's test_internal: the nine in-process checks of ``tests.SimpleTestCase`` (SPEC 12.3).

mod_python runs them as a unittest suite inside httpd. Here one handler, ``site/internal.py``,
runs our version of each check against the live request and writes one line per check: its name,
then "ok" or what went wrong. The configuration is the original's: ``PythonHandler`` with
``PythonDebug On`` and the options ``PythonOptionTest ""``, ``mod_python.mutex_directory ""``
and ``testing 123``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

INTERNAL = (Path(__file__).parent / "site" / "internal.py").read_text()

CONF = """
<VirtualHost *>
    ServerName test_internal
    ServerAdmin spam@eggs
    <Directory "{docroot}">
        SetHandler mod_python
        PythonHandler internal
        PythonDebug On
        PythonOption PythonOptionTest ""
        PythonOption mod_python.mutex_directory ""
        PythonOption testing 123
    </Directory>
</VirtualHost>
"""

CHECKS = [
    "apache_table",
    "req_add_common_vars",
    "req_add_cgi_vars",
    "req_members",
    "req_get_config",
    "req_get_remote_host",
    "server_members",
    "connection_members",
]


@pytest.fixture
def internal(make_site):
    """One run of the nine checks: (report lines by check name, response, error log)."""
    site = make_site(CONF, {"internal.py": INTERNAL})
    response = site.get("/internal.py", headers={"Host": "test_internal"})
    lines = dict(line.split(": ", 1) for line in response.text.splitlines() if ": " in line)
    return lines, response, site.error_log


def test_internal_body_ends_with_test_ok(internal):
    _, response, _ = internal
    assert (response.status, response.text.endswith("test ok")) == (200, True)


@pytest.mark.parametrize("check", CHECKS)
def test_internal_check(internal, check):
    lines, _, _ = internal
    assert lines[check] == "ok"


def test_internal_apache_log_error_writes_every_level_in_order(internal):
    lines, _, log = internal
    assert lines["apache_log_error"] == "logged"
    for tag in ("apache", "server", "conn"):
        seen = re.findall(rf"x{tag}-([A-Z]+)x", log)
        assert seen == ["EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"]
