"""``PythonHandler mod_python.psp`` (SPEC 8.3) and SPEC 12.2's PSP tests, in process."""

from __future__ import annotations

import os
import re

PSPTEST = '<%\nif 1:\n    req.write("t")\n%>est<%\nelse:\n    req.write("BAD")\n# end\n%> ok\n'

PSP_PARSER = (
    "test:\\n:<%= '\\\\n' %>$\n"
    "test:\\r\\n:<%= '\\\\r\\\\n' %>$\n"
    "test:\\t:<%= '\\\\t' %>$\n"
    'test:"quoted":<%= \'"quoted"\' %>$\n'
    "<%\nreq.write('test:\\\\\\\\n:\\\\\\\\n$\\n')\n%>\n"
)

PSPTEST_MAIN = (
    "<%\npsp.set_error_page('psptest_fail.psp')\nsession['x'] = 1\n"
    "req.write('okay')\nraise ValueError('on purpose')\n%>"
)
PSPTEST_FAIL = "<%\ns = session\nreq.write(' fail')\n%>"


def test_psphandler_indentation_carries_into_text(psp_site):
    response = psp_site({"psptest.psp": PSPTEST}).get("/psptest.psp")
    assert response.body == b"test ok\n"


def test_psp_parser_escapes(psp_site):
    body = psp_site({"psp_parser.psp": PSP_PARSER}).get("/psp_parser.psp").text
    checks = re.findall(r"test:(.*?):(.*?)\$", body)
    assert len(checks) == 5
    assert all(expected == actual for expected, actual in checks)


def test_psp_error_hands_over_to_the_error_page_with_the_session(psp_site):
    site = psp_site({"psptest_main.psp": PSPTEST_MAIN, "psptest_fail.psp": PSPTEST_FAIL})
    response = site.get("/psptest_main.psp")
    assert response.status == 200
    assert response.body.split() == [b"okay", b"fail"]


def test_pages_are_html(psp_site):
    response = psp_site({"page.psp": "x"}).get("/page.psp")
    assert response.header("Content-Type") == "text/html"


def test_missing_page_is_not_found(psp_site):
    assert psp_site({}).get("/absent.psp").status == 404


def test_output_is_not_flushed_so_the_page_has_a_length(psp_site):
    response = psp_site({"page.psp": "<% req.write('a', 0) %>b" * 3}).get("/page.psp")
    assert response.header("Content-Length") == "6"
    assert response.chunks == [b"ababab"]


def test_debug_view_with_python_debug_on(psp_site):
    response = psp_site({"page.psp": "secret <%= 1 %>"}, debug="On").get("/page.psp_")
    assert response.status == 200
    assert "PSP-produced Python Code:" in response.text
    assert "secret&nbsp;&lt;%=&nbsp;1&nbsp;%&gt;" in response.text


def test_no_debug_view_without_python_debug(psp_site):
    response = psp_site({"page.psp": "secret <%= 1 %>"}, debug="Off").get("/page.psp_")
    assert response.status == 404
    assert b"secret" not in response.body


def test_errors_without_python_debug_show_no_traceback(psp_site):
    site = psp_site({"page.psp": "<%\nraise ValueError('hidden detail')\n%>"}, debug="Off")
    response = site.get("/page.psp")
    assert response.status == 500
    assert b"hidden detail" not in response.body and b"Traceback" not in response.body
    assert "hidden detail" in site.error_log


def test_syntax_error_in_a_page_is_a_server_error_with_its_line(psp_site):
    site = psp_site({"page.psp": "line one\n<%\nx = = 1\n%>"}, debug="Off")
    assert site.get("/page.psp").status == 500
    assert 'page.psp", line 3' in site.error_log


def test_include_cycle_is_a_server_error(psp_site):
    site = psp_site({"page.psp": '<%@ include file="page.psp" %>'}, debug="Off")
    assert site.get("/page.psp").status == 500
    assert "include cycle" in site.error_log


def test_unicode_page_is_served_as_utf8(psp_site):
    response = psp_site({"page.psp": "café <%= '€' %>"}).get("/page.psp")
    assert response.body == "café €".encode()


# ---- the handler's shortcut for a page already in the memory cache --------------------------


def bump_mtime(path, seconds: float = 10) -> None:
    stat = os.stat(path)
    os.utime(path, (stat.st_atime, stat.st_mtime + seconds))


def test_a_page_changed_on_disk_is_served_anew(psp_site):
    site = psp_site({"page.psp": "old <%= 1 %>"})
    assert site.get("/page.psp").body == b"old 1"
    assert site.get("/page.psp").body == b"old 1"  # from the cache
    bump_mtime(site.write("page.psp", "new <%= 2 %>"))
    assert site.get("/page.psp").body == b"new 2"


def test_an_include_changed_on_disk_is_served_anew(psp_site):
    site = psp_site({"page.psp": '<%@ include file="part.inc" %>!', "part.inc": "old"})
    assert site.get("/page.psp").body == b"old!"
    bump_mtime(site.write("part.inc", "new"))
    assert site.get("/page.psp").body == b"new!"


def test_a_page_removed_after_being_cached_is_not_found(psp_site):
    site = psp_site({"page.psp": "here"})
    assert site.get("/page.psp").body == b"here"
    (site.docroot / "page.psp").unlink()
    assert site.get("/page.psp").status == 404


REDIRECTING_FIXUP = """\
from mod_python import apache

def fixuphandler(req):
    req.filename = req.filename.replace("first", "second")
    return apache.OK
"""


def test_a_request_filename_changed_by_an_earlier_handler_is_the_page_run(make_site):
    conf = """
<Directory "{docroot}">
    AddHandler mod_python .psp
    PythonHandler mod_python.psp
    PythonFixupHandler moved
</Directory>
"""
    site = make_site(conf, {"first.psp": "first", "second.psp": "second",
                            "moved.py": REDIRECTING_FIXUP})  # fmt: skip
    for _ in range(2):  # the second time with both pages compiled
        assert site.get("/first.psp").body == b"second"
        assert site.get("/second.psp").body == b"second"
