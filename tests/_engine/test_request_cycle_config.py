"""Request-cycle behaviour the config engine switches on: symlinks, protocol limits,
access logs, DirectorySlash, and how Basic authentication meets PythonAuthenHandler."""

import base64
import os

from wsgi_client import call_engine

from httpdconf import Container, Directory, DocumentRoot, PythonHandler, ServerName, SetHandler
from mod_python._engine.app import Engine
from mod_python._engine.auth.passwords import md5_crypt

AUTHEN = """
from mod_python import apache

def authenhandler(req):
    req.user = "from-python"
    return apache.OK

def handler(req):
    req.content_type = "text/plain"
    req.write("user=%s" % req.user)
    return apache.OK
"""


def _basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_symlink_refused_without_followsymlinks(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            Options -FollowSymLinks
        </Directory>
        """,
        files={"real.txt": "data"},
    )
    os.symlink(site.docroot / "real.txt", site.docroot / "link.txt")
    assert site.get("/real.txt").status == 200
    assert site.get("/link.txt").status == 403
    assert "AH00037: Symbolic link not allowed" in site.error_log


def test_symlink_followed_by_default(make_site):
    site = make_site("", files={"real.txt": "data"})
    os.symlink(site.docroot / "real.txt", site.docroot / "link.txt")
    response = site.get("/link.txt")
    assert (response.status, response.body) == (200, b"data")


def test_request_line_over_the_limit_is_414(make_site):
    site = make_site("LimitRequestLine 60\n", files={"a.txt": "a"})
    assert site.get("/a.txt").status == 200
    assert site.get("/" + "b" * 80).status == 414


def test_too_many_header_fields_is_400_with_httpds_note(make_site):
    site = make_site("LimitRequestFields 3\n", files={"a.txt": "a"})
    response = site.get("/a.txt", headers={"A": "1", "B": "2", "C": "3"})
    assert response.status == 400
    assert b"The number of request header fields exceeds this server's limit." in response.body


def test_header_field_over_the_size_limit_is_400(make_site):
    site = make_site("LimitRequestFieldSize 100\n", files={"a.txt": "a"})
    assert site.get("/a.txt", headers={"X-Short": "a" * 50}).status == 200
    response = site.get("/a.txt", headers={"X-Long": "a" * 150})
    assert response.status == 400
    assert b"Size of a request header field exceeds server limit." in response.body


def test_custom_log_gets_one_line_per_request_and_reopens(make_site, tmp_path):
    log = tmp_path / "access_log"
    site = make_site(
        f'LogFormat "%U %>s %b" short\nCustomLog "{log}" short\n', files={"a.txt": "abc"}
    )
    site.get("/a.txt")
    missing = site.get("/missing")
    assert log.read_text() == f"/a.txt 200 3\n/missing 404 {len(missing.body)}\n"
    log.rename(tmp_path / "access_log.1")
    site.engine.reopen_logs()
    site.get("/a.txt")
    assert log.read_text() == "/a.txt 200 3\n"


def test_directory_slash_off_serves_no_redirect(make_site):
    site = make_site(
        """
        <Directory "{docroot}/dir">
            DirectorySlash Off
        </Directory>
        """,
        files={"dir/index.html": "i", "other/index.html": "o"},
    )
    assert site.get("/other").status == 301
    assert site.get("/dir").status != 301


def test_engine_from_httpdconf_objects(tmp_path):
    docroot = tmp_path / "htdocs"
    docroot.mkdir()
    (docroot / "objhello.py").write_text(AUTHEN)
    config = Container(
        ServerName("objects.test"),
        DocumentRoot(str(docroot)),
        Directory(str(docroot), SetHandler("mod_python"), PythonHandler("objhello")),
    )
    engine = Engine.from_config_objects(config, set_argv=False)
    response = call_engine(engine, "GET", "/objhello.py")
    assert (response.status, response.body) == (200, b"user=None")


def _auth_site(make_site, extra: str, tmp_path):
    (tmp_path / "htpasswd").write_text(f"alice:{md5_crypt(b'secret', b'salt1234').decode()}\n")
    return make_site(
        f"""
        <Directory "{{docroot}}">
            AuthType Basic
            AuthName "Realm"
            Require valid-user
            SetHandler mod_python
            PythonHandler authen
            {extra}
        </Directory>
        """.replace("HTPASSWD", str(tmp_path / "htpasswd")),
        files={"authen.py": AUTHEN},
    )


def test_python_authen_runs_when_no_auth_user_file(make_site, tmp_path):
    site = _auth_site(make_site, "PythonAuthenHandler authen", tmp_path)
    response = site.get("/authen.py", headers=_basic("bob", "x"))
    assert (response.status, response.body) == (200, b"user=from-python")


def test_auth_user_file_comes_before_python_authen(make_site, tmp_path):
    site = _auth_site(
        make_site, "AuthUserFile HTPASSWD\n            PythonAuthenHandler authen", tmp_path
    )
    assert site.get("/authen.py", headers=_basic("alice", "secret")).body == b"user=alice"
    response = site.get("/authen.py", headers=_basic("bob", "x"))
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="Realm"'


def test_non_authoritative_basic_lets_python_authenticate_unknown_users(make_site, tmp_path):
    site = _auth_site(
        make_site,
        "AuthUserFile HTPASSWD\n            AuthBasicAuthoritative Off\n"
        "            PythonAuthenHandler authen",
        tmp_path,
    )
    assert site.get("/authen.py", headers=_basic("bob", "x")).body == b"user=from-python"
    # A known user with a wrong password is still refused by mod_auth_basic.
    assert site.get("/authen.py", headers=_basic("alice", "wrong")).status == 401


def test_nobody_authenticating_is_a_500(make_site, tmp_path):
    site = make_site(
        """
        <Directory "{docroot}">
            Require valid-user
        </Directory>
        """,
        files={"a.txt": "a"},
    )
    assert site.get("/a.txt").status == 500
    assert "AH00027: No authentication done" in site.error_log
