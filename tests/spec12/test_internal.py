"""mod_python's test_internal: the nine in-process checks of ``tests.SimpleTestCase`` (SPEC 12.3).

mod_python runs them as a unittest suite inside httpd. Here one handler, ``internal.py``, runs
our version of each check against the live request and writes one line per check: its name,
then "ok" or what went wrong. The configuration is the original's: ``PythonHandler`` with
``PythonDebug On`` and the options ``PythonOptionTest ""``, ``mod_python.mutex_directory ""``
and ``testing 123``.
"""

from __future__ import annotations

import re

import pytest

INTERNAL = """
import traceback
from collections import UserDict

from mod_python import apache

LEVELS = ["EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"]


def check_apache_log_error(req):
    for writer, tag in [(apache.log_error, "apache"), (req.server.log_error, "server"),
                        (req.connection.log_error, "conn")]:
        for level in LEVELS:
            writer("x%s-%sx" % (tag, level), getattr(apache, "APLOG_" + level))
    return "logged"


class Failing(UserDict):
    def keys(self):
        raise RuntimeError("keys fails")


def check_apache_table(req):
    t = apache.table()
    assert len(t) == 0 and list(t.keys()) == []
    t["a"] = "1"
    t["B"] = "2"
    assert "A" in t and "b" in t and len(t) == 2
    assert t["A"] == "1" and t.get("missing") is None and t.get("missing", "d") == "d"
    del t["a"]
    assert list(t.keys()) == ["B"]
    t.update({"c": "3"})
    t.update(UserDict({"d": "4"}))
    assert sorted(t.keys()) == ["B", "c", "d"]
    for bad in (None, 1, Failing({"e": "5"})):
        try:
            t.update(bad)
        except (TypeError, AttributeError, RuntimeError):
            pass
        else:
            raise AssertionError("update(%r) did not fail" % (bad,))
    copy = t.copy()
    assert copy == t and copy is not t
    t.clear()
    assert len(t) == 0 and len(copy) == 3
    for size in (1, 2, 7, 64, 2048):
        big = apache.table({str(n): str(n) for n in range(size)})
        twin = big.copy()
        popped = set()
        while big:
            key, value = big.popitem()
            assert key == value
            popped.add(key)
        assert len(popped) == size and len(twin) == size
        assert sorted(iter(twin), key=int) == [str(n) for n in range(size)]
    t.add("x", "1")
    t.add("x", "2")
    assert t["x"] == ["1", "2"]

    class Sub(apache.table):
        pass

    assert Sub({"k": "v"})["K"] == "v"
    return "ok"


def check_req_add_common_vars(req):
    before = len(req.subprocess_env)
    req.add_common_vars()
    req.notes["after_common"] = str(len(req.subprocess_env))
    assert len(req.subprocess_env) > before
    return "ok"


def check_req_add_cgi_vars(req):
    before = len(req.subprocess_env)
    req.add_cgi_vars()
    assert len(req.subprocess_env) > before
    return "ok"


def check_req_members(req):
    assert req.the_request == "GET /internal.py HTTP/1.1"
    assert (req.assbackwards, req.proxyreq, req.header_only) == (0, 0, 0)
    assert (req.protocol, req.proto_num) == ("HTTP/1.1", 1001)
    assert isinstance(req.request_time, float)
    assert req.status == 200
    req.status = 200
    assert (req.method, req.method_number) == ("GET", apache.M_GET)
    assert isinstance(req.allowed, int) and isinstance(req.headers_in, apache.table)
    assert req.mtime == 0.0 and req.range is None and req.remaining == 0
    for name in ("headers_out", "err_headers_out", "subprocess_env", "notes"):
        assert isinstance(getattr(req, name), apache.table), name
    req.content_type = "text/plain"
    assert req.content_type == "text/plain" and req._content_type_set == 1
    assert req.handler == "mod_python"
    assert req.filename == req.document_root() + req.uri
    assert req.canonical_filename == req.filename
    assert (req.uri, req.unparsed_uri, req.args, req.path_info) == (
        "/internal.py", "/internal.py", None, "")
    assert req.parsed_uri[apache.URI_PATH] == "/internal.py"
    assert req.used_path_info == 2 and req.eos_sent == 0
    assert req.useragent_ip == "127.0.0.1"
    assert req.useragent_addr[0] == "127.0.0.1"
    before = req.bytes_sent
    req.write("sent")
    assert req.bytes_sent == before + 4, (before, req.bytes_sent)
    assert req.chunked == 1
    req.set_content_length(15)
    assert req.clength == 15
    return "ok"


def check_req_get_config(req):
    assert req.get_config()["PythonDebug"] == "1"
    assert req.get_options() == apache.table({"testing": "123"}), req.get_options()
    return "ok"


def check_req_get_remote_host(req):
    assert req.get_remote_host(apache.REMOTE_HOST) is None
    assert req.get_remote_host() == "127.0.0.1"
    return "ok"


def check_server_members(req):
    s = req.server
    assert s.server_admin == "spam@eggs"
    assert isinstance(s.error_fname, str)
    assert s.loglevel == apache.APLOG_DEBUG == 7
    assert isinstance(s.timeout, float) and isinstance(s.keep_alive_timeout, float)
    assert (s.path, s.pathlen) == (None, 0) or isinstance(s.path, str)
    assert isinstance(s.limit_req_line, int) and isinstance(s.limit_req_fields, int)
    assert (s.names, s.wild_names) == ((), ())
    assert s.server_hostname == "test_internal"
    return "ok"


def check_connection_members(req):
    c = req.connection
    assert c.keepalive == apache.AP_CONN_KEEPALIVE == 2, c.keepalive
    assert c.keepalives == 1, c.keepalives
    assert (c.remote_host, c.remote_logname, c.local_host) == (None, None, None)
    assert c.client_ip == "127.0.0.1" and c.aborted == 0
    assert repr(c.notes) == "{}", repr(c.notes)
    return "ok"


CHECKS = [
    check_apache_log_error, check_apache_table, check_req_add_common_vars, check_req_add_cgi_vars,
    check_req_members, check_req_get_config, check_req_get_remote_host, check_server_members,
    check_connection_members,
]


def handler(req):
    report = []
    for check in CHECKS:
        try:
            outcome = check(req)
        except Exception:
            outcome = traceback.format_exc().replace("\\n", " | ")
        report.append("%s: %s" % (check.__name__[len("check_"):], outcome))
    req.write("\\n" + "\\n".join(report) + "\\ntest ok")
    return apache.OK
"""

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


@pytest.fixture(scope="module")
def internal(tmp_path_factory):
    """One run of the nine checks: (report lines by check name, response, error log)."""
    import io

    from conftest import Site

    site = Site(tmp_path_factory.mktemp("internal"), CONF, {"internal.py": INTERNAL}, io.StringIO())
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
