"""What a request may plant outside the response: control characters in the error log
(forged entries, terminal escapes; cf. CVE-2003-0020) and a ``Proxy:`` header turned into
HTTP_PROXY for CGI-style code (httpoxy, CVE-2016-5385 and relatives)."""

from __future__ import annotations

import re

import pytest

from mod_python._engine.logs import ErrorLog


@pytest.mark.parametrize(
    "path, escaped",
    [("/missing\rforged", "/missing\\x0dforged"),
     ("/missing\x1b[2Jclear", "/missing\\x1b[2Jclear"),
     ("/missing\x00nul", "/missing\\x00nul"),
     ("/missing\x7fdel", "/missing\\x7fdel")],
)  # fmt: skip
def test_control_characters_from_the_url_are_escaped_in_the_error_log(make_site, path, escaped):
    site = make_site()
    assert site.get(path).status == 404
    assert escaped in site.error_log
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", site.error_log)


def test_newline_from_the_url_cannot_forge_a_bare_log_entry(make_site):
    site = make_site()
    site.get("/missing\n[Mon Jan 01 00:00:00 2024] [core:emerg] forged")
    lines = site.error_log.splitlines()
    forged = [line for line in lines if "forged" in line]
    assert forged and all(re.match(r"\[\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{6} \d{4}\] \[mod_python:", line)
                          for line in forged)  # fmt: skip


def test_error_log_keeps_tabs_and_text(tmp_path):
    log = ErrorLog(str(tmp_path / "error_log"))
    log.write("tab\there é")
    log.close()
    assert (tmp_path / "error_log").read_text(encoding="utf-8").endswith("tab\there é\n")


HTTPOXY_CONF = """
PythonPath "sys.path + [r'{docroot}/lib']"
WSGIScriptAlias /script "{docroot}/lib/env.wsgi"
<Directory "{docroot}/cgi">
    SetHandler mod_python
    PythonHandler mod_python.cgihandler
</Directory>
<Directory "{docroot}/vars">
    SetHandler mod_python
    PythonHandler cgivars
</Directory>
<Directory "{docroot}/wsgi">
    SetHandler mod_python
    PythonHandler mod_python.wsgi
    PythonOption mod_python.wsgi.application envapp
</Directory>
"""
SHOW_PROXY_APP = (
    "def application(environ, start_response):\n"
    "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
    "    return [repr(environ.get('HTTP_PROXY')).encode()]\n"
)
HTTPOXY_FILES = {
    "cgi/show.py": "import os\nprint('Content-Type: text/plain')\nprint()\n"
                   "print(repr(os.environ.get('HTTP_PROXY')), end='')\n",
    "lib/env.wsgi": SHOW_PROXY_APP,
    "lib/envapp.py": SHOW_PROXY_APP,
    "lib/cgivars.py": "from mod_python import apache\n\ndef handler(req):\n"
                      "    req.add_common_vars()\n    req.add_cgi_vars()\n"
                      "    req.write(repr(req.subprocess_env.get('HTTP_PROXY')))\n"
                      "    return apache.OK\n",
    "vars/placeholder.txt": "",
    "wsgi/placeholder.txt": "",
}  # fmt: skip


@pytest.mark.parametrize("path", ["/cgi/show.py", "/script", "/vars/x", "/wsgi/x"])
def test_proxy_header_never_becomes_http_proxy(make_site, path):
    site = make_site(HTTPOXY_CONF, files=HTTPOXY_FILES)
    response = site.get(path, headers={"Proxy": "http://attacker.example:8080"})
    assert (response.status, response.body) == (200, b"None")
