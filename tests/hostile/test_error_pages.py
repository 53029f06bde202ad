"""Error pages never leak: with PythonDebug Off no traceback, file path or exception text
reaches the client from any kind of handler; with PythonDebug On the traceback is shown with
everything taken from the request HTML-escaped."""

from __future__ import annotations

import html
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MARKER = "LEAKED-<b>marker</b>"

SITE_CONF = """
PythonPath "sys.path + [r'{docroot}/lib']"
WSGIScriptAlias /script "{docroot}/lib/broken.wsgi"
<Directory "{docroot}">
    PythonDebug %(debug)s
</Directory>
<Directory "{docroot}/handler">
    SetHandler mod_python
    PythonHandler broken
</Directory>
<Directory "{docroot}/pub">
    SetHandler mod_python
    PythonHandler mod_python.publisher
</Directory>
<Directory "{docroot}/psp">
    AddHandler mod_python .psp
    PythonHandler mod_python.psp
</Directory>
<Directory "{docroot}/ssi">
    Options +Includes
    AddOutputFilter INCLUDES .shtml
</Directory>
<Directory "{docroot}/filtered">
    PythonOutputFilter brokenfilter BROKEN
    SetOutputFilter BROKEN
</Directory>
<Directory "{docroot}/wsgi">
    SetHandler mod_python
    PythonHandler mod_python.wsgi
    PythonOption mod_python.wsgi.application brokenapp
</Directory>
<Directory "{docroot}/cgi">
    SetHandler mod_python
    PythonHandler mod_python.cgihandler
</Directory>
"""
RAISE = f"raise ValueError({MARKER!r})"
SITE_FILES = {
    "lib/broken.py": f"def handler(req):\n    {RAISE}\n",
    "pub/page.py": f"def index(req):\n    {RAISE}\n",
    "psp/runtime.psp": f"<% {RAISE} %>",
    "psp/syntax.psp": f"<% if ( %>{MARKER}",
    "ssi/page.shtml": f'[<!--#python exec="{RAISE}" -->]',
    "filtered/page.txt": "body",
    "lib/brokenfilter.py": f"def outputfilter(filter):\n    {RAISE}\n",
    "lib/brokenapp.py": f"def application(environ, start_response):\n    {RAISE}\n",
    "lib/broken.wsgi": f"def application(environ, start_response):\n    {RAISE}\n",
    "cgi/script.py": f"{RAISE}\n",
    "handler/placeholder.txt": "",  # the directories must exist for <Directory> to apply
    "wsgi/placeholder.txt": "",
}
PAGES = {
    "/handler/x": 500,
    "/pub/page.py": 500,
    "/psp/runtime.psp": 500,
    "/psp/syntax.psp": 500,
    "/ssi/page.shtml": 200,  # an SSI error is the error marker inside the page
    "/filtered/page.txt": 200,  # a broken output filter loses the body (as in mod_python)
    "/wsgi/x": 500,
    "/script": 500,
    "/cgi/script.py": 500,
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory, site_class):
    import io

    root = tmp_path_factory.mktemp("errors")
    return {
        debug: site_class(root / debug, SITE_CONF % {"debug": debug}, SITE_FILES, io.StringIO())
        for debug in ("Off", "On")
    }


@pytest.mark.parametrize("path, status", sorted(PAGES.items()))
def test_debug_off_error_page_leaks_nothing(sites, path, status):
    site = sites["Off"]
    response = site.get(path)
    assert response.status == status
    for leak in (b"Traceback", b"LEAKED", b"marker", str(site.root).encode(), b".py"):
        assert leak not in response.body


@pytest.mark.parametrize("path", sorted(PAGES))
def test_debug_off_error_is_in_the_error_log(sites, path):
    site = sites["Off"]
    site.get(path)
    assert MARKER in site.error_log or "invalid syntax" in site.error_log


@pytest.mark.parametrize("path", ["/handler/x", "/pub/page.py", "/psp/runtime.psp"])
def test_debug_on_traceback_escapes_the_exception_text(sites, path):
    response = sites["On"].get(path)
    assert response.status == 500
    assert b"Traceback" in response.body
    assert html.escape(MARKER).encode() in response.body
    assert MARKER.encode() not in response.body


ECHO_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler raiser
    PythonDebug On
</Directory>
"""
RAISER = """
from mod_python import util

def handler(req):
    raise ValueError(util.parse_qs(req.args)["message"][0])
"""


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=st.text(alphabet="<>&\"'ab/ ", min_size=1, max_size=30))
def test_debug_on_page_never_shows_request_text_unescaped(make_site, message):
    site = make_site(ECHO_CONF, files={"raiser.py": RAISER})
    response = site.get("/raiser.py?message=" + quote(message, safe=""))
    assert response.status == 500
    assert f"ValueError: {html.escape(message)}\n".encode() in response.body
    if set(message) & set("<>&\"'"):
        assert f"ValueError: {message}\n".encode() not in response.body


@pytest.mark.parametrize(
    "path, status",
    [("/<script>alert(1)</script>", 404),
     ("/handler/<script>alert(1)</script>", 500),  # the broken handler's 500
     ('/missing"onmouseover="x', 404)],
)  # fmt: skip
def test_error_page_does_not_reflect_the_url(sites, path, status):
    response = sites["Off"].get(path)
    assert response.status == status
    assert b"<script>" not in response.body and b"onmouseover" not in response.body


def test_redirect_body_escapes_the_location(make_site):
    site = make_site(
        ECHO_CONF.replace("raiser", "mover").replace("On", "Off"),
        files={"mover.py": "from mod_python import util\n"
               "def handler(req):\n    util.redirect(req, '/next?a=\"><script>x')\n"},
    )  # fmt: skip
    response = site.get("/mover.py")
    assert response.status == 302
    assert b"<script>" not in response.body
    assert b"&quot;&gt;&lt;script&gt;" in response.body
