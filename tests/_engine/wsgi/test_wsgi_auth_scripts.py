"""WSGIAuthUserScript (AuthBasicProvider wsgi), WSGIAuthGroupScript (Require wsgi-group) and
WSGIAccessScript, with the examples of mod_wsgi's access control documentation."""

from __future__ import annotations

import base64

import pytest

AUTH_SCRIPT = """
USERS = {"spy": "secret", "boss": "chief"}

def check_password(environ, user, password):
    if user == "renamed":
        return "someone-else"
    if user == "broken":
        raise RuntimeError("auth script failure")
    if user == "odd":
        return 42
    if user not in USERS:
        return None
    return USERS[user] == password

def groups_for_user(environ, user):
    return {"boss": ["managers", "staff"], "spy": ["staff"]}.get(user, [])

def allow_access(environ, host):
    return {"127.0.0.1": True, "10.9.9.9": False}.get(host)
"""

CONTENT = (
    "def application(e, s):\n    s('200 OK', [])\n    return [e.get('REMOTE_USER', '-').encode()]\n"
)


def basic(credentials: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


@pytest.fixture
def site(wsgi_site):
    return wsgi_site(
        """
        WSGIScriptAlias /private {scripts}/app.wsgi
        WSGIScriptAlias /managers {scripts}/app.wsgi
        WSGIScriptAlias /hosts {scripts}/app.wsgi
        <Location /private>
            AuthType Basic
            AuthName "Private"
            AuthBasicProvider wsgi
            WSGIAuthUserScript {scripts}/auth.wsgi
            Require valid-user
        </Location>
        <Location /managers>
            AuthType Basic
            AuthName "Managers"
            AuthBasicProvider wsgi
            WSGIAuthUserScript {scripts}/auth.wsgi
            WSGIAuthGroupScript {scripts}/auth.wsgi
            Require wsgi-group managers
        </Location>
        <Location /hosts>
            WSGIAccessScript {scripts}/auth.wsgi
        </Location>
        """,
        scripts={"app.wsgi": CONTENT, "auth.wsgi": AUTH_SCRIPT},
    )


@pytest.mark.parametrize(
    "credentials, status, body",
    [(None, 401, None),
     ("spy:secret", 200, b"spy"),
     ("spy:wrong", 401, None),
     ("nobody:x", 401, None),
     ("renamed:x", 200, b"someone-else"),
     ("broken:x", 500, None),
     ("odd:x", 500, None)],
)  # fmt: skip
def test_check_password(site, credentials, status, body):
    response = site.get("/private", headers=basic(credentials) if credentials else None)
    assert response.status == status
    if body is not None:
        assert response.body == body
    if status == 401:
        assert response.header("WWW-Authenticate") == 'Basic realm="Private"'


@pytest.mark.parametrize(
    "credentials, logged",
    [("spy:wrong", 'AH01617: user spy: authentication failure for "/private": Password Mismatch'),
     ("nobody:x", "AH01618: user nobody not found: /private"),
     ("broken:x", "RuntimeError: auth script failure")],
)  # fmt: skip
def test_check_password_log_lines(site, credentials, logged):
    site.get("/private", headers=basic(credentials))
    assert logged in site.error_log


@pytest.mark.parametrize(
    "credentials, status", [("boss:chief", 200), ("spy:secret", 401), ("boss:wrong", 401)]
)
def test_groups_for_user_with_require_wsgi_group(site, credentials, status):
    assert site.get("/managers", headers=basic(credentials)).status == status


@pytest.mark.parametrize(
    "remote, status", [("127.0.0.1", 200), ("10.9.9.9", 403), ("10.1.1.1", 200)]
)
def test_allow_access(site, remote, status):
    assert site.get("/hosts", environ={"REMOTE_ADDR": remote}).status == status


def test_a_denied_host_is_logged(site):
    site.get("/hosts", environ={"REMOTE_ADDR": "10.9.9.9"})
    assert "Client denied by server configuration: '" in site.error_log


def test_auth_scripts_run_in_the_global_group_unless_told(wsgi_site):
    script = "def check_password(environ, user, password):\n    return environ['mod_wsgi.application_group'] == password\n"
    conf = """
    WSGIScriptAlias /a {scripts}/app.wsgi
    <Location /a>
        AuthType Basic
        AuthName a
        AuthBasicProvider wsgi
        WSGIAuthUserScript {scripts}/auth.wsgi %s
        Require valid-user
    </Location>
    """
    default = wsgi_site(conf % "", scripts={"app.wsgi": CONTENT, "auth.wsgi": script})
    assert default.get("/a", headers=basic("u:")).status == 200
    named = wsgi_site(
        conf % "application-group=auth", scripts={"app.wsgi": CONTENT, "auth.wsgi": script}
    )
    assert named.get("/a", headers=basic("u:auth")).status == 200


def test_require_wsgi_group_without_a_group_script_is_refused(wsgi_site):
    site = wsgi_site(
        """
        WSGIScriptAlias /a {scripts}/app.wsgi
        <Location /a>
            AuthType Basic
            AuthName a
            AuthBasicProvider wsgi
            WSGIAuthUserScript {scripts}/auth.wsgi
            Require wsgi-group staff
        </Location>
        """,
        scripts={"app.wsgi": CONTENT, "auth.wsgi": AUTH_SCRIPT},
    )
    assert site.get("/a", headers=basic("spy:secret")).status == 401
    assert "No WSGIAuthGroupScript configured" in site.error_log


def test_file_and_wsgi_providers_are_tried_in_order(wsgi_site, tmp_path):
    from mod_python._engine.auth.passwords import md5_crypt

    users = tmp_path / "users"
    users.write_bytes(b"filer:" + md5_crypt(b"pw", b"saltsalt") + b"\n")
    site = wsgi_site(
        f"""
        WSGIScriptAlias /a {{scripts}}/app.wsgi
        <Location /a>
            AuthType Basic
            AuthName a
            AuthBasicProvider file wsgi
            AuthUserFile {users}
            WSGIAuthUserScript {{scripts}}/auth.wsgi
            Require valid-user
        </Location>
        """,
        scripts={"app.wsgi": CONTENT, "auth.wsgi": AUTH_SCRIPT},
    )
    assert site.get("/a", headers=basic("filer:pw")).body == b"filer"
    assert site.get("/a", headers=basic("spy:secret")).body == b"spy"
    assert site.get("/a", headers=basic("nobody:x")).status == 401
