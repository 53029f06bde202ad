"""``PythonHandler mod_python.testhandler``: the diagnostic page (SPEC 9.5)."""

from __future__ import annotations

import re

import pytest

TEST_PAGE_CONF = """
ErrorLog {docroot}/logs/test_error_log
<Location /testpage>
    SetHandler mod_python
    PythonHandler mod_python.testhandler
    PythonOption page.option page-value
</Location>
"""

SECTIONS = [
    "General information",
    "Request input headers",
    "Request environment",
    "Request configuration",
    "Request options",
    "Request notes",
    "Server configuration",
    "Server options",
    "Server configuration tree",
]

GENERAL_ROWS = [
    "Apache version",
    "Apache threaded MPM",
    "Apache forked MPM",
    "Apache server root",
    "Apache document root",
    "Apache error log",
    "Python sys.version",
    "Python sys.path",
    "Python interpreter name",
    "mod_python.publisher available",
    "mod_python.psp available",
]


@pytest.fixture
def page_site(make_site):
    return make_site(TEST_PAGE_CONF)


def _general_rows(body: str) -> dict[str, str]:
    general = body.split("<h3>General information</h3>")[1].split("</table>")[0]
    return dict(re.findall(r"<tr><td><code>(.*?)</code></td><td>(.*?)</td></tr>", general, re.S))


def _section_rows(body: str, title: str) -> list[tuple[str, str]]:
    section = body.split(f"<h3>{title}</h3>")[1].split("</table>")[0]
    return re.findall(r"<tr><td><code>(.*?)</code></td><td><code>(.*?)</code></td></tr>", section)


def test_page_is_html_with_mod_pythons_title(page_site):
    response = page_site.get("/testpage")
    assert (response.status, response.header("Content-Type")) == (200, "text/html")
    assert response.text.startswith(
        "<html><head><title>mod_python test page</title></head><body>\n"
    )
    assert response.text.endswith("</pre>\n</body></html>")


def test_sections_come_in_mod_pythons_order(page_site):
    assert re.findall(r"<h3>(.*?)</h3>", page_site.get("/testpage").text) == SECTIONS


def test_general_information_rows_in_order(page_site):
    assert list(_general_rows(page_site.get("/testpage").text)) == GENERAL_ROWS


@pytest.mark.parametrize(
    "row, expected",
    [
        ("Python interpreter name", "<code>{server_name}</code>"),
        ("Apache document root", "<code>{docroot}</code>"),
        ("mod_python.publisher available", "<code>Yes</code>"),
        ("mod_python.psp available", "<code>Yes</code>"),
    ],
)
def test_general_information_values(page_site, row, expected):
    rows = _general_rows(page_site.get("/testpage").text)
    assert rows[row] == expected.format(
        server_name=page_site.server_name, docroot=page_site.docroot
    )


def test_error_log_row_links_to_the_log_view(page_site):
    cell = _general_rows(page_site.get("/testpage").text)["Apache error log"]
    log_path = page_site.docroot / "logs" / "test_error_log"
    assert cell == (
        f'<code>{log_path}</code> (<a href="?view_log=1" target="_new">view last 100 lines</a>)'
    )


def test_request_headers_are_listed_and_escaped(page_site):
    body = page_site.get("/testpage", headers={"X-Probe": "<b>bold</b> & co"}).text
    assert ("X-Probe", "&lt;b&gt;bold&lt;/b&gt; &amp; co") in _section_rows(
        body, "Request input headers"
    )
    assert "<b>bold</b>" not in body


def test_request_environment_has_the_common_vars(page_site):
    rows = dict(_section_rows(page_site.get("/testpage?x=1").text, "Request environment"))
    assert (rows["REMOTE_ADDR"], rows["DOCUMENT_ROOT"]) == ("127.0.0.1", str(page_site.docroot))


def test_request_options_list_the_python_options(page_site):
    rows = _section_rows(page_site.get("/testpage").text, "Request options")
    assert ("page.option", "page-value") in rows


def test_configuration_tree_indents_four_spaces_per_level(page_site):
    body = page_site.get("/testpage").text
    tree = body.split("<h3>Server configuration tree</h3>\n<pre>")[1].split("</pre>")[0]
    assert "&lt;Location /testpage&gt;\n    SetHandler mod_python\n" in tree
    assert "\n    PythonOption page.option page-value\n" in tree


def test_view_log_shows_the_last_100_lines_as_text(page_site):
    log = page_site.docroot / "logs" / "test_error_log"
    log.parent.mkdir(exist_ok=True)
    log.write_text("".join(f"line {n}\n" for n in range(150)))
    response = page_site.get("/testpage?view_log=1")
    assert response.header("Content-Type") == "text/plain"
    assert response.text == "".join(f"line {n}\n" for n in range(50, 150))


def test_view_log_without_a_readable_log_says_so(page_site):
    response = page_site.get("/testpage?view_log=1")
    assert (response.status, response.header("Content-Type")) == (200, "text/plain")
    assert response.text.startswith("The error log cannot be shown")
