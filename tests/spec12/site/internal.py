"""Our version of mod_python's ``tests.SimpleTestCase``: the nine checks of test_internal.

One line per check: its name, then "ok" (or "logged") or the traceback of what went wrong.
"""

import traceback
from collections import UserDict

from mod_python import apache

LEVELS = ["EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"]


def check_apache_log_error(req):
    for writer, tag in [
        (apache.log_error, "apache"),
        (req.server.log_error, "server"),
        (req.connection.log_error, "conn"),
    ]:
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
        pops = 0
        while big:
            # mod_python's popitem returns the first pair but removes the last (SPEC 13);
            # like its own test, only ask for pairs of the table and an empty table at the end.
            key, value = big.popitem()
            assert twin[key] == value
            pops += 1
        assert pops == size and len(twin) == size
        assert sorted(iter(twin), key=int) == [str(n) for n in range(size)]
    t.add("x", "1")
    t.add("x", "2")
    assert t["x"] == ["1", "2"]

    class Sub(apache.table):
        pass

    # The oracle's Sub(mapping) drops the mapping and is a plain mp_table (a defect, not
    # reproduced): fill the subclass after creating it.
    sub = Sub()
    sub["k"] = "v"
    assert sub["K"] == "v"
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
        "/internal.py",
        "/internal.py",
        None,
        "",
    )
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
    # mod_python drops empty-valued options in place and skips the neighbour of each one it
    # drops (SPEC 13); its test calls get_options() repeatedly, which hides that. So do we.
    for _ in range(4):
        options = req.get_options()
    assert options == apache.table({"testing": "123"}), options
    return "ok"


def check_req_get_remote_host(req):
    assert req.get_remote_host(apache.REMOTE_HOST) is None
    assert req.get_remote_host() == "127.0.0.1"
    return "ok"


def check_server_members(req):
    s = req.server
    assert s.server_admin == "spam@eggs"
    # None in a vhost without its own ErrorLog on httpd; ours names the inherited file
    # (tests/oracle/spec12 test_vhost_error_fname_without_error_log).
    assert s.error_fname is None or isinstance(s.error_fname, str)
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
    check_apache_log_error,
    check_apache_table,
    check_req_add_common_vars,
    check_req_add_cgi_vars,
    check_req_members,
    check_req_get_config,
    check_req_get_remote_host,
    check_server_members,
    check_connection_members,
]


def handler(req):
    report = []
    for check in CHECKS:
        try:
            outcome = check(req)
        except Exception:
            outcome = traceback.format_exc().replace("\n", " | ")
        report.append("%s: %s" % (check.__name__[len("check_") :], outcome))
    req.write("\n" + "\n".join(report) + "\ntest ok")
    return apache.OK
