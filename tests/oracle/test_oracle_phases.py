"""Handlers of the other phases, authentication, added handlers, internal redirects."""

from __future__ import annotations

import base64

import pytest

pytestmark = pytest.mark.oracle


def basic(credentials: bytes) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(credentials).decode("ascii")}


def test_stacked_access_authen_authz_fixup_handlers_run_in_order(servers):
    ours, _ = servers.assert_same("GET", "/phases", headers=basic(b"someone:secret"))
    body = ours.body.decode()
    assert "access_one:PythonAccessHandler', 'access_two:" in body
    assert "authen_never" not in body  # Authen stops at the first OK
    assert "fixup_ok_again:PythonFixupHandler" in body


def test_authen_handler_returning_unauthorized_asks_for_credentials(servers):
    ours, _ = servers.assert_same("GET", "/authen_unauthorized")
    assert ours.status == 401
    assert ours.header("WWW-Authenticate") == 'Basic realm="Oracle Realm"'


@pytest.mark.parametrize(
    "headers",
    [basic(b"spam:eggs"), basic(b"spam:wrong"), {}, {"Authorization": "Digest xyz"}],
    ids=["good", "bad-password", "no-header", "not-basic"],
)
def test_authen_handler_with_get_basic_auth_pw(servers, headers):
    ours, _ = servers.assert_same("GET", "/authen_password", headers=headers)
    if headers == basic(b"spam:eggs"):
        assert ours.status == 200 and b"user='spam'" in ours.body
    else:
        assert ours.status == 401


@pytest.mark.parametrize(
    "headers",
    [basic(b"spam:eggs"), basic("sp\xe1m:\xe9ggs".encode("latin-1")), basic(b"nocolon"), {}],
    ids=["ascii", "latin1", "no-colon", "no-header"],
)
def test_get_basic_auth_pw_in_the_content_handler(servers, headers):
    servers.assert_same("GET", "/basic_auth_pw", headers=headers)


def test_add_handler_to_the_running_phase(servers):
    ours, _ = servers.assert_same("GET", "/add_same_phase")
    assert ours.body == (
        b"first\nadded handler sees 'from the first handler' in phase 'PythonHandler'\n"
    )


def test_add_handler_from_fixup_to_the_content_phase(servers):
    ours, _ = servers.assert_same("GET", "/add_later_phase")
    assert b"from the fixup" in ours.body


def test_fixup_sets_the_handler_and_adds_the_content_handler(servers):
    ours, _ = servers.assert_same("GET", "/handler_set_in_fixup")
    assert b"handler set in fixup" in ours.body


def test_internal_redirect(servers):
    ours, _ = servers.assert_same("GET", "/internal_redirect_from?orig=1")
    assert b"uri='/internal_redirect_to' args='x=1&y=2'" in ours.body
