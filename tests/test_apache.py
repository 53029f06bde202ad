"""``mod_python.apache``: constants, functions and the module's live attributes (SPEC 3)."""

from __future__ import annotations

import io
import re
import sys

import pytest

from mod_python import apache


def _names(prefix: str, exclude: tuple[str, ...] = ()) -> list[str]:
    return [
        name for name in dir(apache) if name.startswith(prefix) and not name.startswith(exclude)
    ]


@pytest.mark.parametrize(
    ("prefix", "count", "exclude"),
    [("HTTP_", 50, ()), ("APLOG_", 9, ()), ("M_", 27, ()), ("APR_FINFO_", 23, ()),
     ("AP_MPMQ_", 15, ()), ("REMOTE_", 4, ()), ("FINFO_", 13, ()), ("URI_", 9, ()),
     ("PROXYREQ_", 4, ()), ("AP_REQ_", 3, ()), ("REQUEST_", 3, ()), ("AP_CONN_", 3, ())],
)  # fmt: skip
def test_constant_groups_have_the_original_counts(prefix, count, exclude):
    assert len(_names(prefix, exclude)) == count


@pytest.mark.parametrize(
    ("name", "value"),
    [("OK", 0), ("REQ_PROCEED", 0), ("DECLINED", -1), ("REQ_NOACTION", -1), ("DONE", -2),
     ("REQ_ABORTED", 500), ("REQ_EXIT", "REQ_EXIT"), ("HTTP_CONTINUE", 100),
     ("HTTP_MOVED_TEMPORARILY", 302), ("HTTP_IM_A_TEAPOT", 418), ("HTTP_UPGRADE_REQUIRED", 426),
     ("HTTP_NOT_EXTENDED", 510), ("APLOG_EMERG", 0), ("APLOG_ERR", 3), ("APLOG_DEBUG", 7),
     ("APLOG_NOERRNO", 0), ("M_GET", 0), ("M_POST", 2), ("M_PATCH", 7), ("M_INVALID", 26),
     ("APR_NOFILE", 0), ("APR_REG", 1), ("APR_DIR", 2), ("APR_UNKFILE", 127),
     ("APR_FINFO_NORM", 0x73B170), ("APR_FINFO_MIN", 0x8170), ("AP_MPMQ_MAX_DAEMONS", 12),
     ("DIR_MAGIC_TYPE", "httpd/unix-directory"), ("CGI_MAGIC_TYPE", "application/x-httpd-cgi"),
     ("FINFO_FILETYPE", 12), ("URI_FRAGMENT", 8), ("AP_CONN_KEEPALIVE", 2),
     ("REQUEST_CHUNKED_DECHUNK", 2), ("PROXYREQ_RESPONSE", 3)],
)  # fmt: skip
def test_constant_values(name, value):
    assert getattr(apache, name) == value


def test_there_is_no_version_or_mpm_attribute():
    assert not hasattr(apache, "version")
    assert not hasattr(apache, "mpm")


def test_server_return_is_one_class_shared_with_apache_underscore_module():
    import _apache

    assert apache.SERVER_RETURN is _apache.SERVER_RETURN
    assert issubclass(apache.SERVER_RETURN, Exception)


def test_make_table_is_the_table_type():
    assert apache.make_table is apache.table
    assert apache.table({"a": 1})["A"] == "1"


def test_legacy_modules_import():
    import mod_python
    from mod_python import python22, version

    assert mod_python.mp_version == version.version == "3.5.0"
    assert python22.__all__ == []


def test_status_values_mirror_the_phase_table():
    assert apache._status_values["handler"] == [apache.OK]
    assert apache._status_values["transhandler"] == [apache.DECLINED]
    assert sorted(apache._status_values["fixuphandler"]) == [apache.DECLINED, apache.OK]
    assert apache._phase_handler_names["PythonAuthenHandler"] == "authenhandler"


def test_mpm_query_needs_an_int():
    with pytest.raises(TypeError, match="The argument must be an integer"):
        apache.mpm_query("2")
    assert apache.mpm_query(apache.AP_MPMQ_IS_THREADED) in (
        apache.AP_MPMQ_NOT_SUPPORTED,
        apache.AP_MPMQ_STATIC,
    )


def test_log_error_rejects_a_non_server_object():
    with pytest.raises(TypeError):
        apache.log_error("message", apache.APLOG_ERR, server="not a server")
    assert apache.log_error(None) is None


def test_stat_of_a_missing_file_is_not_an_error(tmp_path):
    info = apache.stat(str(tmp_path / "missing"), apache.APR_FINFO_NORM)
    assert info.filetype == apache.APR_NOFILE
    present = apache.stat(str(tmp_path), apache.APR_FINFO_NORM)
    assert present.filetype == apache.APR_DIR


HANDLERS = """
from mod_python import apache

def interp(req):
    req.write("%s|%s" % (apache.interpreter, req.interpreter))
    return apache.OK

def server_info(req):
    tree = apache.config_tree()
    req.write(repr((apache.main_server.server_hostname, apache.exists_config_define("FOOBAR"),
                    apache.exists_config_define("NOPE"), tree[-2:], apache.server_root())))
    return apache.OK

def logs(req):
    apache.log_error("through apache.log_error", apache.APLOG_NOTICE)
    apache.log_error("through the server", apache.APLOG_ERR, req.server)
    apache.log_error("emerg is logged as error", apache.APLOG_EMERG)
    return apache.OK

def cgi(req):
    env = apache.build_cgi_env(req)
    req.write("%s %s %s" % (env["GATEWAY_INTERFACE"], env["SCRIPT_NAME"], env["HTTP_AUTHORIZATION"]))
    return apache.OK

def cgi_stdout(req):
    saved = apache.setup_cgi(req)
    try:
        print("Status: 201 Created")
        print("Content-Type: text/x-test")
        print("X-Extra: yes")
        print()
        print("cgi body")
    finally:
        apache.restore_nocgi(*saved)
    return apache.OK

def argv(req):
    import sys
    req.write(repr(sys.argv))
    return apache.OK
"""


def _site(make_site, extra=""):
    return make_site(
        f"""
        {extra}
        <Directory "{{docroot}}">
            SetHandler mod_python
            PythonHandler h::interp
        </Directory>
        <Location /server_info>
            PythonPath "[r'{{docroot}}'] + sys.path"
            SetHandler mod_python
            PythonHandler h::server_info
        </Location>
        <Location /logs>
            PythonPath "[r'{{docroot}}'] + sys.path"
            SetHandler mod_python
            PythonHandler h::logs
        </Location>
        <Location /cgi>
            PythonPath "[r'{{docroot}}'] + sys.path"
            SetHandler mod_python
            PythonHandler h::cgi
        </Location>
        <Location /cgi_stdout>
            PythonPath "[r'{{docroot}}'] + sys.path"
            SetHandler mod_python
            PythonHandler h::cgi_stdout
        </Location>
        <Location /argv>
            PythonPath "[r'{{docroot}}'] + sys.path"
            SetHandler mod_python
            PythonHandler h::argv
        </Location>
        """,
        {"h.py": HANDLERS},
    )


def test_interpreter_follows_the_running_request(make_site):
    site = _site(make_site)
    assert site.get("/h.py").text == f"{site.server_name}|{site.server_name}"
    assert apache.interpreter == "main_interpreter"  # outside any request


def test_python_interpreter_directive_names_the_interpreter(make_site):
    site = _site(make_site, "PythonInterpreter chosen_one")
    assert site.get("/h.py").text == "chosen_one|chosen_one"


def test_main_server_defines_and_config_tree(make_site):
    site = _site(make_site)
    site.engine.settings.defines.add("FOOBAR")
    from mod_python._engine.app import Engine

    engine = Engine(site.engine.settings, error_stream=site.log_stream)
    site.engine = engine
    name, foobar, nope, tree_tail, root = eval(site.get("/server_info").text)
    assert (name, foobar, nope) == (site.server_name, True, False)
    assert tree_tail[0] == ("<Location", "/argv>")
    assert tree_tail[1][-1] == ("PythonHandler", "h::argv")
    assert isinstance(root, str) and root


def test_log_error_levels_and_destinations(make_site):
    site = _site(make_site)
    site.get("/logs")
    log = site.error_log
    assert re.search(r"\[mod_python:notice\] .*through apache.log_error", log)
    assert re.search(r"\[mod_python:error\] .*through the server", log)
    assert re.search(r"\[mod_python:error\] .*emerg is logged as error", log)


def test_build_cgi_env(make_site):
    site = _site(make_site)
    response = site.get("/cgi/extra", headers={"Authorization": "Basic abc"})
    assert response.text == "Python-CGI/1.1 /cgi/extra Basic abc"


def test_setup_cgi_parses_headers_and_restores_stdio(make_site):
    site = _site(make_site)
    stdout, stdin = sys.stdout, sys.stdin
    response = site.get("/cgi_stdout")
    assert (sys.stdout, sys.stdin) == (stdout, stdin)
    assert response.status == 201
    assert response.header("Content-Type") == "text/x-test"
    assert response.header("X-Extra") == "yes"
    assert response.body == b"cgi body\n"


def test_sys_argv_is_mod_python_inside_handlers(make_site):
    site = _site(make_site)
    assert site.get("/argv").text == "['mod_python']"


def test_null_io_reads_empty_and_ignores_writes():
    null = apache.NullIO()
    null.write("x")
    assert (null.read(), null.readline(), null.readlines(), null.tell(), null.isatty()) == (
        "",
        "",
        [],
        0,
        0,
    )


def test_cgi_stdin_reads_lines_from_the_body():
    class FakeReq:
        def __init__(self, data):
            self.stream = io.BytesIO(data)

        def read(self, n=-1):
            return self.stream.read(n)

    stdin = apache.CGIStdin(FakeReq(b"one\ntwo\nthree"))
    assert stdin.readline() == b"one\n"
    assert stdin.read(3) == b"two"
    assert stdin.readlines() == [b"\n", b"three"]
