"""URL traversal: no spelling of ``..`` (raw, %-encoded, %2f, %5c, NUL, overlong UTF-8) nor a
Windows device name reaches a file outside the document root or an Alias target, whatever
serves the URL (static files, Alias, publisher, PSP, cgihandler, WSGIScriptAlias)."""

from __future__ import annotations

import pytest

from .conftest import raw_exchange, served_site, status_of

SECRET = "OUTSIDE-SECRET"

SITE_CONF = """
Alias /aliased "{docroot}/aliased"
WSGIScriptAlias /app "{docroot}/scripts/app.wsgi"
<Directory "{docroot}/pub">
    SetHandler mod_python
    PythonHandler mod_python.publisher
</Directory>
<Directory "{docroot}/pages">
    AddHandler mod_python .psp
    PythonHandler mod_python.psp
</Directory>
<Directory "{docroot}/cgi">
    SetHandler mod_python
    PythonHandler mod_python.cgihandler
</Directory>
"""

SITE_FILES = {
    "static/page.txt": "static page",
    "aliased/page.txt": "aliased page",
    "pub/pages.py": "def index(req):\n    return 'publisher index'\n",
    "pages/page.psp": "<%= 'psp page' %>",
    "cgi/script.py": "print('Content-Type: text/plain')\nprint()\nprint('cgi output')\n",
    "scripts/app.wsgi": (
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [environ['PATH_INFO'].encode('latin-1')]\n"
    ),
}

PREFIXES = ["/static", "/aliased", "/pub", "/pages", "/cgi", "/app"]

# Targets that climb out of the prefix's directory, as a client could spell them.
# Each is answered 400 (httpd: AH10244 invalid URI path) when the decoded path climbs above
# "/", and 404 when the climbing part is not a path separator to the file system.
CLIMBING = {
    "/../../outside.txt": 400,
    "/%2e%2e/%2e%2e/outside.txt": 400,
    "/.%2e/.%2e/outside.txt": 400,
    "/%2E%2E/%2E%2E/outside.txt": 400,
}
NOT_A_SEPARATOR = {
    "/..%2f..%2foutside.txt": 404,  # AllowEncodedSlashes Off: an encoded slash is a 404
    "/..%5c..%5coutside.txt": 404,  # a backslash is a file name character on POSIX
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/outside.txt": 404,  # overlong UTF-8 dots are not dots
    "/page.txt%00.html": 404,
}


@pytest.fixture(scope="module")
def served(tmp_path_factory, site_class):
    """One live site (shared by the module: the requests only read)."""
    root = tmp_path_factory.mktemp("traversal")
    (root / "outside.txt").write_text(SECRET)
    (root / "site").mkdir()
    (root / "site" / "outside.txt").write_text(SECRET)
    with served_site(
        site_class, root / "site", SITE_CONF, SITE_FILES, numthreads=2
    ) as site_and_url:
        yield site_and_url


def get(base: str, target: str) -> bytes:
    return raw_exchange(base, f"GET {target} HTTP/1.0\r\nHost: x\r\n\r\n".encode())


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("suffix, status", sorted({**CLIMBING, **NOT_A_SEPARATOR}.items()))
def test_climbing_out_never_serves_the_outside_file(served, prefix, suffix, status):
    site, base = served
    answer = get(base, prefix + suffix)
    assert SECRET.encode() not in answer
    if prefix == "/app" and suffix in NOT_A_SEPARATOR:
        # WSGIScriptAlias hands what follows the alias to the application as PATH_INFO
        # (a path that is not ISO-8859-1 text is test_non_latin1_path_... below).
        assert status_of(answer) in ((200, 500) if "%c0" in suffix else (200,))
    else:
        assert status_of(answer) == status


@pytest.mark.parametrize("prefix", ["/static", "/pub"])
def test_a_request_above_the_root_is_logged(served, prefix):
    site, base = served
    get(base, prefix + "/../../../outside.txt")
    assert "invalid URI path" in site.error_log


@pytest.mark.parametrize("name", ["CON", "nul", "AUX.txt", "com1", "LPT1", "page.txt::$DATA"])
def test_windows_device_names_are_plain_missing_files(served, name):
    site, base = served
    assert status_of(get(base, f"/static/{name}")) == 404


@pytest.mark.parametrize("prefix", ["/static", "/aliased"])
def test_static_files_are_still_served(served, prefix):
    site, base = served
    answer = get(base, prefix + "/page.txt")
    assert status_of(answer) == 200
    assert answer.endswith(b" page")


def test_dot_segments_inside_the_root_resolve_as_httpd_does(served):
    site, base = served
    answer = get(base, "/aliased/../static/./page.txt")
    assert status_of(answer) == 200
    assert answer.endswith(b"static page")


@pytest.mark.parametrize("target", ["/app/%e2%82%ac", "/app/%ff", "/cgi/script.py/%e2%82%ac"])
def test_non_latin1_path_reaches_wsgi_script_and_cgi(served, target):
    site, base = served
    assert status_of(get(base, target)) == 200
