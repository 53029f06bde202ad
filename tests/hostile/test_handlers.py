"""What the bundled handlers refuse to show: SSI ``#include file=`` outside the page's
directory, publisher names starting with ``_`` and module internals, PSP source through the
``_`` debug suffix when PythonDebug is Off."""

from __future__ import annotations

import pytest

SSI_CONF = """
<Directory "{docroot}">
    Options +Includes
    AddOutputFilter INCLUDES .shtml
</Directory>
"""
SSI_ERROR = "[an error occurred while processing this directive]"


@pytest.mark.parametrize(
    "target",
    [
        "../secret.txt",
        "/etc/hostname",
        "sub/../../secret.txt",
        "..\\\\secret.txt",
        "%2e%2e/secret.txt",
    ],
)
def test_ssi_include_file_cannot_leave_the_page_directory(make_site, target):
    site = make_site(
        SSI_CONF,
        files={"pages/page.shtml": f'[<!--#include file="{target}" -->]', "secret.txt": "SECRET"},
    )
    response = site.get("/pages/page.shtml")
    assert response.status == 200
    assert response.text == f"[{SSI_ERROR}]"
    assert f'unable to include file "{target}"' in site.error_log


def test_ssi_include_file_below_the_page_directory_works(make_site):
    site = make_site(
        SSI_CONF,
        files={"page.shtml": '[<!--#include file="parts/part.txt" -->]', "parts/part.txt": "part"},
    )
    assert site.get("/page.shtml").text == "[part]"


PUBLISHER_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler mod_python.publisher
    PythonDebug Off
</Directory>
"""
PAGES = """
import os
_private = "PRIVATE"
secret_module = os

def index(req):
    return "index"

class Thing:
    _hidden = "HIDDEN"
    def show(self, req):
        return "shown"

thing = Thing()
"""


@pytest.mark.parametrize(
    "path",
    ["/pages.py/_private", "/pages.py/__dict__", "/pages.py/index/__globals__",
     "/pages.py/index/__code__", "/pages.py/thing/_hidden", "/pages.py/thing/__class__",
     "/pages.py/__builtins__", "/pages.py/thing/show/__self__"],
)  # fmt: skip
def test_publisher_refuses_underscore_names(make_site, path):
    site = make_site(PUBLISHER_CONF, files={"pages.py": PAGES})
    response = site.get(path)
    assert response.status == 403
    assert b"PRIVATE" not in response.body and b"HIDDEN" not in response.body
    assert "because it starts with an underscore" in site.error_log


@pytest.mark.parametrize(
    "path, reason",
    [("/pages.py/secret_module", "is not publishable"),
     ("/pages.py/secret_module/system", "is not a traversable object")],
)  # fmt: skip
def test_publisher_refuses_modules(make_site, path, reason):
    # A module is never published nor traversed into (SPEC 7.2: os.system stays out of reach).
    site = make_site(PUBLISHER_CONF, files={"pages.py": PAGES})
    assert site.get(path).status == 403
    assert reason in site.error_log


PSP_CONF = """
<Directory "{docroot}">
    AddHandler mod_python .psp .psp_
    PythonHandler mod_python.psp
    PythonDebug %s
</Directory>
"""
PSP_PAGE = "<% secret = 'SOURCE-ONLY' %>page"


def test_psp_debug_suffix_is_a_404_when_debug_is_off(make_site):
    site = make_site(PSP_CONF % "Off", files={"page.psp": PSP_PAGE})
    response = site.get("/page.psp_")
    assert response.status == 404
    assert b"SOURCE-ONLY" not in response.body


def test_psp_page_itself_never_shows_its_source(make_site):
    response = make_site(PSP_CONF % "Off", files={"page.psp": PSP_PAGE}).get("/page.psp")
    assert response.status == 200
    assert response.body == b"page"


def test_psp_debug_suffix_shows_source_only_when_debug_is_on(make_site):
    response = make_site(PSP_CONF % "On", files={"page.psp": PSP_PAGE}).get("/page.psp_")
    assert response.status == 200
    assert b"SOURCE-ONLY" in response.body


def test_ssi_echo_escapes_request_text(make_site):
    # mod_include's echo encodes as entities by default: a query or header cannot add markup.
    site = make_site(SSI_CONF, files={"echo.shtml": '[<!--#echo var="QUERY_STRING" -->]'
                                                    '[<!--#echo var="HTTP_USER_AGENT" -->]'})  # fmt: skip
    response = site.get('/echo.shtml?<script>x"', headers={"User-Agent": "<script>ua"})
    assert response.text == "[&lt;script&gt;x&quot;][&lt;script&gt;ua]"


@pytest.mark.parametrize(
    "target", ["/../../etc/hostname", "../../../etc/hostname", "/%2e%2e/%2e%2e/etc/hostname"]
)
def test_ssi_include_virtual_cannot_leave_the_document_root(make_site, target):
    site = make_site(SSI_CONF, files={"page.shtml": f'[<!--#include virtual="{target}" -->]'})
    assert site.get("/page.shtml").text == f"[{SSI_ERROR}]"
    assert "unable to include" in site.error_log


AUTH_CONF = """
<Directory "{docroot}/pub">
    SetHandler mod_python
    PythonHandler mod_python.publisher
</Directory>
<Directory "{docroot}/basic">
    AuthType Basic
    AuthName "area"
    AuthUserFile "{docroot}/../htpasswd"
    Require valid-user
</Directory>
"""
AUTH_FILES = {
    "pub/page.py": "def __auth__(req, user, passwd):\n    return (user, passwd) == ('a', 'b')\n"
    "def index(req):\n    return 'inside'\n",
    "basic/page.txt": "inside",
}


@pytest.mark.parametrize(
    "authorization, publisher_status, basic_status",
    [("Basic !!!!", 400, 401),  # not base64
     ("Basic QQ==", 400, 401),  # no colon
     ("Basic", 400, 401),
     ("Basic /w==", 400, 401),  # not UTF-8
     ("Digest x", 401, 401),
     ("Basic YTpiOmM=", 401, 401),  # a / "b:c": the password keeps its colon
     ("Basic " + "A" * 9000, 400, 400)],  # beyond LimitRequestFieldSize
)  # fmt: skip
def test_malformed_authorization_is_refused_cleanly(make_site, authorization, publisher_status,
                                                   basic_status):  # fmt: skip
    site = make_site(AUTH_CONF, files=AUTH_FILES)
    (site.root / "htpasswd").write_text("a:$apr1$placeholder$xxxxxxxxxxxxxxxxxxxxxx\n")
    publisher = site.get("/pub/page.py", headers={"Authorization": authorization})
    basic = site.get("/basic/page.txt", headers={"Authorization": authorization})
    assert (publisher.status, basic.status) == (publisher_status, basic_status)
    assert b"inside" not in publisher.body + basic.body
    assert b"Traceback" not in publisher.body + basic.body
