"""The request object (SPEC 4.1 attributes, 4.2 methods other than body I/O), seen from a handler."""

from __future__ import annotations

import base64
import os
import time
from types import MemberDescriptorType

import pytest

from mod_python import apache
from mod_python._engine.connection import connection
from mod_python._engine.finfo import finfo
from mod_python._engine.hlist import hlist
from mod_python._engine.server_object import server
from mod_python._engine.table import table

# in_handler and probe_site: run test code inside a real handler.
pytest_plugins = ["request_probe"]

# The known request every attribute test looks at.
KNOWN_PATH = "/probe.py/extra?a=1"
KNOWN_HEADERS = {"Range": "bytes=0-1", "X-Probe": "yes"}

# SPEC 4.1, read-only attributes and their value for the known request.
READ_ONLY_VALUES = {
    "next": None,
    "prev": None,
    "main": None,
    "the_request": "GET /probe.py/extra?a=1 HTTP/1.1",
    "header_only": 0,
    "protocol": "HTTP/1.1",
    "proto_num": 1001,
    "hostname": "test.local",
    "method": "GET",
    "method_number": apache.M_GET,
    "allowed": 0,
    "allowed_xmethods": (),
    "allowed_methods": (),
    "sent_bodyct": 0,
    "bytes_sent": 0,
    "mtime": 0.0,
    "range": "bytes=0-1",
    "clength": 0,
    "remaining": 0,
    "read_length": 0,
    "read_body": 0,
    "read_chunked": 0,
    "expecting_100": 0,
    "phase": "PythonHandler",
    "_content_type_set": 0,
    "content_encoding": None,
    "content_languages": (),
    "vlist_validator": None,
    "unparsed_uri": "/probe.py/extra?a=1",
    "parsed_uri": (None, None, None, None, None, None, "/probe.py/extra", "a=1", None),
    "eos_sent": 0,
    "useragent_addr": ("127.0.0.1", 40000),
    "useragent_ip": "127.0.0.1",
    "extension": None,
    "_bytes_queued": 0,
}

# Read-only attributes whose value is an object, checked by type.
READ_ONLY_OBJECTS = {
    "connection": connection,
    "server": server,
    "headers_in": table,
    "headers_out": table,
    "err_headers_out": table,
    "subprocess_env": table,
    "notes": table,
    "hlist": hlist,
}

# SPEC 4.1, the 18 writable attributes and their value for the known request.
WRITABLE_VALUES = {
    "assbackwards": 0,
    "proxyreq": apache.PROXYREQ_NONE,
    "status_line": None,
    "status": 200,
    "chunked": 0,
    "content_type": "text/x-python",
    "handler": "mod_python",
    "user": None,
    "ap_auth_type": None,
    "no_cache": 0,
    "no_local_copy": 0,
    "uri": "/probe.py/extra",
    "path_info": "/extra",
    "args": "a=1",
    "used_path_info": apache.AP_REQ_DEFAULT_PATH_INFO,
    # Depend on the document root; checked in their own tests.
    "filename": ...,
    "canonical_filename": ...,
    "finfo": ...,
}

READ_ONLY_OTHERS = ("request_time", "_request_rec", "interpreter")

ALL_ATTRIBUTES = [*READ_ONLY_VALUES, *READ_ONLY_OBJECTS, *WRITABLE_VALUES, *READ_ONLY_OTHERS]


def test_the_request_has_the_64_attributes_of_spec_4_1_with_18_writable(in_handler):
    request_type = in_handler(lambda req: type(req)).value
    descriptors = {
        name: value
        for klass in reversed(request_type.__mro__)
        for name, value in vars(klass).items()
        if hasattr(value, "__set__")
        and not name.startswith("__")
        and not isinstance(value, MemberDescriptorType)  # slots: storage, not the API
    }
    writable = {
        name for name, value in descriptors.items()
        if not isinstance(value, property) or value.fset is not None
    }  # fmt: skip
    assert sorted(descriptors) == sorted(ALL_ATTRIBUTES)
    assert sorted(writable) == sorted(WRITABLE_VALUES)


def snapshot(req) -> dict:
    return {name: getattr(req, name) for name in ALL_ATTRIBUTES}


@pytest.fixture
def known(in_handler):
    """Every attribute of the known request, read inside its PythonHandler."""
    return in_handler(snapshot, path=KNOWN_PATH, headers=KNOWN_HEADERS)


@pytest.mark.parametrize(
    "name, expected",
    [*READ_ONLY_VALUES.items(), *((k, v) for k, v in WRITABLE_VALUES.items() if v is not ...)],
)
def test_attribute_has_its_type_and_value_for_a_known_request(known, name, expected):
    value = known.value[name]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("name, kind", READ_ONLY_OBJECTS.items())
def test_object_attribute_has_its_type(known, name, kind):
    assert isinstance(known.value[name], kind)


def test_filename_is_the_file_the_uri_maps_to(known):
    assert known.value["filename"] == str(known.site.docroot / "probe.py")


def test_canonical_filename_is_the_mapped_file_name(known):
    assert known.value["canonical_filename"] == str(known.site.docroot / "probe.py")


def test_finfo_describes_the_mapped_file(known):
    info = known.value["finfo"]
    path = known.site.docroot / "probe.py"
    assert isinstance(info, finfo)
    assert (info.fname, info.filetype, info.size) == (
        str(path),
        apache.APR_REG,
        path.stat().st_size,
    )


def test_request_time_is_a_float_taken_when_the_request_started(in_handler):
    before = time.time()
    result = in_handler(lambda req: (req.request_time, time.time()))
    started, seen_in_handler = result.value
    assert type(started) is float
    assert before <= started <= seen_in_handler


def test_request_rec_is_none_as_there_is_no_httpd_request(known):
    # mod_python gives a PyCapsule around request_rec*; there is none to wrap here.
    assert known.value["_request_rec"] is None


def test_headers_in_holds_the_request_headers(known):
    headers = known.value["headers_in"]
    assert (headers["x-probe"], headers["Host"]) == ("yes", "test.local")


def test_connection_and_server_are_the_same_object_on_every_access(in_handler):
    result = in_handler(lambda req: (req.connection is req.connection, req.server is req.server))
    assert result.value == (True, True)


def test_the_server_is_the_one_serving_the_request(known):
    assert known.value["server"].server_hostname == known.site.server_name


def test_interpreter_is_named_after_the_server(known):
    assert known.value["interpreter"] == known.site.server_name


def test_hlist_points_at_the_running_handler(in_handler):
    assert in_handler(lambda req: req.hlist.handler).value == "probe"


def test_phase_is_none_outside_a_handler(in_handler):
    result = in_handler(lambda req: req)
    assert result.value.phase is None


def test_header_only_is_1_for_head(in_handler):
    result = in_handler(lambda req: req.header_only, method="HEAD")
    assert result.value == 1


def test_expecting_100_is_1_when_the_client_expects_100_continue(in_handler):
    result = in_handler(lambda req: req.expecting_100, headers={"Expect": "100-continue"})
    assert result.value == 1


def test_proto_num_of_http_1_0(in_handler):
    result = in_handler(
        lambda req: (req.protocol, req.proto_num), environ={"SERVER_PROTOCOL": "HTTP/1.0"}
    )
    assert result.value == ("HTTP/1.0", 1000)


def test_hostname_drops_the_port_of_the_host_header(in_handler):
    result = in_handler(lambda req: req.hostname, headers={"Host": "Test.Local:8080"})
    assert result.value == "test.local"


def test_parsed_uri_has_the_port_of_the_host_header(in_handler):
    result = in_handler(lambda req: req.parsed_uri, headers={"Host": "test.local:8080"})
    assert result.value[apache.URI_PORT] == 8080


def test_args_is_none_without_a_query_string(in_handler):
    result = in_handler(lambda req: req.args)
    assert result.value is None


def test_path_info_is_empty_when_the_uri_names_the_file(in_handler):
    result = in_handler(lambda req: req.path_info)
    assert result.value == ""


@pytest.mark.parametrize(
    "method, number",
    [("GET", apache.M_GET), ("HEAD", apache.M_GET), ("POST", apache.M_POST),
     ("PUT", apache.M_PUT), ("OPTIONS", apache.M_OPTIONS), ("MKCOL", apache.M_MKCOL),
     ("BREW", apache.M_INVALID)],
)  # fmt: skip
def test_method_number_of_each_method(in_handler, method, number):
    result = in_handler(lambda req: (req.method, req.method_number), method=method)
    assert result.value == (method, number)


def test_handlers_may_attach_their_own_attributes(in_handler):
    def probe(req):
        req.secret_message = "kept"
        return req.secret_message

    assert in_handler(probe).value == "kept"


# ---- read-only and writable attributes --------------------------------------------------

READ_ONLY_NAMES = [*READ_ONLY_VALUES, *READ_ONLY_OBJECTS, *READ_ONLY_OTHERS]


@pytest.mark.parametrize("name", READ_ONLY_NAMES)
def test_assigning_a_read_only_attribute_raises_attribute_error(in_handler, name):
    def probe(req):
        with pytest.raises(AttributeError):
            setattr(req, name, getattr(req, name))

    in_handler(probe)


@pytest.mark.parametrize(
    "name, value",
    [("assbackwards", 1), ("proxyreq", apache.PROXYREQ_PROXY), ("status_line", "299 Fine"),
     ("status", 201), ("chunked", 1), ("content_type", "text/csv"), ("handler", "other"),
     ("handler", None), ("user", "spam"), ("ap_auth_type", "Basic"), ("no_cache", 1),
     ("no_local_copy", 1), ("uri", "/elsewhere"), ("filename", "/tmp/x"),
     ("canonical_filename", "/tmp/y"), ("path_info", "/more"), ("args", "b=2"), ("args", None),
     ("used_path_info", apache.AP_REQ_ACCEPT_PATH_INFO)],
)  # fmt: skip
def test_writable_attribute_keeps_the_value_assigned(in_handler, name, value):
    def probe(req):
        setattr(req, name, value)
        return getattr(req, name)

    assert in_handler(probe).value == value


@pytest.mark.parametrize(
    "name", ["status_line", "content_type", "handler", "user", "ap_auth_type", "uri",
             "filename", "canonical_filename", "path_info", "args"],
)  # fmt: skip
def test_string_attribute_accepts_bytes_as_text(in_handler, name):
    def probe(req):
        setattr(req, name, b"/bytes")
        return getattr(req, name)

    assert in_handler(probe).value == "/bytes"


@pytest.mark.parametrize(
    "name", ["status_line", "content_type", "user", "ap_auth_type", "uri", "filename",
             "canonical_filename", "path_info"],
)  # fmt: skip
def test_string_attribute_refuses_none(in_handler, name):
    def probe(req):
        with pytest.raises(TypeError, match="not an ISO-8859-1 string"):
            setattr(req, name, None)

    in_handler(probe)


@pytest.mark.parametrize("name", ["status_line", "content_type", "handler", "uri", "args"])
@pytest.mark.parametrize("value", [3, "\u20ac uro"])
def test_string_attribute_refuses_non_strings_and_non_latin1_text(in_handler, name, value):
    def probe(req):
        with pytest.raises(TypeError, match="not an ISO-8859-1 string"):
            setattr(req, name, value)

    in_handler(probe)


@pytest.mark.parametrize(
    "name", ["assbackwards", "proxyreq", "status", "no_cache", "no_local_copy", "used_path_info"]
)
@pytest.mark.parametrize("value", ["1", 1.5, None])
def test_integer_attribute_refuses_non_integers(in_handler, name, value):
    def probe(req):
        with pytest.raises(TypeError):
            setattr(req, name, value)

    in_handler(probe)


@pytest.mark.parametrize("value", ["1", 1.0, None])
def test_chunked_must_be_an_integer(in_handler, value):
    def probe(req):
        with pytest.raises(TypeError, match="chunked must be a integer"):
            req.chunked = value

    in_handler(probe)


def test_finfo_assignment_requires_a_finfo_object(in_handler):
    def probe(req):
        with pytest.raises(TypeError, match="finfo must be a finfoobject"):
            req.finfo = os.stat(req.filename)

    in_handler(probe)


def test_finfo_assignment_takes_the_file_information_given(in_handler):
    def probe(req):
        req.finfo = apache.stat(req.document_root(), apache.APR_FINFO_NORM)
        return req.finfo.filetype

    assert in_handler(probe).value == apache.APR_DIR


def test_user_cannot_be_set_to_none(in_handler):
    def probe(req):
        req.user = "spam"
        with pytest.raises(TypeError):
            req.user = None
        return req.user

    assert in_handler(probe).value == "spam"


def test_assigning_content_type_sets_content_type_set(in_handler):
    def probe(req):
        before = req._content_type_set
        req.content_type = "text/plain"
        return before, req._content_type_set

    assert in_handler(probe).value == (0, 1)


def test_assigned_content_type_is_the_response_content_type(in_handler):
    def probe(req):
        req.content_type = "text/csv"
        req.write("a,b")

    assert in_handler(probe).response.header("Content-Type") == "text/csv"


def test_assigned_status_is_the_response_status(in_handler):
    def probe(req):
        req.status = 202
        req.write("accepted")

    assert in_handler(probe).response.status == 202


def test_no_cache_adds_an_expires_header(in_handler):
    def probe(req):
        req.no_cache = 1
        req.write("fresh")

    assert in_handler(probe).response.header("Expires") is not None


def test_response_has_no_expires_header_by_default(in_handler):
    assert in_handler(lambda req: req.write("x")).response.header("Expires") is None


def test_headers_out_reach_the_client(in_handler):
    def probe(req):
        req.headers_out["X-Test-Header"] = "test ok"
        req.write("x")

    assert in_handler(probe).response.header("X-Test-Header") == "test ok"


# ---- configuration, documents, URLs ---------------------------------------------------------


def test_document_root_is_the_configured_document_root(in_handler):
    result = in_handler(lambda req: req.document_root())
    assert result.value == str(result.site.docroot)


@pytest.mark.parametrize(
    "host, uri, url",
    [("test.local", "/index.html", "http://test.local/index.html"),
     ("test.local:8080", "/index.html", "http://test.local:8080/index.html"),
     ("test.local:80", "/x?y=1", "http://test.local/x?y=1")],
)  # fmt: skip
def test_construct_url_uses_the_scheme_host_and_port_of_the_request(in_handler, host, uri, url):
    result = in_handler(lambda req: req.construct_url(uri), headers={"Host": host})
    assert result.value == url


def test_construct_url_takes_the_port_from_the_host_header_only(in_handler):
    # UseCanonicalName Off: without a port in Host:, the ServerName's port (none: default).
    result = in_handler(
        lambda req: req.construct_url("/index.html"), environ={"SERVER_PORT": "8443"}
    )
    assert result.value == "http://test.local/index.html"


def test_construct_url_without_a_host_header_uses_the_server_name(in_handler):
    result = in_handler(
        lambda req: (req.hostname, req.construct_url("/")),
        environ={"HTTP_HOST": "", "SERVER_PROTOCOL": "HTTP/1.0"},
    )
    assert result.value == (None, f"http://{result.site.server_name}/")


def test_construct_url_omits_the_default_https_port(in_handler):
    result = in_handler(
        lambda req: req.construct_url("/"),
        environ={"wsgi.url_scheme": "https", "SERVER_PORT": "443", "HTTPS": "on"},
    )
    assert result.value == "https://test.local/"


OPTIONS_CONF = """
PythonOption global 1
PythonOption override 1
PythonOption hidden 1
PythonOption hidden2 1
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler probe
    PythonDebug On
    PythonOption override 2
    PythonOption local "a value"
    PythonOption hidden ""
    PythonOption hidden2
</Directory>
"""


def test_get_config_holds_the_merged_mod_python_directives(in_handler):
    result = in_handler(lambda req: dict(req.get_config()), conf=OPTIONS_CONF)
    assert result.value["PythonDebug"] == "1"


def test_get_options_merges_overrides_and_drops_emptied_options(in_handler):
    result = in_handler(lambda req: sorted(req.get_options().items()), conf=OPTIONS_CONF)
    assert result.value == [("global", "1"), ("local", "a value"), ("override", "2")]


def test_get_options_is_a_live_table_of_the_request(in_handler):
    def probe(req):
        req.get_options()["added"] = "x"
        return req.get_options().get("added")

    assert in_handler(probe, conf=OPTIONS_CONF).value == "x"


def test_get_options_removes_empty_values_put_into_it(in_handler):
    def probe(req):
        options = req.get_options()
        options["first"] = ""
        options["second"] = ""
        return sorted(req.get_options().keys())

    assert in_handler(probe, conf=OPTIONS_CONF).value == ["global", "local", "override"]


def test_get_addhandler_exts_lists_python_extensions_without_dots(in_handler):
    conf = """
    <Directory "{docroot}">
        AddHandler mod_python .py .psp
        AddHandler cgi-script .cgi
        PythonHandler probe
    </Directory>
    """
    result = in_handler(lambda req: sorted(req.get_addhandler_exts().split()), conf=conf)
    assert result.value == ["psp", "py"]


def test_get_addhandler_exts_is_empty_without_add_handler(in_handler):
    assert in_handler(lambda req: req.get_addhandler_exts()).value == ""


# ---- authentication ----------------------------------------------------------------------

PROBE_DIR = """
<Directory "{{docroot}}">
    SetHandler mod_python
    PythonHandler probe
    {extra}
</Directory>
"""


AUTH_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler probe
    AuthType Basic
    AuthName "The Realm"
</Directory>
"""


def basic(credentials: bytes) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(credentials).decode("ascii")}


@pytest.mark.parametrize(
    "credentials, user, password",
    [(b"spam:eggs", "spam", "eggs"), ("sp\xe1m:\xe9ggs".encode("latin-1"), "sp\xe1m", "\xe9ggs")],
)
def test_get_basic_auth_pw_decodes_the_password_and_sets_user(in_handler, credentials, user, password):  # fmt: skip
    result = in_handler(
        lambda req: (req.get_basic_auth_pw(), req.user), conf=AUTH_CONF, headers=basic(credentials)
    )
    assert result.value == (password, user)


def test_get_basic_auth_pw_is_none_without_an_authorization_header(in_handler):
    result = in_handler(lambda req: (req.get_basic_auth_pw(), req.user), conf=AUTH_CONF)
    assert result.value == (None, None)


@pytest.mark.parametrize(
    "auth_lines",
    ["", "AuthType Digest\nAuthName realm", "AuthType Basic"],
    ids=["no-auth-type", "digest", "no-auth-name"],
)
def test_get_basic_auth_pw_is_none_unless_auth_type_basic_with_a_name(in_handler, auth_lines):
    conf = PROBE_DIR.format(extra=auth_lines)
    result = in_handler(lambda req: req.get_basic_auth_pw(), conf=conf, headers=basic(b"spam:eggs"))
    assert result.value is None


def test_auth_name_and_auth_type_are_the_configured_values(in_handler):
    result = in_handler(lambda req: (req.auth_name(), req.auth_type()), conf=AUTH_CONF)
    assert result.value == ("The Realm", "Basic")


def test_auth_name_and_auth_type_are_none_when_not_configured(in_handler):
    assert in_handler(lambda req: (req.auth_name(), req.auth_type())).value == (None, None)


# ---- remote host, CGI variables ---------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [((apache.REMOTE_HOST,), None), ((), "127.0.0.1"), ((apache.REMOTE_NAME,), "127.0.0.1"),
     ((apache.REMOTE_NOLOOKUP,), "127.0.0.1"), ((apache.REMOTE_NAME, 1), ("127.0.0.1", 1)),
     ((apache.REMOTE_HOST, 1), (None, 0))],
)  # fmt: skip
def test_get_remote_host(in_handler, args, expected):
    assert in_handler(lambda req: req.get_remote_host(*args)).value == expected


def test_add_common_vars_fills_subprocess_env(in_handler):
    def probe(req):
        before = len(req.subprocess_env)
        req.add_common_vars()
        return before, dict(req.subprocess_env)

    before, env = in_handler(probe, headers={"X-Probe": "yes"}).value
    assert len(env) > before
    assert (env["REMOTE_ADDR"], env["HTTP_X_PROBE"], env["SERVER_NAME"]) == (
        "127.0.0.1",
        "yes",
        "test.local",
    )


def test_add_cgi_vars_adds_more_than_add_common_vars(in_handler):
    def probe(req):
        req.add_common_vars()
        common = len(req.subprocess_env)
        req.add_cgi_vars()
        return common, dict(req.subprocess_env)

    common, env = in_handler(probe, path=KNOWN_PATH).value
    assert len(env) > common
    assert {k: env[k] for k in ("GATEWAY_INTERFACE", "REQUEST_METHOD", "QUERY_STRING", "SCRIPT_NAME", "PATH_INFO")} == {
        "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "QUERY_STRING": "a=1",
        "SCRIPT_NAME": "/probe.py", "PATH_INFO": "/extra",
    }  # fmt: skip


def test_add_cgi_vars_leaves_out_path_info_when_there_is_none(in_handler):
    def probe(req):
        req.add_cgi_vars()
        return dict(req.subprocess_env)

    env = in_handler(probe).value
    assert (env["SCRIPT_NAME"], "PATH_INFO" in env, env["QUERY_STRING"]) == ("/probe.py", False, "")


def test_authorization_is_not_copied_into_subprocess_env(in_handler):
    def probe(req):
        req.add_cgi_vars()
        return "HTTP_AUTHORIZATION" in req.subprocess_env

    assert in_handler(probe, headers=basic(b"spam:eggs")).value is False


# ---- allowed methods ----------------------------------------------------------------------


@pytest.mark.parametrize("methods", [3, None, {"GET": 1}, {"GET"}])
def test_allow_methods_needs_a_sequence(in_handler, methods):
    def probe(req):
        with pytest.raises(TypeError, match="First argument must be a sequence"):
            req.allow_methods(methods)

    in_handler(probe)


ALLOW_HANDLER = """
def handler(req):
{calls}
    return {status}
"""


def allow_site(make_site, *calls, status=405):
    body = "\n".join(f"    req.allow_methods{call!r}" for call in calls)
    conf = '<Directory "{docroot}">\nSetHandler mod_python\nPythonHandler h\n</Directory>'
    return make_site(conf, {"h.py": ALLOW_HANDLER.format(calls=body, status=status)})


def allowed_in_header(response) -> list[str]:
    return sorted(response.header("Allow").split(","))


def test_allow_methods_names_the_method_in_the_allow_header_of_a_405(make_site):
    response = allow_site(make_site, (["MKWORKSPACE"],)).get("/h.py")
    assert response.status == 405
    assert "MKWORKSPACE" in response.header("Allow").split(",")


def test_allow_header_of_a_501_lists_the_allowed_methods(make_site):
    response = allow_site(make_site, (["PUT"],), status=501).get("/h.py")
    assert (response.status, allowed_in_header(response)) == (501, ["PUT", "TRACE"])


def test_allow_header_adds_head_for_get_and_ends_with_trace(make_site):
    response = allow_site(make_site, (["GET", "MKCOL"],)).get("/h.py")
    assert response.header("Allow").endswith(",TRACE")
    assert allowed_in_header(response) == ["GET", "HEAD", "MKCOL", "TRACE"]


def test_allow_header_leaves_out_unregistered_methods(make_site):
    response = allow_site(make_site, (["BREW", "PUT"],)).get("/h.py")
    assert allowed_in_header(response) == ["PUT", "TRACE"]


def test_allow_methods_merges_later_calls(make_site):
    response = allow_site(make_site, (["DELETE"],), (["PUT"],)).get("/h.py")
    assert allowed_in_header(response) == ["DELETE", "PUT", "TRACE"]


def test_allow_methods_with_reset_replaces_earlier_methods(make_site):
    response = allow_site(make_site, (["DELETE"],), (["POST"], 1), (["PUT"],)).get("/h.py")
    assert allowed_in_header(response) == ["POST", "PUT", "TRACE"]


def test_allowed_methods_lists_only_extension_methods(in_handler):
    def probe(req):
        req.allow_methods(["GET", "BREW", "MKCOL", "WHEN"])
        return req.allowed_methods, req.allowed

    assert in_handler(probe).value == (("BREW", "WHEN"), 0)


def test_allow_methods_reset_restarts_the_extension_list(in_handler):
    def probe(req):
        req.allow_methods(["BREW"])
        req.allow_methods(["WHEN", "FOO"], 1)
        return req.allowed_methods

    assert in_handler(probe).value == ("WHEN", "FOO")


def test_allow_methods_with_an_empty_sequence_changes_nothing(in_handler):
    def probe(req):
        req.allow_methods(["BREW"])
        req.allow_methods([], 1)
        return req.allowed_methods

    assert in_handler(probe).value == ("BREW",)


# ---- validators: mtime, ETag, Last-Modified, conditional requests ------------------------------


def test_update_mtime_only_moves_mtime_forward(in_handler):
    def probe(req):
        seen = [req.mtime]
        req.update_mtime(100.0)
        seen.append(req.mtime)
        req.update_mtime(50)
        seen.append(req.mtime)
        return seen

    assert in_handler(probe).value == [0.0, 100.0, 100.0]


def test_set_last_modified_sends_the_mtime_as_an_http_date(in_handler):
    def probe(req):
        req.update_mtime(100.0)
        req.set_last_modified()
        req.write("x")

    assert in_handler(probe).response.header("Last-Modified") == "Thu, 01 Jan 1970 00:01:40 GMT"


def test_set_etag_sends_a_quoted_etag(in_handler):
    def probe(req):
        req.update_mtime(100.0)
        req.set_etag()
        req.write("x")

    etag = in_handler(probe).response.header("ETag")
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2


VALIDATED_HANDLER = """
from mod_python import apache

def handler(req):
    req.update_mtime(1000000000.0)
    req.set_etag()
    req.set_last_modified()
    status = req.meets_conditions()
    if status != apache.OK:
        return status
    req.write("full body")
    return apache.OK
"""


@pytest.fixture
def validated_site(make_site):
    conf = '<Directory "{docroot}">\nSetHandler mod_python\nPythonHandler h\n</Directory>'
    return make_site(conf, {"h.py": VALIDATED_HANDLER})


def test_meets_conditions_is_ok_for_an_unconditional_request(validated_site):
    response = validated_site.get("/h.py")
    assert (response.status, response.body) == (200, b"full body")


def test_meets_conditions_answers_304_for_a_matching_if_none_match(validated_site):
    etag = validated_site.get("/h.py").header("ETag")
    response = validated_site.get("/h.py", headers={"If-None-Match": etag})
    assert (response.status, response.body) == (304, b"")


def test_meets_conditions_is_ok_for_another_etag(validated_site):
    response = validated_site.get("/h.py", headers={"If-None-Match": '"other"'})
    assert response.status == 200


@pytest.mark.parametrize(
    "since, status",
    [("Sun, 09 Sep 2001 01:46:40 GMT", 304), ("Sat, 01 Jan 2005 00:00:00 GMT", 304),
     ("Sat, 01 Jan 2000 00:00:00 GMT", 200)],
)  # fmt: skip
def test_meets_conditions_compares_if_modified_since_with_mtime(validated_site, since, status):
    assert validated_site.get("/h.py", headers={"If-Modified-Since": since}).status == status


def test_meets_conditions_answers_412_for_a_failed_if_match(validated_site):
    assert validated_site.get("/h.py", headers={"If-Match": '"other"'}).status == 412


def test_set_content_length_sets_clength_and_the_header(in_handler):
    def probe(req):
        req.set_content_length(15)
        return req.clength, req.headers_out["content-length"]

    assert in_handler(probe).value == (15, "15")


def test_send_http_header_does_nothing(in_handler):
    def probe(req):
        result = req.send_http_header()
        return result, req.sent_bodyct

    assert in_handler(probe).value == (None, 0)


# ---- logging and cleanups -----------------------------------------------------------------


def test_log_error_writes_the_message_with_the_client_address(in_handler):
    result = in_handler(lambda req: req.log_error("probe says hello"))
    line = next(line for line in result.site.error_log.splitlines() if "probe says hello" in line)
    assert "[client 127.0.0.1:40000]" in line
    assert ":error]" in line


@pytest.mark.parametrize("level, tag", [(apache.APLOG_WARNING, ":warn]"), (0, ":error]")])
def test_log_error_level(in_handler, level, tag):
    result = in_handler(lambda req: req.log_error("leveled message", level))
    line = next(line for line in result.site.error_log.splitlines() if "leveled message" in line)
    assert tag in line


def test_log_error_of_none_logs_nothing(in_handler):
    result = in_handler(lambda req: req.log_error(None))
    assert "[client" not in result.site.error_log


def test_register_cleanup_runs_after_the_response_with_its_data(in_handler):
    calls = []

    def probe(req):
        req.register_cleanup(calls.append, "cleanup data")
        return list(calls)

    result = in_handler(probe)
    assert (result.value, calls) == ([], ["cleanup data"])


def test_register_cleanup_logging_through_the_request_reaches_the_log(make_site):
    source = (
        "def cleanup(req):\n    req.log_error('cleanup ran')\n\n"
        "def handler(req):\n    req.register_cleanup(cleanup, req)\n    req.write('x')\n    return 0\n"
    )
    site = make_site(
        '<Directory "{docroot}">\nSetHandler mod_python\nPythonHandler h\n</Directory>',
        {"h.py": source},
    )
    site.get("/h.py")
    assert "cleanup ran" in site.error_log


def test_register_cleanup_refuses_a_non_callable(in_handler):
    def probe(req):
        with pytest.raises(ValueError, match="first argument must be a callable object"):
            req.register_cleanup("not callable")

    in_handler(probe)


def test_an_error_in_a_cleanup_is_logged(in_handler):
    def failing(data):
        raise RuntimeError("cleanup exploded")

    result = in_handler(lambda req: req.register_cleanup(failing))
    assert result.response.status == 200
    assert "cleanup exploded" in result.site.error_log


def test_is_https_is_0_over_http(in_handler):
    assert in_handler(lambda req: req.is_https()).value == 0


def test_ssl_var_lookup_of_an_unknown_variable_is_none(in_handler):
    assert in_handler(lambda req: req.ssl_var_lookup("SSL_NOT_A_THING")).value is None


# ---- internal redirects -----------------------------------------------------------------------

REDIRECT_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler first | .py
    PythonHandler second | .int
</Directory>
"""

FIRST = """
def handler(req):
    req.secret_message = "from the first request"
    req.internal_redirect("/test.int?x=1")
    req.log_error("after redirect: next is set: %s, next.prev is req: %s"
                  % (req.next is not None, req.next.prev is req))
    return 0
"""

SECOND = """
def handler(req):
    req.prev.write("test ")
    req.write("ok")
    req.log_error("in redirect: uri=%s args=%s prev.uri=%s secret=%s"
                  % (req.uri, req.args, req.prev.uri, req.prev.secret_message))
    return 0
"""


@pytest.fixture
def redirect_site(make_site):
    return make_site(REDIRECT_CONF, {"first.py": FIRST, "second.py": SECOND})


def test_internal_redirect_writes_both_requests_into_one_response(redirect_site):
    response = redirect_site.get("/first.py")
    assert (response.status, response.body) == (200, b"test ok")


def test_internal_redirect_links_the_requests_by_prev_and_next(redirect_site):
    redirect_site.get("/first.py")
    assert "after redirect: next is set: True, next.prev is req: True" in redirect_site.error_log


def test_internal_redirect_serves_the_new_uri_with_its_query(redirect_site):
    redirect_site.get("/first.py")
    log = redirect_site.error_log
    assert "in redirect: uri=/test.int args=x=1 prev.uri=/first.py" in log
    assert "secret=from the first request" in log


def test_internal_redirect_returns_none(in_handler):
    def probe(req):
        if req.prev is not None:
            return None
        return req.internal_redirect("/probe.py")

    assert in_handler(probe).value is None


# ---- add_handler ------------------------------------------------------------------------------

SITE_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler h
</Directory>
"""


def handler_site(make_site, source: str, conf: str = SITE_CONF, **files):
    return make_site(conf, {"h.py": source, **{f"{name}.py": text for name, text in files.items()}})


def test_add_handler_for_the_running_phase_runs_next_in_it(make_site):
    source = """
def handler(req):
    req.secret_message = "shared"
    req.add_handler("PythonHandler", "h::second")
    req.write("first ")
    return 0

def second(req):
    req.write("second saw " + req.secret_message)
    return 0
"""
    assert handler_site(make_site, source).get("/h.py").body == b"first second saw shared"


def test_a_handler_added_to_the_running_phase_is_not_kept_for_the_next_request(make_site):
    """The configured handler list is shared by every request: add_handler must not grow it."""
    source = """
def handler(req):
    req.add_handler("PythonHandler", "h::second")
    req.write("first ")
    return 0

def second(req):
    req.write("second ")
    return 0
"""
    site = handler_site(make_site, source)
    bodies = [site.get("/h.py").body for _ in range(3)]
    assert bodies == [b"first second "] * 3


def test_add_handler_for_a_later_phase_without_handlers_runs_there(make_site):
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonFixupHandler h::fixup
    </Directory>
    """
    source = """
def fixup(req):
    req.add_handler("PythonHandler", "h::content")
    return 0

def content(req):
    req.write("content added by fixup")
    return 0
"""
    assert handler_site(make_site, source, conf).get("/h.py").body == b"content added by fixup"


def test_add_handler_from_the_access_phase_to_an_empty_content_phase(make_site):
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonAccessHandler h::access
    </Directory>
    """
    source = """
def access(req):
    req.add_handler("PythonHandler", "h::content")
    return 0

def content(req):
    req.write("test ok")
    return 0
"""
    assert handler_site(make_site, source, conf).get("/h.py").body == b"test ok"


def test_add_handler_runs_after_the_configured_handlers_of_its_phase(make_site):
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonFixupHandler h::fixup
        PythonHandler h::configured
    </Directory>
    """
    source = """
def fixup(req):
    req.add_handler("PythonHandler", "h::added")
    return 0

def configured(req):
    req.write("configured ")
    return 0

def added(req):
    req.write("added")
    return 0
"""
    assert handler_site(make_site, source, conf).get("/h.py").body == b"configured added"


def test_add_handler_for_the_log_phase_runs_after_the_response(make_site):
    source = """
def handler(req):
    req.add_handler("PythonLogHandler", "h::log")
    req.write("body")
    return 0

def log(req):
    req.log_error("log handler added at run time, bytes_sent=%d" % req.bytes_sent)
    return 0
"""
    site = handler_site(make_site, source)
    assert site.get("/h.py").body == b"body"
    assert "log handler added at run time, bytes_sent=4" in site.error_log


@pytest.mark.parametrize("phase", ["PythonFooHandler", "PythonCleanupHandler", "pythonhandler"])
def test_add_handler_refuses_an_unknown_phase(in_handler, phase):
    def probe(req):
        with pytest.raises(IndexError, match=f"Invalid phase: {phase}"):
            req.add_handler(phase, "probe")

    in_handler(probe)


def test_add_handler_needs_a_string_handler(in_handler):
    def probe(req):
        with pytest.raises(TypeError):
            req.add_handler("PythonHandler", lambda r: 0)

    in_handler(probe)


@pytest.mark.parametrize(
    "given, expected",
    [("/tmp/./one/../two", "/tmp/two/"), ("/tmp/two/", "/tmp/two/"), ("/tmp//two", "/tmp/two/")],
)  # fmt: skip
def test_add_handler_canonicalises_dir_with_a_trailing_slash(make_site, given, expected):
    source = f"""
def handler(req):
    req.add_handler("PythonHandler", "h::show", {given!r})
    return 0

def show(req):
    req.write(req.hlist.directory)
    return 0
"""
    assert handler_site(make_site, source).get("/h.py").body == expected.encode()


def test_add_handler_without_dir_has_no_directory(make_site):
    source = """
def handler(req):
    req.add_handler("PythonHandler", "h::show")
    return 0

def show(req):
    req.write(repr(req.hlist.directory))
    return 0
"""
    assert handler_site(make_site, source).get("/h.py").body == b"None"


def test_add_handler_dir_is_where_the_module_is_imported_from(make_site):
    source = """
import os

def handler(req):
    req.add_handler("PythonHandler", "elsewhere", os.path.join(req.document_root(), "lib"))
    return 0
"""
    site = make_site(SITE_CONF, {
        "h.py": source,
        "lib/elsewhere.py": "def handler(req):\n    req.write('from lib')\n    return 0\n",
    })  # fmt: skip
    assert site.get("/h.py").body == b"from lib"


@pytest.mark.parametrize(
    "added, logged",
    [("", "No module named"), ("h::bad_handler", "contains no 'bad_handler'")],
    ids=["empty-string", "missing-object"],
)
def test_an_added_handler_that_cannot_be_found_fails_when_dispatched(make_site, added, logged):
    source = f"""
def handler(req):
    req.add_handler("PythonHandler", {added!r})
    req.log_error("add_handler raised nothing")
    return 0
"""
    site = handler_site(make_site, source)
    assert site.get("/h.py").status == 500
    assert "add_handler raised nothing" in site.error_log
    assert logged in site.error_log


# ---- WSGI environment --------------------------------------------------------------------------


def wsgi_env(req):
    env = req.build_wsgi_env()
    return env if env is None else {**env, "wsgi.input": env["wsgi.input"] is req}


def test_build_wsgi_env_without_a_base_uri(in_handler):
    env = in_handler(wsgi_env, path="/probe.py").value
    assert (env["SCRIPT_NAME"], env["PATH_INFO"]) == ("", "/probe.py")
    assert env["wsgi.input"] is True
    assert (env["wsgi.version"], env["wsgi.url_scheme"], env["wsgi.run_once"]) == (
        (1, 0),
        "http",
        False,
    )


def test_build_wsgi_env_under_a_location_uses_its_path_as_base(in_handler):
    conf = """
    PythonPath "sys.path + [r'{docroot}']"
    <Location "/foo">
        SetHandler mod_python
        PythonHandler probe
    </Location>
    """
    env = in_handler(wsgi_env, path="/foo/bar", conf=conf).value
    assert (env["SCRIPT_NAME"], env["PATH_INFO"]) == ("/foo", "/bar")


def base_uri_conf(base_uri: str) -> str:
    return PROBE_DIR.format(extra=f'PythonOption mod_python.wsgi.base_uri "{base_uri}"')


def test_build_wsgi_env_with_a_base_uri_option(in_handler):
    env = in_handler(wsgi_env, path="/probe.py/extra", conf=base_uri_conf("/probe.py")).value
    assert (env["SCRIPT_NAME"], env["PATH_INFO"]) == ("/probe.py", "/extra")


def test_build_wsgi_env_sets_path_info_of_the_request(in_handler):
    def probe(req):
        req.build_wsgi_env()
        return req.path_info

    assert (
        in_handler(probe, path="/probe.py/extra", conf=base_uri_conf("/probe.py")).value == "/extra"
    )


def test_build_wsgi_env_is_none_outside_the_base_uri(in_handler):
    assert in_handler(wsgi_env, conf=base_uri_conf("/elsewhere")).value is None


def test_build_wsgi_env_refuses_a_base_uri_ending_with_a_slash(in_handler):
    def probe(req):
        with pytest.raises(ValueError, match="must not end with '/'"):
            req.build_wsgi_env()

    in_handler(probe, conf=base_uri_conf("/probe.py/"))


def test_build_wsgi_env_passes_the_authorization_header(in_handler):
    env = in_handler(wsgi_env, headers=basic(b"spam:eggs")).value
    assert env["HTTP_AUTHORIZATION"] == basic(b"spam:eggs")["Authorization"]


def test_build_wsgi_env_url_scheme_follows_https(in_handler):
    env = in_handler(wsgi_env, environ={"HTTPS": "on", "wsgi.url_scheme": "https"}).value
    assert env["wsgi.url_scheme"] == "https"


def test_wsgi_start_response_returns_the_write_method(in_handler):
    def probe(req):
        write = req.wsgi_start_response("200 OK", [])
        write(b"written through start_response")
        return write == req.write

    result = in_handler(probe)
    assert (result.value, result.response.body) == (True, b"written through start_response")


def test_wsgi_start_response_sets_status_line_and_a_matching_status(in_handler):
    def probe(req):
        req.wsgi_start_response("201 Created", [("X-One", "1")])
        return req.status_line, req.status

    result = in_handler(probe)
    assert result.value == ("201 Created", 201)
    assert (result.response.status, result.response.header("X-One")) == (201, "1")


def test_wsgi_start_response_adds_repeated_headers(in_handler):
    def probe(req):
        req.wsgi_start_response("200 OK", [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        req.write("x")

    headers = in_handler(probe).response.headers
    assert [value for name, value in headers if name == "Set-Cookie"] == ["a=1", "b=2"]


@pytest.mark.parametrize(
    "status, headers, error, message",
    [("200 OK", (("A", "b"),), TypeError, "headers argument must be a list, not a 'tuple'"),
     ("200 OK", [["A", "b"]], TypeError, "each header must be a tuple, not a 'list'"),
     ("200 OK", [(1, "b")], TypeError, "header names must be strings"),
     ("200 OK", [("A", 2)], TypeError, "header values must be strings"),
     ("OK", [], ValueError, "Invalid status line"),
     ("999 Too Big", [], ValueError, "Invalid status line")],
)  # fmt: skip
def test_wsgi_start_response_validates_its_arguments(in_handler, status, headers, error, message):
    def probe(req):
        with pytest.raises(error, match=message):
            req.wsgi_start_response(status, headers)
        return len(req.headers_out)

    assert in_handler(probe).value == 0


def test_wsgi_start_response_reraises_exc_info(in_handler):
    def probe(req):
        try:
            raise KeyError("from the application")
        except KeyError:
            import sys

            with pytest.raises(KeyError, match="from the application"):
                req.wsgi_start_response("500 Oops", [("A", "b")], sys.exc_info())
        return len(req.headers_out)

    assert in_handler(probe).value == 0


def test_a_redirected_request_has_its_own_unparsed_uri_and_the_first_request_line(in_handler):
    seen = []

    def probe(req):
        if req.prev is None:
            req.internal_redirect("/probe.py/next?b=2")
        else:
            seen.append((req.unparsed_uri, req.the_request, req.uri, req.args))

    in_handler(probe, path="/probe.py?a=1")
    assert seen == [("/probe.py/next?b=2", "GET /probe.py?a=1 HTTP/1.1", "/probe.py/next", "b=2")]


def test_unparsed_uri_is_the_uri_as_received_even_after_uri_changes(in_handler):
    def probe(req):
        req.uri = "/changed"
        return req.unparsed_uri

    # Without REQUEST_URI in the environ, unparsed_uri is rebuilt from PATH_INFO and the query.
    result = in_handler(probe, path="/probe.py?a=1", environ={"REQUEST_URI": ""})
    assert result.value == "/probe.py?a=1"
