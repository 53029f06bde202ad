"""The objects around a request: connection (SPEC 5.1), server (5.2), hlist (5.5), finfo (5.6)."""

from __future__ import annotations

import http.client
import os
import time

import pytest

from mod_python import apache
from mod_python._engine import process_cleanups
from mod_python._engine.server_object import server
from mod_python._engine.table import table

# in_handler and probe_site: run test code inside a real handler.
pytest_plugins = ["request_probe"]

WAIT = 10

# ---- connection -------------------------------------------------------------------------------

CONNECTION_VALUES = {
    "client_addr": ("127.0.0.1", 40000),
    "client_ip": "127.0.0.1",
    "remote_host": None,
    "remote_logname": None,
    "aborted": 0,
    "keepalive": apache.AP_CONN_KEEPALIVE,
    "double_reverse": 0,
    "keepalives": 1,
    "local_host": None,
}


@pytest.mark.parametrize("name, expected", CONNECTION_VALUES.items())
def test_connection_member_value(in_handler, name, expected):
    value = in_handler(lambda req: getattr(req.connection, name)).value
    assert (value, type(value)) == (expected, type(expected))


def test_connection_id_is_an_int(in_handler):
    assert type(in_handler(lambda req: req.connection.id).value) is int


def test_connection_notes_is_an_empty_table(in_handler):
    notes = in_handler(lambda req: req.connection.notes).value
    assert (type(notes), repr(notes)) == (table, "{}")


def test_connection_base_server_is_the_main_server(in_handler):
    result = in_handler(lambda req: req.connection.base_server)
    assert isinstance(result.value, server)
    assert (result.value.server_hostname, result.value.is_virtual) == (result.site.server_name, 0)


@pytest.mark.parametrize(
    "name, current", [("remote_ip", "client_ip"), ("remote_addr", "client_addr")]
)
def test_old_address_names_still_work_but_log_a_warning(in_handler, name, current):
    result = in_handler(
        lambda req: (getattr(req.connection, name), getattr(req.connection, current))
    )
    old, new = result.value
    assert old == new
    line = next(line for line in result.site.error_log.splitlines() if f"conn.{name}" in line)
    assert ":warn]" in line and "deprecated" in line


@pytest.mark.parametrize(
    "protocol, connection_header, keepalive",
    [("HTTP/1.1", None, apache.AP_CONN_KEEPALIVE), ("HTTP/1.1", "close", apache.AP_CONN_CLOSE),
     ("HTTP/1.0", None, apache.AP_CONN_CLOSE), ("HTTP/1.0", "keep-alive", apache.AP_CONN_KEEPALIVE)],
)  # fmt: skip
def test_keepalive_follows_the_protocol_and_connection_header(in_handler, protocol, connection_header, keepalive):  # fmt: skip
    headers = {"Connection": connection_header} if connection_header else {}
    result = in_handler(
        lambda req: req.connection.keepalive,
        headers=headers,
        environ={"SERVER_PROTOCOL": protocol},
    )
    assert result.value == keepalive


def test_keepalive_can_be_assigned_an_integer(in_handler):
    def probe(req):
        req.connection.keepalive = apache.AP_CONN_CLOSE
        return req.connection.keepalive

    assert in_handler(probe).value == apache.AP_CONN_CLOSE


@pytest.mark.parametrize("value", ["2", 2.0, None])
def test_keepalive_must_be_an_integer(in_handler, value):
    def probe(req):
        with pytest.raises(TypeError, match="keepalive must be a integer"):
            req.connection.keepalive = value

    in_handler(probe)


@pytest.mark.parametrize("name", ["client_ip", "local_addr", "notes", "id", "aborted"])
def test_connection_members_other_than_keepalive_are_read_only(in_handler, name):
    def probe(req):
        with pytest.raises(AttributeError):
            setattr(req.connection, name, getattr(req.connection, name))

    in_handler(probe)


@pytest.mark.parametrize("name", ["notes", "keepalive", "client_ip", "not_a_member"])
def test_deleting_a_connection_attribute_raises(in_handler, name):
    def probe(req):
        with pytest.raises(AttributeError, match="can't delete connection attributes"):
            delattr(req.connection, name)

    in_handler(probe)


def test_connection_takes_no_attributes_of_its_own(in_handler):
    def probe(req):
        with pytest.raises(AttributeError):
            req.connection.secret = 1
        return hasattr(req.connection, "secret")

    assert in_handler(probe).value is False


def test_connection_log_error_names_the_client(in_handler):
    result = in_handler(lambda req: req.connection.log_error("from the connection"))
    line = next(
        line for line in result.site.error_log.splitlines() if "from the connection" in line
    )
    assert "[client 127.0.0.1:40000]" in line


@pytest.mark.parametrize("method, args", [("read", ()), ("readline", ()), ("write", (b"x",))])
def test_connection_io_belongs_to_connection_handlers(in_handler, method, args):
    def probe(req):
        with pytest.raises(OSError, match="PythonConnectionHandler"):
            getattr(req.connection, method)(*args)

    in_handler(probe)


def test_connection_over_a_socket_knows_both_ends(probe_site, live_server):
    def probe(req):
        conn = req.connection
        req.write(repr((conn.client_ip, conn.local_addr, conn.keepalive)))

    base = live_server(probe_site(probe))
    host, port = base.removeprefix("http://").split(":")
    client = http.client.HTTPConnection(host, int(port), timeout=WAIT)
    try:
        client.request("GET", "/probe.py")
        body = client.getresponse().read().decode()
    finally:
        client.close()
    assert body == repr(("127.0.0.1", ("127.0.0.1", int(port)), apache.AP_CONN_KEEPALIVE))


# ---- server -----------------------------------------------------------------------------------

SERVER_CONF = """
ServerAdmin webmaster@test.local
Timeout 5
KeepAliveTimeout 15
MaxKeepAliveRequests 100
KeepAlive On
LimitRequestLine 8000
LimitRequestFieldSize 7000
LimitRequestFields 90
PythonOption global 1
<VirtualHost *>
    ServerName vhost.test
    ServerAlias alias.test *.wild.test
    ServerPath /some/path
    PythonDebug On
    PythonOption override 1
    PythonOption emptied ""
    <Directory "{docroot}">
        SetHandler mod_python
        PythonHandler probe
        PythonDebug Off
    </Directory>
</VirtualHost>
"""

SERVER_VALUES = {
    "server_admin": "webmaster@test.local",
    "server_hostname": "vhost.test",
    "port": 0,
    "error_fname": None,  # the vhost has no ErrorLog of its own: NULL in httpd
    "loglevel": apache.APLOG_DEBUG,
    "is_virtual": 1,
    "timeout": 5.0,
    "keep_alive_timeout": 15.0,
    "keep_alive_max": 100,
    "keep_alive": 1,
    "path": "/some/path",
    "pathlen": 10,
    "names": ("alias.test",),
    "wild_names": ("*.wild.test",),
    "limit_req_line": 8000,
    "limit_req_fieldsize": 7000,
    "limit_req_fields": 90,
    "my_generation": 0,
    "next": None,
}


@pytest.fixture
def vhost_server(in_handler):
    """The server object of a request to a virtual host."""
    return in_handler(lambda req: req.server, conf=SERVER_CONF, headers={"Host": "vhost.test"})


@pytest.mark.parametrize("name, expected", SERVER_VALUES.items())
def test_server_member_value(vhost_server, name, expected):
    value = getattr(vhost_server.value, name)
    assert (value, type(value)) == (expected, type(expected))


def test_server_definition_is_where_the_virtual_host_starts(vhost_server):
    assert vhost_server.value.defn_name.endswith("test.conf")
    assert vhost_server.value.defn_line_number > 0


def test_server_restart_time_is_a_past_time(vhost_server):
    restart_time = vhost_server.value.restart_time
    assert type(restart_time) is float and restart_time <= time.time()


def test_main_server_has_no_definition_file_and_no_path(in_handler):
    main = in_handler(lambda req: req.server).value
    assert (main.defn_name, main.defn_line_number, main.path, main.pathlen) == (None, 0, None, 0)


def test_main_server_links_to_the_virtual_host(vhost_server):
    main = apache.main_server
    assert (main.is_virtual, main.next) == (0, vhost_server.value)


def test_server_port_comes_from_server_name(in_handler):
    conf = SERVER_CONF.replace("ServerName vhost.test", "ServerName vhost.test:8080")
    result = in_handler(lambda req: req.server.port, conf=conf, headers={"Host": "vhost.test"})
    assert result.value == 8080


@pytest.mark.parametrize("name", [*SERVER_VALUES, "defn_name", "restart_time"])
def test_server_members_are_read_only(vhost_server, name):
    with pytest.raises(AttributeError):
        setattr(vhost_server.value, name, getattr(vhost_server.value, name))


def test_server_takes_attributes_of_its_own(in_handler):
    def probe(req):
        req.server.my_note = "kept"
        return req.server.my_note

    assert in_handler(probe).value == "kept"


def test_server_get_config_has_server_level_directives_only(in_handler):
    result = in_handler(
        lambda req: (dict(req.server.get_config()), req.get_config()["PythonDebug"]),
        conf=SERVER_CONF,
        headers={"Host": "vhost.test"},
    )
    assert result.value == ({"PythonDebug": "1"}, "0")


def test_server_get_options_keeps_empty_values(in_handler):
    result = in_handler(
        lambda req: dict(req.server.get_options()), conf=SERVER_CONF, headers={"Host": "vhost.test"}
    )
    assert result.value == {"global": "1", "override": "1", "emptied": ""}


def test_base_server_options_are_the_main_servers(in_handler):
    result = in_handler(
        lambda req: dict(req.connection.base_server.get_options()),
        conf=SERVER_CONF,
        headers={"Host": "vhost.test"},
    )
    assert result.value == {"global": "1"}


@pytest.mark.parametrize("method", ["get_config", "get_options"])
def test_server_tables_are_live_and_persist_across_requests(probe_site, method):
    def probe(req):
        table_of_server = getattr(req.server, method)()
        seen = table_of_server.get("counter")
        table_of_server["counter"] = (seen or "") + "x"
        return seen

    site = probe_site(probe)
    site.get("/probe.py")
    site.get("/probe.py")
    assert site.outcome["value"] == "x"


def test_server_log_error_writes_without_a_client(in_handler):
    result = in_handler(lambda req: req.server.log_error("from the server", apache.APLOG_NOTICE))
    line = next(line for line in result.site.error_log.splitlines() if "from the server" in line)
    assert ":notice]" in line and "[client" not in line


@pytest.mark.parametrize(
    "args, message",
    [((None, print), "first argument must be a request object"),
     (("req", "not callable"), "second argument must be a callable object")],
)  # fmt: skip
def test_server_register_cleanup_checks_its_arguments(in_handler, args, message):
    def probe(req):
        call_args = [req if arg == "req" else arg for arg in args]
        with pytest.raises(ValueError, match=message):
            req.server.register_cleanup(*call_args)

    in_handler(probe)


def test_server_register_cleanup_runs_when_the_process_cleans_up(in_handler, monkeypatch):
    monkeypatch.setattr(process_cleanups, "_cleanups", [])
    calls = []
    in_handler(lambda req: req.server.register_cleanup(req, calls.append, "child exit"))
    assert calls == []
    process_cleanups.run_all()
    assert calls == ["child exit"]


# ---- hlist ------------------------------------------------------------------------------------


def hlist_members(req) -> tuple:
    h = req.hlist
    return h.handler, h.directory, h.is_location, h.silent


def test_hlist_members_of_a_directory_handler(in_handler):
    result = in_handler(hlist_members)
    assert result.value == ("probe", str(result.site.docroot) + "/", 0, 0)


def test_hlist_members_of_a_location_handler(in_handler):
    conf = """
    PythonPath "sys.path + [r'{docroot}']"
    <Location "/loc">
        SetHandler mod_python
        PythonHandler probe
    </Location>
    """
    assert in_handler(hlist_members, path="/loc/x", conf=conf).value == ("probe", "/loc", 1, 0)


def test_hlist_directory_inside_files_is_the_enclosing_directory(in_handler):
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        <Files "*.py">
            PythonHandler probe
        </Files>
    </Directory>
    """
    result = in_handler(hlist_members, conf=conf)
    assert result.value[1] == str(result.site.docroot) + "/"


def test_hlist_silent_is_set_for_python_handler_module(in_handler):
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonHandlerModule probe
    </Directory>
    """
    assert in_handler(hlist_members, conf=conf).value[3] == 1


def test_hlist_repr_is_dict_like(in_handler):
    result = in_handler(lambda req: repr(req.hlist))
    directory = str(result.site.docroot) + "/"
    assert result.value == (
        f"{{'handler':'probe','directory':'{directory}','is_location':False,'silent':0}}"
    )


def test_hlist_next_moves_to_the_end_where_members_are_none(in_handler):
    def probe(req):
        req.hlist.next()
        return hlist_members(req)

    assert in_handler(probe).value == (None, None, None, None)


def test_hlist_next_reaches_the_next_stacked_handler(in_handler):
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonHandler probe
        PythonHandler second
    </Directory>
    """

    def probe(req):
        req.hlist.next()
        handler = req.hlist.handler
        req.hlist.next()
        return handler, req.hlist.handler

    # The runner moves on from the cursor, so 'second' does not run after this probe.
    result = in_handler(
        probe, conf=conf, files={"second.py": "def handler(req):\n    raise RuntimeError\n"}
    )
    assert result.value == ("second", None)
    assert result.response.status == 200


@pytest.mark.parametrize("name", ["handler", "directory", "is_location", "silent"])
def test_hlist_members_are_read_only(in_handler, name):
    def probe(req):
        with pytest.raises(AttributeError):
            setattr(req.hlist, name, None)

    in_handler(probe)


# ---- finfo ------------------------------------------------------------------------------------

SEQUENCE_FIELDS = ("protection", "inode", "device", "nlink", "user", "group", "size", "atime",
                   "mtime", "ctime", "fname", "name")  # fmt: skip


@pytest.fixture
def probe_file_info(in_handler):
    """req.finfo of the probe handler's own file, with os.stat of it."""
    result = in_handler(lambda req: req.finfo)
    path = result.site.docroot / "probe.py"
    return result.value, os.stat(path), str(path)


def test_finfo_members_describe_the_file(probe_file_info):
    info, st, path = probe_file_info
    assert (info.fname, info.filetype, info.size, info.inode, info.device, info.nlink) == (
        path, apache.APR_REG, st.st_size, st.st_ino, st.st_dev, st.st_nlink
    )  # fmt: skip
    assert (info.user, info.group) == (st.st_uid, st.st_gid)


@pytest.mark.parametrize("name", ["atime", "mtime", "ctime"])
def test_finfo_times_are_whole_seconds(probe_file_info, name):
    info, st, _ = probe_file_info
    value = getattr(info, name)
    assert (type(value), value) == (int, int(getattr(st, "st_" + name)))


def test_finfo_valid_has_the_bits_of_the_fields_filled_in(probe_file_info):
    valid = probe_file_info[0].valid
    assert valid & apache.APR_FINFO_NORM == apache.APR_FINFO_NORM
    assert not valid & apache.APR_FINFO_NAME


def test_finfo_name_is_none_as_apr_fills_it_only_on_request(probe_file_info):
    assert probe_file_info[0].name is None


@pytest.mark.parametrize(
    "mode, protection",
    [(0o644, 0x644), (0o750, 0x750), (0o4755, 0x8755), (0o2711, 0x4711), (0o1777, 0x2777)],
)
def test_finfo_protection_is_aprs_permission_word(tmp_path, mode, protection):
    path = tmp_path / "file"
    path.write_text("x")
    os.chmod(path, mode)
    assert apache.stat(str(path), apache.APR_FINFO_NORM).protection == protection


@pytest.mark.parametrize("index, name", enumerate(SEQUENCE_FIELDS))
def test_finfo_sequence_access_by_finfo_index(probe_file_info, index, name):
    info = probe_file_info[0]
    assert info[index] == getattr(info, name)


def test_finfo_constants_name_the_sequence_indexes():
    names = ["MODE", "INO", "DEV", "NLINK", "UID", "GID", "SIZE", "ATIME", "MTIME", "CTIME",
             "FNAME", "NAME"]  # fmt: skip
    assert [getattr(apache, "FINFO_" + name) for name in names] == list(range(12))


@pytest.mark.parametrize("index", [12, apache.FINFO_FILETYPE, 100])
def test_finfo_index_past_the_sequence_raises_index_error(probe_file_info, index):
    with pytest.raises(IndexError, match="tuple index out of range"):
        probe_file_info[0][index]


def test_finfo_unknown_attribute_raises_attribute_error(probe_file_info):
    with pytest.raises(AttributeError, match="class 'mp_finfo' has no attribute 'colour'"):
        _ = probe_file_info[0].colour


def test_finfo_is_read_only(probe_file_info):
    with pytest.raises(AttributeError):
        probe_file_info[0].size = 0


def test_finfo_repr_lists_the_fields_in_order(probe_file_info):
    info = probe_file_info[0]
    order = ["fname", "filetype", "valid", "protection", "user", "group", "size", "inode",
             "device", "nlink", "atime", "mtime", "ctime", "name"]  # fmt: skip
    expected = "{" + ", ".join(f"'{name}': {getattr(info, name)!r}" for name in order) + "}"
    assert repr(info) == expected


def test_finfo_of_a_request_for_a_missing_file_has_only_the_name(in_handler):
    info = in_handler(lambda req: req.finfo, path="/missing.py").value
    assert info.filetype == apache.APR_NOFILE
    assert info.fname.endswith("/missing.py")
    assert [info.valid, info.size, info.mtime, info.protection] == [None] * 4


def test_apache_stat_of_a_missing_file_is_all_none(tmp_path):
    info = apache.stat(str(tmp_path / "missing"), apache.APR_FINFO_NORM)
    assert info.filetype == apache.APR_NOFILE
    assert [getattr(info, name) for name in ("fname", "valid", *SEQUENCE_FIELDS)] == [None] * 14


def test_apache_stat_of_a_directory(tmp_path):
    info = apache.stat(str(tmp_path), apache.APR_FINFO_NORM)
    assert (info.filetype, info.fname) == (apache.APR_DIR, str(tmp_path))
