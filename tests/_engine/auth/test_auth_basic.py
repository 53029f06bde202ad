"""authenticate_basic: mod_auth_basic + mod_authn_file outcomes and Apache's log lines."""

from __future__ import annotations

import base64

import pytest

from mod_python._engine.auth import (
    AuthFileCache,
    AuthnStatus,
    authenticate_basic,
    basic_challenge,
    passwords,
)

HTPASSWD = (
    b"# made with htpasswd\n"
    b"alice:$2y$04$pNVkvEL03R1CfbQeQYM7ruQa3iYlmA0tLseNEhTcXel1KfxTYCdBG\n"  # open sesame
    b"bob:$apr1$GqoGwe3d$Y2od3ybaFta/TrG0uIoLF.\n"  # open sesame
    b"dave:W3QrM5jt0LzNQ\n"  # open sesame, DES
)


def basic(user_password: str) -> str:
    return "Basic " + base64.b64encode(user_password.encode()).decode()


@pytest.fixture
def user_file(tmp_path):
    path = tmp_path / ".htpasswd"
    path.write_bytes(HTPASSWD)
    return str(path)


def login(header, user_file):
    return authenticate_basic(header, user_file, uri="/private/", cache=AuthFileCache())


def test_right_password_authenticates(user_file):
    result = login(basic("bob:open sesame"), user_file)
    assert (result.status, result.user, result.http_status, result.message) == (
        AuthnStatus.GRANTED, "bob", None, None,
    )  # fmt: skip


def test_no_header_is_401_without_a_log_line(user_file):
    result = login(None, user_file)
    assert (result.status, result.http_status, result.message) == (
        AuthnStatus.NO_CREDENTIALS, 401, None,
    )  # fmt: skip


def test_wrong_scheme(user_file):
    result = login("Digest abc", user_file)
    assert result.http_status == 401
    assert result.message == "AH01614: client used wrong authentication scheme: /private/"


def test_unknown_user(user_file):
    result = login(basic("zoe:x"), user_file)
    assert (result.status, result.user, result.http_status) == (
        AuthnStatus.USER_NOT_FOUND, "zoe", 401,
    )  # fmt: skip
    assert result.message == "AH01618: user zoe not found: /private/"


def test_wrong_password(user_file):
    result = login(basic("alice:nope"), user_file)
    assert (result.status, result.user, result.http_status) == (
        AuthnStatus.PASSWORD_MISMATCH, "alice", 401,
    )  # fmt: skip
    assert result.message == (
        'AH01617: user alice: authentication failure for "/private/": Password Mismatch'
    )


def test_header_without_colon_is_a_password_mismatch(user_file):
    result = login("Basic " + base64.b64encode(b"alice").decode(), user_file)
    assert result.status is AuthnStatus.PASSWORD_MISMATCH


def test_unreadable_file_is_500(tmp_path):
    missing = str(tmp_path / "missing")
    result = login(basic("alice:open sesame"), missing)
    assert (result.status, result.http_status) == (AuthnStatus.FILE_ERROR, 500)
    assert result.message == f"AH01620: Could not open password file: {missing}"


def test_no_user_file_configured_is_500():
    result = authenticate_basic(basic("alice:x"), None, uri="/")
    assert result.http_status == 500


def test_crypt_hash_without_crypt_is_500(user_file, monkeypatch):
    monkeypatch.setattr(passwords, "_system_crypt", lambda: None)
    result = login(basic("dave:open sesame"), user_file)
    assert (result.status, result.http_status) == (AuthnStatus.UNSUPPORTED_HASH, 500)
    assert "crypt" in result.message and user_file in result.message


def test_basic_challenge():
    assert basic_challenge("Members only") == 'Basic realm="Members only"'
    assert basic_challenge(None) == 'Basic realm=""'
