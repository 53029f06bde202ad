"""``PythonHandler mod_python.wsgi`` under real mod_python 3.5 and under our engine.

Two places where we differ on purpose are left out here and tested in
tests/test_wsgi_handler.py: a non-200 status from start_response (mod_python sets only
status_line, which httpd 2.4 then discards, so every response is 200: SPEC 13), and
PATH_INFO, which we always put in the environ (mod_python leaves it out when empty).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.oracle

KEYS = "SCRIPT_NAME&PATH_INFO&QUERY_STRING&REQUEST_METHOD&wsgi.url_scheme&wsgi.version"


@pytest.mark.parametrize(
    "path",
    ["/x/y", "/tests.py", "/loc/", "/loc/a/b", "/locx", "/based/deeper/here",
     "/based/deeper/"],
)  # fmt: skip
def test_environ(mod_python_wsgi_servers, path):
    mod_python_wsgi_servers.assert_same("GET", f"{path}?{KEYS}")


@pytest.mark.parametrize(
    "path", ["/streamed", "/sized", "/failing", "/missing", "/excinfo", "/generator"]
)
def test_responses(mod_python_wsgi_servers, path):
    mod_python_wsgi_servers.assert_same("GET", path)


def test_head(mod_python_wsgi_servers):
    mod_python_wsgi_servers.assert_same("HEAD", "/sized")


def test_request_body(mod_python_wsgi_servers):
    mod_python_wsgi_servers.assert_same(
        "POST", "/posted", body=b"a=1&b=2",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip


def test_authorization_reaches_the_application(mod_python_wsgi_servers):
    mod_python_wsgi_servers.assert_same(
        "GET", "/x?HTTP_AUTHORIZATION", headers={"Authorization": "Basic eDp5"}
    )


def test_a_base_uri_that_does_not_match_declines(mod_python_wsgi_servers):
    mod_python_wsgi_servers.assert_same("GET", "/based/elsewhere")


def test_the_environ_has_the_same_keys_but_three(mod_python_wsgi_servers):
    """PEP 3333's wsgi.run_once and wsgi.file_wrapper are ours only; mod_python's has
    SCRIPT_FILENAME = None under a <Location> (httpd adds r->filename, NULL there), which
    we leave out: an environ value must be a string."""
    ours, oracle = mod_python_wsgi_servers.exchange("GET", "/keys/x")
    added = {"wsgi.run_once", "wsgi.file_wrapper"}
    expected = set(oracle.body.decode().split("\n")) - {"SCRIPT_FILENAME"}
    assert set(ours.body.decode().split("\n")) - added == expected
