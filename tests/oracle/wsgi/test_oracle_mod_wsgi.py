"""The same mod_wsgi configuration under real Apache + mod_wsgi 4.9 and under our engine:
status line, headers that matter, framing and body must agree (see ``comparable``)."""

from __future__ import annotations

import base64

import pytest

pytestmark = pytest.mark.oracle

ENV_KEYS = "SCRIPT_NAME&PATH_INFO&mod_wsgi.application_group&mod_wsgi.callable_object"


def basic(credentials: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


@pytest.mark.parametrize(
    "path",
    ["/file", "/file/", "/file/x", "/file//x", "/file/x/y/", "/filex", "/dir/",
     "/dir/app.wsgi", "/dir/app.wsgi/", "/dir/app.wsgi/a/b", "/dir/missing", "/dir",
     "/nodir", "/nodir/", "/nodir/app.wsgi/z", "/exec/a.wsgi", "/exec/a.wsgi/p", "/exec/",
     "/exec/missing.wsgi", "/noexec/a.wsgi", "/match/target", "/match/target/more/path",
     "/match/absent", "/other", "/grouped", "/named", "/envcallable", "/servergroup/x",
     "/added/a.wsgi/x", "/added/plain.txt"],
)  # fmt: skip
def test_script_mapping(mod_wsgi_servers, path):
    """Which script runs, SCRIPT_NAME/PATH_INFO, group and callable, and the error statuses."""
    mod_wsgi_servers.assert_same("GET", f"{path}?{ENV_KEYS}")


@pytest.mark.parametrize("path", ["/nocall", "/broken", "/responses/raise", "/responses/str"])
def test_script_errors(mod_wsgi_servers, path):
    mod_wsgi_servers.assert_same("GET", path)


@pytest.mark.parametrize(
    "path",
    ["/responses", "/responses/created", "/responses/length", "/responses/toolong",
     "/responses/notfound",
     "/responses/custom", "/responses/excinfo", "/responses/empty"],
)  # fmt: skip
def test_responses(mod_wsgi_servers, path):
    mod_wsgi_servers.assert_same("GET", path)


@pytest.mark.parametrize("path", ["/responses/length", "/responses"])
def test_head_request(mod_wsgi_servers, path):
    mod_wsgi_servers.assert_same("HEAD", path)


def test_request_body(mod_wsgi_servers):
    mod_wsgi_servers.assert_same("POST", "/responses/post", body=b"some body")


@pytest.mark.parametrize(
    "path", ["/file?HTTP_AUTHORIZATION", "/passauth?HTTP_AUTHORIZATION",
             "/passauth2?HTTP_AUTHORIZATION"],
)  # fmt: skip
def test_pass_authorization(mod_wsgi_servers, path):
    mod_wsgi_servers.assert_same("GET", path, headers=basic("a:b"))


def test_the_proxy_header_is_dropped(mod_wsgi_servers):
    mod_wsgi_servers.assert_same("GET", "/file?HTTP_PROXY&HTTP_X_OTHER",
                                 headers={"Proxy": "http://evil:1", "X-Other": "kept"})  # fmt: skip


PROXY_HEADERS = {
    "X-Forwarded-For": "203.0.113.9, 127.0.0.1",
    "X-Client-IP": "198.51.100.1",
    "X-Real-IP": "198.51.100.2",
    "X-Forwarded-Host": "public.example",
    "X-Forwarded-Proto": "https",
}
PROXY_KEYS = ("REMOTE_ADDR&HTTP_HOST&wsgi.url_scheme&HTTP_X_FORWARDED_FOR&HTTP_X_CLIENT_IP"
              "&HTTP_X_REAL_IP&HTTP_X_FORWARDED_HOST&HTTP_X_FORWARDED_PROTO")  # fmt: skip


@pytest.mark.parametrize("path", ["/file", "/proxied", "/untrusted"])
def test_trusted_proxy_headers(mod_wsgi_servers, path):
    """No WSGITrustedProxyHeaders: untouched; trusted client: applied, the rest removed;
    untrusted client: every proxy header removed, X-Client-IP included."""
    mod_wsgi_servers.assert_same("GET", f"{path}?{PROXY_KEYS}", headers=PROXY_HEADERS)


@pytest.mark.parametrize(
    "path, credentials",
    [("/private", None), ("/private", "spy:secret"), ("/private", "spy:wrong"),
     ("/private", "nobody:x"), ("/private", "broken:x"), ("/managers", "boss:chief"),
     ("/managers", "spy:secret")],
)  # fmt: skip
def test_auth_scripts(mod_wsgi_servers, path, credentials):
    headers = basic(credentials) if credentials else None
    mod_wsgi_servers.assert_same("GET", f"{path}?REMOTE_USER&AUTH_TYPE", headers=headers)


@pytest.mark.parametrize("answer", ["yes", "no", "none"])
def test_access_script(mod_wsgi_servers, answer):
    mod_wsgi_servers.assert_same("GET", "/hosts?SCRIPT_NAME", headers={"X-Let-Me-In": answer})


def test_chunked_request_body_needs_wsgi_chunked_request(mod_wsgi_servers):
    mod_wsgi_servers.assert_same("POST", "/responses/post", body=b"3\r\nabc\r\n0\r\n\r\n",
                                 headers={"Transfer-Encoding": "chunked"})  # fmt: skip


@pytest.mark.parametrize("path", ["/keys", "/keys/with/path/info?and=query"])
def test_the_environ_has_the_same_keys(mod_wsgi_servers, path):
    mod_wsgi_servers.assert_same("GET", path, headers={"Authorization": "Basic eDp5"})
