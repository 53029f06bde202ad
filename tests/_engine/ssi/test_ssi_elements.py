"""Server-side includes: each mod_include element and mod_python's <!--#python --> tag."""

from __future__ import annotations

import os
import time

import pytest

ERROR = "[an error occurred while processing this directive]"

CONF = """
AddType text/html .shtml
<Directory "{docroot}">
  Options +Includes
  AddOutputFilter INCLUDES .shtml
  AddHandler mod_python .py
  PythonHandler handlers
  PythonDebug On
</Directory>
<Directory "{docroot}/quiet">
  PythonDebug Off
</Directory>
<Directory "{docroot}/noexec">
  Options IncludesNOEXEC
</Directory>
<Directory "{docroot}/off">
  Options -Includes
</Directory>
"""

HANDLERS = """
from mod_python import apache

def handler(req):
    req.content_type = "text/plain"
    req.write("from python" + (" " + req.args if req.args else ""))
    return apache.OK

def fixuphandler(req):
    req.ssi_globals = {"data": "test"}
    return apache.OK
"""

PART_MTIME = 1577934245  # 2020-01-02 03:04:05 UTC


@pytest.fixture
def page(make_site):
    """``page(text)``: the response for a .shtml page holding ``text``."""

    def render(text: str, name: str = "page.shtml", query: str = "", conf: str = ""):
        site = make_site(
            CONF + conf,
            files={
                "handlers.py": HANDLERS,
                "part.html": "PART",
                "big.bin": b"\0" * 123456,
                "sub/inner.shtml": '<!--#echo var="DOCUMENT_NAME" -->',
                name: text,
            },
        )
        os.utime(site.docroot / "part.html", (PART_MTIME, PART_MTIME))
        response = site.get("/" + name + (f"?{query}" if query else ""))
        response.site = site
        return response

    return render


def test_mod_python_server_side_include_test(make_site):
    """mod_python's test_server_side_include: a fixup fills req.ssi_globals."""
    site = make_site(
        """
        AddType text/html .shtml
        <Directory "{docroot}">
          Options +Includes
          AddOutputFilter INCLUDES .shtml
          PythonFixupHandler handlers
        </Directory>
        """,
        files={
            "handlers.py": HANDLERS,
            "ssi.shtml": '<!--#python exec="filter.write(data[:1])" -->'
            '<!--#python exec="filter.write(data[1:])" --> <!--#python eval="\'ok\'" -->',
        },
    )
    response = site.get("/ssi.shtml")
    assert (response.status, response.body) == (200, b"test ok")
    assert response.header("Content-Type") == "text/html"


@pytest.mark.parametrize(
    "text, body",
    [
        ('<!--#echo var="DOCUMENT_NAME" -->', "page.shtml"),
        ('<!--#echo var="DOCUMENT_URI" -->', "/page.shtml"),
        ('<!--#echo var="NOT_SET" -->', "(none)"),
        ('<!--#echo var="QUERY_STRING_UNESCAPED" -->', "a b=c\\&amp;d"),
        ('<!--#echo var="QUERY_STRING" -->', "a%20b=c&amp;d"),
        ('<!--#echo var="REQUEST_METHOD" -->', "GET"),
        ('<!--#set var="x" value="a<b" --><!--#echo var="x" -->', "a&lt;b"),
        ('<!--#set var="x" value="a<b" --><!--#echo encoding="none" var="x" -->', "a<b"),
        ('<!--#set var="x" value="a b" --><!--#echo encoding="url" var="x" -->', "a%20b"),
        ('<!--#set var="x" value="a<b&c" --><!--#echo encoding="base64" var="x" -->', "YTxiJmM="),
        # The encoding applies to the var attributes after it, not before.
        ('<!--#set var="x" value="<" --><!--#echo var="x" encoding="none" -->', "&lt;"),
        ('<!--#set var="x" value="v" --><!--#set var="y" value="[$x|${x}z|\\$x]" -->'
         '<!--#echo var="y" -->', "[v|vz|$x]"),
        ('<!--#set var="y" value="[$unset]" --><!--#echo var="y" -->', "[]"),
        ("<!--#set var='q' value='single' --><!--#echo var='q' -->", "single"),
        ('<!--#set var="e" value="&lt;&amp;" --><!--#echo encoding="none" var="e" -->', "<&"),
        ('<!--#echo -->', ERROR),
        ('<!--#bogus -->', ERROR),
        ('<!--#set var="x" value="1" --><!--#echo var="x" bad="1" -->', "1" + ERROR),
        ('<!--#config errmsg="[oops]" --><!--#bogus -->', "[oops]"),
        ("no tags at all", "no tags at all"),
        ('x<!--#echo var="DOCUMENT_NAME" unterminated', "x" + ERROR),
        ('<!--#echo var="REQUEST_URI" -->', "/page.shtml?a%20b=c&amp;d"),
        ("<!-- a plain comment -->", "<!-- a plain comment -->"),
    ],
)  # fmt: skip
def test_echo_set_and_config(page, text, body):
    assert page(text, query="a%20b=c&d").text == body


@pytest.mark.parametrize(
    "expression, taken",
    [
        ("$v = abc", True),
        ("$v != abc", False),
        ("$v = /^a.c$/", True),
        ("$v = /B/", False),
        ("$v != /x/", True),
        ("($v = x || $v = abc) && !($v = y)", True),
        ("$v = x || $v = y", False),
        ("$unset", False),
        ("$v", True),
        ("'$v' = 'abc'", True),
        ('\\"$v\\" = abc', False),
        ("$v < abd", True),
        ("$v >= abd", False),
        ("${v}x = abcx", True),
        ("$v = a b", False),
        ("! $v", False),
    ],
)
def test_if_expressions(page, expression, taken):
    text = f'<!--#set var="v" value="abc" --><!--#if expr="{expression}" -->yes<!--#else -->no<!--#endif -->'
    assert page(text).text == ("yes" if taken else "no")


def test_elif_chain_takes_the_first_true_branch(page):
    text = (
        '<!--#set var="v" value="2" -->'
        '<!--#if expr="$v = 1" -->one<!--#elif expr="$v = 2" -->two'
        '<!--#elif expr="$v = /2/" -->again<!--#else -->other<!--#endif -->'
    )
    assert page(text).text == "two"


def test_nested_if_inside_a_false_branch_stays_hidden(page):
    text = (
        '<!--#if expr="a = b" --><!--#if expr="a = a" -->inner<!--#else -->inner-else'
        '<!--#endif --><!--#set var="x" value="set" --><!--#else -->outer-else<!--#endif -->'
        '[<!--#echo var="x" -->]'
    )
    assert page(text).text == "outer-else[(none)]"


def test_unparsable_expression_is_an_error(page):
    response = page('<!--#if expr="$v = (" -->yes<!--#else -->no<!--#endif -->')
    assert response.text == ERROR + "no"
    assert 'AH01337: Could not parse expr "$v = ("' in response.site.error_log


@pytest.mark.parametrize(
    "text, body",
    [
        ('<!--#fsize file="part.html" -->', "  4 "),
        ('<!--#fsize virtual="/big.bin" -->', "121K"),
        ('<!--#config sizefmt="bytes" --><!--#fsize file="big.bin" -->', "123,456"),
        ('<!--#fsize file="missing" -->', ERROR),
        ('<!--#config timefmt="%Y-%m-%d %H:%M:%S" --><!--#flastmod file="part.html" -->',
         time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(PART_MTIME))),
        ('<!--#config timefmt="%Y" --><!--#flastmod virtual="/part.html" -->',
         time.strftime("%Y", time.localtime(PART_MTIME))),
        ('<!--#include file="part.html" -->', "PART"),
        ('<!--#include virtual="/part.html" -->', "PART"),
        ('<!--#include virtual="/handlers.py?q" -->', "from python q"),
        ('<!--#include virtual="sub/inner.shtml" -->', "inner.shtml"),
        ('<!--#include file="../outside" -->', ERROR),
        ('<!--#include file="/etc/passwd" -->', ERROR),
        ('<!--#include virtual="/missing.html" -->', ERROR),
    ],
)  # fmt: skip
def test_file_elements(page, text, body):
    assert page(text).text == body


def test_include_failure_is_logged_with_the_subrequest_status(page):
    response = page('<!--#include virtual="/missing.html" -->')
    assert 'unable to include "/missing.html" in parsed file ' in response.site.error_log
    assert "subrequest returned 404" in response.site.error_log


def test_recursive_include_stops(page):
    response = page('x<!--#include virtual="/page.shtml" -->')
    assert response.status == 200
    assert response.text.startswith("x" * 10)
    assert "Recursive include" in response.site.error_log


def test_dates_use_the_time_format(page):
    text = '<!--#config timefmt="%Y" --><!--#echo var="DATE_LOCAL" -->|<!--#echo var="DATE_GMT" -->'
    year = time.strftime("%Y", time.localtime())
    assert page(text).text == f"{year}|{time.strftime('%Y', time.gmtime())}"


def test_default_date_format_is_apaches(page):
    body = page('<!--#echo var="DATE_GMT" -->').text
    assert time.strptime(body, "%A, %d-%b-%Y %H:%M:%S GMT")


def test_printenv_lists_the_variables(page):
    body = page('<!--#set var="mine" value="<v>" --><!--#printenv -->').text
    assert "mine=&lt;v&gt;\n" in body
    assert "REQUEST_METHOD=GET\n" in body


# ---- <!--#python --> ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, body",
    [
        ('a<!--#python eval="1+1" -->b', "a2b"),
        ('<!--#python eval="None" -->', ""),
        ('<!--#python exec="filter.write(\'x\')" -->', "x"),
        ('<!--#python exec="\nx = 1\nfilter.write(str(x + 1))\n" -->', "2"),
        ('<!--#python exec="\r\ny = 3\r\nfilter.write(str(y))\r\n   " -->', "3"),
        ('<!--#python exec="filter.write(repr(sorted(k for k in globals() '
         'if k != \'__builtins__\')))" -->', "['__file__', 'filter']"),
        ('<!--#python exec="n = 5" --><!--#python eval="n * 2" -->', "10"),
        ('<!--#python eval="repr((filter.name, filter.is_input, filter.handler, filter.closed))" -->',
         "('includes', 0, None, 0)"),
        ('<!--#python eval="__file__.endswith(\'/page.shtml\')" -->', "True"),
        ('<!--#python eval="\'&lt;&quot;\'" -->', '<"'),
        ('<!--#python exec="" -->', ERROR),
        ('<!--#python foo="1" -->', ERROR),
        ("<!--#python -->", ERROR),
        ('<!--#python eval="1" exec="2" -->', ERROR),
        ('<!--#if expr="a = b" --><!--#python exec="filter.write(\'hidden\')" --><!--#endif -->', ""),
    ],
)  # fmt: skip
def test_python_tag(page, text, body):
    assert page(text).text == body


@pytest.mark.parametrize(
    "text, message",
    [
        ('<!--#python exec="" -->', "empty value for 'exec' parameter to tag 'python' in "),
        ('<!--#python foo="1" -->', "unexpected 'foo' parameter to tag 'python' in "),
        ("<!--#python -->", "missing 'eval/exec' parameter to tag 'python' in "),
        ('<!--#python eval="1" exec="2" -->', "multiple 'eval/exec' parameters to tag 'python' in "),
    ],
)  # fmt: skip
def test_python_tag_errors_are_logged(page, text, message):
    assert message in page(text).site.error_log


def test_python_error_with_debug_shows_the_traceback_then_the_page_goes_on(page):
    response = page("a<!--#python exec=\"raise ValueError('ssi broke')\" -->b")
    assert response.status == 200  # the page had started: the status is not changed
    assert response.text.startswith('a\n<pre>\nMod_python error: "includes ')
    assert "ValueError: ssi broke" in response.text
    assert response.text.endswith("</pre>\n" + ERROR + "b")
    assert "page.shtml: ValueError: ssi broke" in response.site.error_log


def test_python_error_without_debug_only_logs(page):
    response = page('a<!--#python exec="1/0" -->b', name="quiet/page.shtml")
    assert response.text == "a" + ERROR + "b"
    assert "ZeroDivisionError" in response.site.error_log


def test_python_globals_do_not_outlive_the_request(make_site):
    site = make_site(
        CONF,
        files={"page.shtml": '<!--#python eval="globals().get(\'seen\', \'fresh\')" -->'
               '<!--#python exec="seen = \'kept\'" -->'},
    )  # fmt: skip
    assert site.get("/page.shtml").text == "fresh"
    assert site.get("/page.shtml").text == "fresh"


def test_python_is_refused_with_includes_noexec(page):
    response = page('<!--#python eval="1" -->', name="noexec/page.shtml")
    assert response.text == ERROR
    assert "#python used but not allowed in " in response.site.error_log


def test_without_options_includes_the_page_is_sent_as_is(page):
    text = '<!--#echo var="DOCUMENT_NAME" -->'
    response = page(text, name="off/page.shtml")
    assert response.text == text
    assert "Options +Includes (or IncludesNoExec) wasn't set" in response.site.error_log


def test_page_with_directives_is_streamed_without_validators(page):
    response = page('<!--#echo var="DOCUMENT_NAME" -->')
    names = response.header_names()
    assert "content-length" not in names
    assert "last-modified" not in names and "etag" not in names


def test_page_without_directives_keeps_its_length(page):
    response = page("plain text\n")
    assert response.header("Content-Length") == "11"


def test_set_output_filter_includes_parses_handler_output(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
          Options +Includes
          SetHandler mod_python
          PythonHandler gen
          SetOutputFilter INCLUDES
        </Directory>
        """,
        files={"gen.py": '''
from mod_python import apache
def handler(req):
    req.content_type = "text/html"
    req.write('<!--#set var="v" value="made" -->')
    req.write('[<!--#echo var="v" -->]', 0)
    return apache.OK
'''},
    )  # fmt: skip
    assert site.get("/gen.py").text == "[made]"


def test_req_add_output_filter_includes(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
          Options +Includes
          SetHandler mod_python
          PythonHandler gen
        </Directory>
        """,
        files={"gen.py": '''
from mod_python import apache
def handler(req):
    req.content_type = "text/html"
    req.add_output_filter("INCLUDES")
    req.write('<!--#python eval="filter.req.uri" -->')
    return apache.OK
'''},
    )  # fmt: skip
    assert site.get("/gen.py").text == "/gen.py"


def test_head_of_a_page_runs_no_body(make_site):
    site = make_site(CONF, files={"page.shtml": 'x<!--#echo var="DOCUMENT_NAME" -->'})
    response = site.request("HEAD", "/page.shtml")
    assert (response.status, response.body) == (200, b"")
    assert response.header("Content-Type") == "text/html"
