"""WSGIScriptAlias and WSGIScriptAliasMatch: which script runs, with which SCRIPT_NAME and
PATH_INFO (the tables were read off the real Apache + mod_wsgi 4.9)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from script_samples import ENVIRON_SCRIPT, environ_of

ALIASES = """
WSGIScriptAlias /file {scripts}/env.wsgi
WSGIScriptAlias /dir/ {scripts}/dir/
WSGIScriptAlias /nodir {scripts}/dir
"""
KEYS = "?SCRIPT_NAME&PATH_INFO&SCRIPT_FILENAME"


@pytest.fixture
def site(wsgi_site):
    return wsgi_site(ALIASES, scripts={"env.wsgi": ENVIRON_SCRIPT, "dir/app.wsgi": ENVIRON_SCRIPT})


@pytest.mark.parametrize(
    "uri, script_name, path_info, script",
    [("/file", "/file", "", "env.wsgi"),
     ("/file/", "/file", "/", "env.wsgi"),
     ("/file/x", "/file", "/x", "env.wsgi"),
     ("/file//x", "/file", "/x", "env.wsgi"),
     ("/file/x/y/", "/file", "/x/y/", "env.wsgi"),
     ("/dir/app.wsgi", "/dir/app.wsgi", "", "dir/app.wsgi"),
     ("/dir/app.wsgi/", "/dir/app.wsgi", "/", "dir/app.wsgi"),
     ("/dir/app.wsgi/a/b", "/dir/app.wsgi", "/a/b", "dir/app.wsgi"),
     ("/nodir/app.wsgi/z", "/nodir/app.wsgi", "/z", "dir/app.wsgi")],
)  # fmt: skip
def test_script_name_and_path_info(site, uri, script_name, path_info, script):
    response = site.get(uri + KEYS)
    assert response.status == 200
    assert environ_of(response) == {
        "SCRIPT_NAME": repr(script_name),
        "PATH_INFO": repr(path_info),
        "SCRIPT_FILENAME": repr(str(site.scripts / script)),
    }


@pytest.mark.parametrize(
    "uri, status, logged",
    [("/filex", 404, "File does not exist"),
     ("/dir/", 403, "Attempt to invoke directory as WSGI application: {scripts}/dir/"),
     ("/dir/missing", 404, "Target WSGI script not found or unable to stat: "
                           "{scripts}/dir/missing"),
     ("/dir", 404, "File does not exist"),
     ("/nodir", 301, ""),
     ("/nodir/", 403, "Attempt to invoke directory as WSGI application")],
)  # fmt: skip
def test_what_is_not_a_script(site, uri, status, logged):
    response = site.get(uri)
    assert response.status == status
    assert logged.replace("{scripts}", str(site.scripts)) in site.error_log


def test_a_root_mount_gives_an_empty_script_name(wsgi_site):
    site = wsgi_site("WSGIScriptAlias / {scripts}/env.wsgi", scripts={"env.wsgi": ENVIRON_SCRIPT})
    for uri, path_info in (("/", "/"), ("/x", "/x"), ("/x/y", "/x/y")):
        assert environ_of(site.get(uri + KEYS))["PATH_INFO"] == repr(path_info)
        assert environ_of(site.get(uri + KEYS))["SCRIPT_NAME"] == "''"


def test_alias_match_substitutes_groups_and_keeps_the_rest_as_path_info(wsgi_site):
    site = wsgi_site(
        r"WSGIScriptAliasMatch ^/wsgi-scripts/([^/]+) {scripts}/$1.wsgi",
        scripts={"name.wsgi": ENVIRON_SCRIPT},
    )
    response = site.get("/wsgi-scripts/name/more/path" + KEYS)
    assert environ_of(response) == {
        "SCRIPT_NAME": "'/wsgi-scripts/name'",
        "PATH_INFO": "'/more/path'",
        "SCRIPT_FILENAME": repr(str(site.scripts / "name.wsgi")),
    }


def test_alias_match_to_a_missing_script_is_404(wsgi_site):
    site = wsgi_site(r"WSGIScriptAliasMatch ^/w/([^/]+) {scripts}/$1.wsgi", scripts={})
    assert site.get("/w/nothing").status == 404


def test_alias_options_set_group_and_callable(wsgi_site):
    script = ENVIRON_SCRIPT.replace("def application", "def app")
    site = wsgi_site(
        "WSGIScriptAlias /a {scripts}/a.wsgi application-group=shared callable-object=app",
        scripts={"a.wsgi": script},
    )
    values = environ_of(site.get("/a?mod_wsgi.application_group&mod_wsgi.callable_object"))
    assert values == {"mod_wsgi.application_group": "'shared'", "mod_wsgi.callable_object": "'app'"}


def test_alias_option_pass_authorization(wsgi_site):
    site = wsgi_site(
        "WSGIScriptAlias /a {scripts}/a.wsgi pass-authorization=On",
        scripts={"a.wsgi": ENVIRON_SCRIPT},
    )
    response = site.get("/a?HTTP_AUTHORIZATION", headers={"Authorization": "Basic eDp5"})
    assert environ_of(response) == {"HTTP_AUTHORIZATION": "'Basic eDp5'"}


@pytest.mark.parametrize(
    "line, message",
    [("WSGIScriptAlias /a /b bogus=1", "Invalid option to WSGIScriptAlias"),
     ("WSGIScriptAlias /a", "takes at least 2 arguments"),
     ("WSGIScriptAlias /a /b application-group=%{NOPE}", "Invalid name"),
     ("WSGIScriptAliasMatch ^/(a /b", "bad regular expression"),
     ("<Directory />\nWSGIScriptAlias /a /b\n</Directory>", "not allowed here")],
)  # fmt: skip
def test_bad_alias_lines_are_config_errors(make_site, line, message):
    with pytest.raises(Exception, match=message):
        make_site(line)


@pytest.mark.parametrize(
    "raw_path",
    ["/dir/../env.wsgi", "/dir/..%2fenv.wsgi", "/dir/%2e%2e/env.wsgi",
     "/dir/app.wsgi/../../env.wsgi", "/dir//..//env.wsgi", "/dir/app.wsgi%00"],
)  # fmt: skip
def test_no_way_out_of_a_directory_alias(site, raw_path):
    """A script beside the aliased directory is never reached through it."""
    path_info = unquote(raw_path)
    response = site.request("GET", raw_path, environ={"PATH_INFO": path_info})
    assert response.status in (400, 404)
    assert "SCRIPT_FILENAME" not in response.text
