"""util.redirect: status, Location, body, DONE, and locations it refuses."""

from __future__ import annotations

import pytest

from mod_python import util

REDIRECTING_FIXUP = """
<Directory "{docroot}">
  SetHandler mod_python
  PythonFixupHandler redir
  PythonHandler redir
  PythonOption target "%s"
  PythonDebug Off
</Directory>
"""

HANDLERS = """
from mod_python import apache, util

def fixuphandler(req):
    opts = req.get_options()
    util.redirect(req, opts["target"], permanent=int(opts.get("permanent", "0")),
                  text=opts.get("text"))
    return apache.OK

def handler(req):
    req.write("content handler ran")
    return apache.OK
"""


def site_redirecting_to(make_site, target: str, extra: str = ""):
    conf = REDIRECTING_FIXUP % target
    conf = conf.replace("</Directory>", extra + "</Directory>")
    return make_site(conf, files={"redir.py": HANDLERS})


def test_util_redirect_from_a_fixup_stops_the_request(make_site):
    site = site_redirecting_to(make_site, "/dummy", 'PythonOption text "test ok"\n')
    response = site.get("/redir.py")
    assert response.status == 302
    assert response.header("Location") == "/dummy"
    assert response.body == b"test ok"


def test_permanent_redirect_is_301_with_the_default_page(make_site):
    site = site_redirecting_to(make_site, "/new?a=1&b=2", "PythonOption permanent 1\n")
    response = site.get("/redir.py")
    assert response.status == 301
    assert response.body == b'<p>The document has moved <a href="/new?a=1&amp;b=2">here</a></p>\n'


def test_absolute_urls_to_other_sites_are_allowed(make_site):
    response = site_redirecting_to(make_site, "https://example.org/x").get("/redir.py")
    assert (response.status, response.header("Location")) == (302, "https://example.org/x")


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", " //evil.example/"])
def test_scheme_relative_locations_are_refused(make_site, target):
    site = site_redirecting_to(make_site, target)
    response = site.get("/redir.py")
    assert response.status == 500
    assert response.header("Location") is None
    assert "scheme-relative" in site.error_log


class _SentRequest:
    sent_bodyct = 1


def test_redirect_after_the_body_started_is_an_error():
    with pytest.raises(OSError, match="headers have already been sent"):
        util.redirect(_SentRequest(), "/x")


def test_location_must_be_str():
    with pytest.raises(TypeError, match="location must be of type str"):
        util.redirect(_SentRequest(), b"/x")


@pytest.mark.parametrize("target", ["/a\r\nSet-Cookie: x=1", "/a\nb", "/a\x00", "/a\x7f"])
def test_control_characters_are_refused(target):
    class Fresh:
        sent_bodyct = 0

    with pytest.raises(ValueError, match="control character"):
        util.redirect(Fresh(), target)
