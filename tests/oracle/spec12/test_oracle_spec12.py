"""mod_python's own per-request tests (SPEC 12.2) and test_internal (12.3), asked of both the
real mod_python and us with the same handlers (tests/spec12/site) and configuration."""

from __future__ import annotations

import base64

import pytest

from .conftest import send

pytestmark = pytest.mark.oracle


def same(pair) -> None:
    ours, oracle = pair
    assert (ours.status, ours.body) == (oracle.status, oracle.body)


@pytest.mark.parametrize(
    "vhost",
    [
        "test_req_document_root",
        "test_req_add_handler_directory",
        "test_req_add_handler_empty_phase",
        "test_req_server_get_config",
        "test_req_server_get_options",
        "test_PythonOption",
        "test_PythonOption_override",
        "test_PythonOption_remove",
        "test_PythonOption_remove2",
        "test_files_directive",
        "test_phase_status",
        "test_req_internal_redirect",
        "test_req_headers_out",
        "test_req_sendfile",
        "test_req_sendfile2",
        "test_server_return",
        "test_accesshandler_add_handler_to_empty_hl",
        "test_req_add_handler",
    ],
)
def test_same_answer(spec12_servers, vhost):
    same(spec12_servers.get(vhost))


@pytest.mark.parametrize(
    ("vhost", "path"),
    [
        ("test_req_internal_redirect", "/test.py"),
        ("test_interpreter_per_directive", "/"),
        ("test_interpreter_per_directive", "/subdir/foo.py"),
        ("test_interpreter_per_directive", "/subdir/"),
        ("test_interpreter_per_directory", "/"),
        ("test_interpreter_per_directory", "/subdir/foo.py"),
        ("test_interpreter_per_directory", "/subdir/"),
    ],
)
def test_same_answer_at(spec12_servers, vhost, path):
    same(spec12_servers.get(vhost, path))


@pytest.mark.parametrize("vhost", ["test_req_add_bad_handler", "test_none_handler"])
def test_same_status(spec12_servers, vhost):
    ours, oracle = spec12_servers.get(vhost)
    assert ours.status == oracle.status


@pytest.mark.parametrize("name", ["Expires", "X-Test-Header", "Location"])
@pytest.mark.parametrize(
    "vhost", ["test_req_no_cache", "test_req_headers_out", "test_util_redirect"]
)
def test_same_header_presence(spec12_servers, vhost, name):
    ours, oracle = spec12_servers.get(vhost)
    assert (ours.status, ours.header(name) is None) == (oracle.status, oracle.header(name) is None)


def test_util_redirect(spec12_servers):
    ours, oracle = spec12_servers.get("test_util_redirect")
    assert (ours.status, ours.header("Location"), ours.body) == (
        oracle.status,
        oracle.header("Location"),
        oracle.body,
    )


def test_req_construct_url(spec12_servers):
    # The Host: header carries the port, as test.py sends it.
    ours, oracle = (
        send(port, "GET", "/tests.py", f"test_req_construct_url:{port}", {}, b"")
        for port in (spec12_servers.servers.our_port, spec12_servers.servers.oracle_port)
    )
    assert ours.body.replace(str(ours.port).encode(), b"PORT") == oracle.body.replace(
        str(oracle.port).encode(), b"PORT"
    )


def test_req_handler_set_by_a_fixup(spec12_servers):
    same(spec12_servers.get("test_req_handler", "/"))


def test_req_add_empty_handler_string_fails_after_the_text(spec12_servers):
    # The tracebacks differ (ours and Python's import machinery); both send the text first,
    # then the debug page of the failed empty handler, with the status already sent.
    ours, oracle = spec12_servers.get("test_req_add_empty_handler_string")
    assert ours.status == oracle.status
    for response in (ours, oracle):
        assert response.body.startswith(b"no exception") and b"Traceback" in response.body


def test_req_allow_methods_allow_header(spec12_servers):
    ours, oracle = spec12_servers.get("test_req_allow_methods")
    assert (ours.status, ours.header("Allow")) == (oracle.status, oracle.header("Allow"))


@pytest.mark.parametrize("credentials", ["spam:eggs", "sp\xe1m:\xe9ggs"])
def test_req_get_basic_auth_pw(spec12_servers, credentials):
    token = base64.b64encode(credentials.encode("latin-1")).decode()
    same(
        spec12_servers.get(
            "test_req_get_basic_auth_pw", headers={"Authorization": f"Basic {token}"}
        )
    )


def test_req_auth_type(spec12_servers):
    same(spec12_servers.get("test_req_auth_type"))


@pytest.mark.parametrize("credentials", [None, "spam:wrong", "spam:eggs"])
def test_req_unauthorized(spec12_servers, credentials):
    headers = {}
    if credentials:
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    ours, oracle = spec12_servers.get("test_req_unauthorized", headers=headers)
    assert ours.status == oracle.status
    assert ours.header("WWW-Authenticate") == oracle.header("WWW-Authenticate")


@pytest.mark.parametrize("hint", [None, "30000", "32000"])
def test_req_readlines(spec12_servers, hint):
    lines = b"".join(bytes([ord("a") + n]) * 30000 + b"\n" for n in range(4))
    headers = {"SizeHint": hint} if hint else {}
    same(spec12_servers.get("test_req_readlines", headers=headers, body=lines, method="POST"))


def test_req_discard_request_body(spec12_servers):
    same(spec12_servers.get("test_req_discard_request_body", body=b"12345678901234567890"))


def test_req_update_mtime(spec12_servers):
    ours, oracle = spec12_servers.get("test_req_update_mtime")
    assert (ours.status, ours.body) == (oracle.status, oracle.body)
    for name in ("ETag", "Last-Modified"):
        assert (ours.header(name) is None) == (oracle.header(name) is None)


def test_postreadrequest(spec12_servers):
    same(spec12_servers.get("test_postreadrequest"))


def test_internal_checks_agree(spec12_servers):
    ours, oracle = spec12_servers.get("test_internal", "/internal.py")
    assert oracle.body.endswith(b"test ok")
    assert ours.body.decode().splitlines() == oracle.body.decode().splitlines()


def test_vhost_error_fname_without_error_log(spec12_servers):
    # Seen while running test_internal's server_members check on the oracle.
    same(spec12_servers.get("test_server_error_fname"))
