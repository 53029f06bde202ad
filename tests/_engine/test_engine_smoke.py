"""The engine serves a handler end to end: in-process and over a real socket."""

import urllib.request

HELLO = """
from mod_python import apache

def handler(req):
    req.content_type = "text/plain"
    req.write("hello")
    return apache.OK
"""

CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler hello
</Directory>
"""


def test_handler_answers_in_process(make_site):
    site = make_site(CONF, {"hello.py": HELLO})
    response = site.get("/hello.py")
    assert (response.status, response.body) == (200, b"hello")
    assert response.header("Content-Type") == "text/plain"


def test_handler_answers_over_a_socket(make_site, live_server):
    site = make_site(CONF, {"hello.py": HELLO})
    base = live_server(site)
    with urllib.request.urlopen(base + "/hello.py", timeout=10) as reply:
        assert reply.status == 200
        assert reply.read() == b"hello"
        assert reply.headers["Content-Type"] == "text/plain"
