"""Output filters: registration paths, the filter object, the call pattern, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

# The oracle site's filters and handlers (tests/oracle/filters/site) and more of our own:
# modules ``myfilters`` and ``h`` in each site's document root.
SHARED = Path(__file__).parents[2] / "oracle" / "filters" / "site"
FILTERS = (
    (SHARED / "myfilters.py").read_text()
    + """
from mod_python import apache

def bracket(filter):
    s = filter.read()
    while s:
        filter.write(b"<" + s + b">")
        s = filter.read()
    if s is None:
        filter.close()

def attributes(filter):
    s = filter.read()
    while s:
        s = filter.read()
    if s is None:
        try:
            del filter.name
            deletable = True
        except AttributeError:
            deletable = False
        filter.write("name=%r is_input=%r handler=%r dir=%r closed=%r softspace=%r "
                     "extra=%r deletable=%r same_req=%r" % (
            filter.name, filter.is_input, filter.handler, filter.dir, filter.closed,
            filter.softspace, hasattr(filter, "non_existent"), deletable,
            filter.req is filter.req.main or filter.req.uri))
        filter.close()

def never_closes(filter):
    s = filter.read()
    while s:
        filter.write(s.upper())
        s = filter.read()

def sized(filter):
    s = filter.read(5)
    while s:
        filter.write(b"(" + s + b")")
        s = filter.read(5)
    if s is None:
        filter.close()

def lines(filter):
    s = filter.readline()
    while s:
        filter.write(b"<" + s + b">")
        s = filter.readline()
    if s is None:
        filter.close()

def short_lines(filter):
    s = filter.readline(3)
    while s:
        filter.write(b"<" + s + b">")
        s = filter.readline(3)
    if s is None:
        filter.close()

def writes_after_close(filter):
    filter.read()
    filter.close()
    try:
        filter.write("x")
    except ValueError as error:
        filter.req.log_error("write after close: %s" % error)
    try:
        filter.read()
    except ValueError as error:
        filter.req.log_error("read after close: %s" % error)

def returns_status(filter):
    filter.pass_on()
    raise apache.SERVER_RETURN(apache.OK, 202)

def closes_twice(filter):
    s = filter.read()
    while s:
        filter.write(s)
        s = filter.read()
    if s is None:
        filter.close()
        filter.close()
        filter.req.log_error("closed twice: %r" % filter.closed)
"""
)

HANDLERS = (
    (SHARED / "h.py").read_text()
    + """
from mod_python import apache

def text_lines(req):
    req.write("one\\ntwo\\nthree", 0)
    return apache.OK

def register_with_directory(req):
    req.register_output_filter("MYATTRS", "myfilters::attributes", "/some/./dir")
    req.add_output_filter("MYATTRS")
    req.write("test ok")
    return apache.OK

def add_unknown(req):
    req.add_output_filter("NO_SUCH_FILTER")
    req.write("test ok")
    return apache.OK

def not_found(req):
    return apache.HTTP_NOT_FOUND

"""
)

CONF = """
<Directory "{docroot}">
  PythonOutputFilter myfilters::upper UPPER
  PythonOutputFilter myfilters::counting COUNT
  PythonOutputFilter myfilters::buffering BUFFER
  PythonOutputFilter myfilters::bracket BRACKET
  PythonOutputFilter myfilters::attributes ATTRS
  PythonOutputFilter myfilters::never_closes NOCLOSE
  PythonOutputFilter myfilters::passes_on PASSON
  PythonOutputFilter myfilters::broken BROKEN
  PythonOutputFilter myfilters::sized SIZED
  PythonOutputFilter myfilters::lines LINES
  PythonOutputFilter myfilters::short_lines SHORTLINES
  PythonOutputFilter myfilters::writes_after_close AFTERCLOSE
  PythonOutputFilter myfilters::returns_status STATUS
  PythonOutputFilter myfilters::closes_twice TWICE
  PythonDebug On
  AddHandler mod_python .py
  PythonHandler h
</Directory>
<Directory "{docroot}/quiet">
  PythonDebug Off
</Directory>
"""


@pytest.fixture
def site(make_site):
    return make_site(CONF, files={"myfilters.py": FILTERS, "h.py": HANDLERS})


def test_filter_sees_the_handler_output_and_changes_it(make_site):
    """mod_python's test_outputfilter: PythonOutputFilter + AddOutputFilter by extension."""
    site = make_site(
        """
        <Directory "{docroot}">
          SetHandler mod_python
          PythonHandler h
          PythonOutputFilter myfilters::upper MP_TEST_FILTER
          AddOutputFilter MP_TEST_FILTER .py
        </Directory>
        """,
        files={"myfilters.py": FILTERS, "h.py": HANDLERS},
    )
    response = site.get("/h.py")
    assert (response.status, response.body) == (200, b"TEST OK")


def test_file_without_the_extension_is_not_filtered(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
          PythonOutputFilter myfilters::upper MP_TEST_FILTER
          AddOutputFilter MP_TEST_FILTER .txt
        </Directory>
        """,
        files={"myfilters.py": FILTERS, "a.txt": "small text\n", "b.html": "<p>as is</p>"},
    )
    assert site.get("/a.txt").body == b"SMALL TEXT\n"
    assert site.get("/b.html").body == b"<p>as is</p>"


def test_req_add_output_filter_adds_a_configured_filter(site):
    assert site.get("/h.py?add_configured").body == b"TEST OK"


def test_req_register_output_filter_then_add(site):
    assert site.get("/h.py?register_and_add").body == b"TEST OK"


def test_registered_filter_reports_the_generic_name_and_its_directory(site):
    body = site.get("/h.py?register_with_directory").text
    assert "name='mod_python' is_input=0 handler='myfilters::attributes'" in body
    assert "dir='/some/dir/'" in body


@pytest.fixture
def filtered(make_site):
    """``filtered("A;B", "three")``: the body of h.py?three under SetOutputFilter A;B."""

    def get(names: str, query: str = "flushed", debug: str = "On", method: str = "GET"):
        site = make_site(
            CONF.replace("PythonDebug On", f"PythonDebug {debug}")
            + f'<Directory "{{docroot}}">\n  SetOutputFilter {names}\n</Directory>\n',
            files={"myfilters.py": FILTERS, "h.py": HANDLERS},
        )
        response = site.request(method, f"/h.py?{query}")
        response.site = site
        return response

    return get


def test_configured_filter_attributes(filtered):
    body = filtered("ATTRS").text
    assert body.startswith("name='attrs' is_input=0 handler='myfilters::attributes'")
    assert "closed=0 softspace=0 extra=False deletable=False" in body


@pytest.mark.parametrize(
    "query, body",
    [
        # Each flushed write is one call; the end of the response is a call of its own.
        ("flushed", b"[1:[7]:False][2:[]:True]"),
        ("three", b"[1:[3]:False][2:[6]:False][3:[]:True]"),
        # Unflushed writes gather (8000 bytes) and come with the end of the stream.
        ("unflushed", b"[1:[7]:True]"),
        # A write that does not fit goes down with what was gathered, in one piece.
        ("big_unflushed", b"[1:[20006]:False][2:[]:True]"),
    ],
)
def test_filter_is_called_once_per_brigade(filtered, query, body):
    assert filtered("COUNT", query).body == body


def test_body_complete_in_one_call_goes_out_with_content_length(filtered):
    response = filtered("UPPER", "unflushed")
    assert response.body == b"TEST OK"
    assert response.header("Content-Length") == "7"


def test_flushed_filter_output_is_streamed_without_content_length(filtered):
    response = filtered("UPPER", "flushed")
    assert response.body == b"TEST OK"
    assert response.header("Content-Length") is None


def test_buffering_filter_writes_everything_at_the_end(filtered):
    assert filtered("BUFFER", "three").body == b"ABCDEFGHI"


def test_filters_run_in_the_order_named(filtered):
    assert filtered("BRACKET;UPPER", "unflushed").body == b"<TEST OK>"
    assert filtered("UPPER;COUNT", "unflushed").body == b"[1:[7]:True]"


def test_filter_that_never_closes_still_ends_the_response(filtered):
    assert filtered("NOCLOSE", "three").body == b"ABCDEFGHI"


def test_pass_on_lets_data_through(filtered):
    response = filtered("PASSON", "three")
    assert (response.status, response.body) == (200, b"abcdefghi")


@pytest.mark.parametrize(
    "names, query, body",
    [
        ("SIZED", "unflushed", b"(test )(ok)"),
        ("SIZED", "three", b"(abc)(defgh)(i)"),
        ("LINES", "text_lines", b"<one\n><two\n><three>"),
        ("SHORTLINES", "text_lines", b"<one><\n><two><\n><thr><ee>"),
    ],
)
def test_read_with_a_length_and_readline_split_the_data(filtered, names, query, body):
    assert filtered(names, query).body == body


def test_filter_error_with_debug_shows_the_traceback_unfiltered(filtered):
    response = filtered("BROKEN;UPPER")
    assert response.status == 500
    assert response.header("Content-Type") == "text/html"
    # The error text passes the broken filter (disabled) but still goes through UPPER.
    assert b'MOD_PYTHON ERROR: "BROKEN MYFILTERS::BROKEN"' in response.body
    assert b"VALUEERROR: FILTER BROKE" in response.body


def test_filter_error_without_debug_is_logged_and_the_body_is_lost(filtered):
    response = filtered("BROKEN", debug="Off")
    assert (response.status, response.body) == (200, b"")
    assert response.header("Content-Length") == "0"
    log = response.site.error_log
    assert "broken myfilters::broken: Traceback (most recent call last):" in log
    assert "broken myfilters::broken: ValueError: filter broke" in log


def test_disabled_filter_passes_later_data_untouched(filtered):
    response = filtered("BROKEN", "three")
    assert response.body.startswith(b'\n<pre>\nMod_python error: "broken myfilters::broken"')
    assert response.body.endswith(b"</pre>\ndefghi")


def test_closed_filter_refuses_io_and_close_is_idempotent(filtered):
    response = filtered("AFTERCLOSE;TWICE", "flushed")
    assert response.status == 200
    log = response.site.error_log
    assert "write after close: I/O operation on closed filter" in log
    assert "read after close: I/O operation on closed filter" in log
    assert "closed twice: 1" in log


def test_server_return_in_a_filter_sets_the_status(filtered):
    response = filtered("STATUS", "unflushed")
    assert (response.status, response.body) == (202, b"test ok")


def test_unknown_filter_is_logged_and_skipped(site):
    response = site.get("/h.py?add_unknown")
    assert response.body == b"test ok"
    assert "AH00082: an unknown filter was not added: NO_SUCH_FILTER" in site.error_log


def test_error_page_goes_through_the_filter(filtered):
    response = filtered("UPPER", "not_found")
    assert response.status == 404
    assert b"<TITLE>404 NOT FOUND</TITLE>" in response.body


def test_head_request_runs_the_filter_but_sends_no_body(filtered):
    response = filtered("UPPER", "unflushed", method="HEAD")
    assert (response.status, response.body) == (200, b"")
    assert response.header("Content-Length") == "7"


def test_static_file_goes_through_set_output_filter(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
          PythonOutputFilter myfilters::upper UPPER
          SetOutputFilter UPPER
        </Directory>
        """,
        files={"myfilters.py": FILTERS, "page.html": "<p>static</p>"},
    )
    response = site.get("/page.html")
    assert response.body == b"<P>STATIC</P>"


def test_streamed_file_through_a_length_changing_filter_drops_the_file_length(make_site):
    size = 300 * 1024  # big enough for the static handler to stream it
    site = make_site(
        """
        <Directory "{docroot}">
          PythonOutputFilter myfilters::bracket BRACKET
          SetOutputFilter BRACKET
        </Directory>
        """,
        files={"myfilters.py": FILTERS, "big.txt": "a" * size},
    )
    response = site.get("/big.txt")
    assert response.header("Content-Length") is None
    assert response.body.replace(b"<", b"").replace(b">", b"") == b"a" * size
    assert response.body.startswith(b"<a")


def test_internal_redirect_target_gets_its_own_filters(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
          PythonOutputFilter myfilters::upper UPPER
          AddHandler mod_python .py .int
          PythonHandler redirect | .py
          PythonHandler h | .int
          AddOutputFilter UPPER .int
        </Directory>
        """,
        files={
            "myfilters.py": FILTERS,
            "h.py": HANDLERS,
            "redirect.py": "from mod_python import apache\n"
            "def handler(req):\n"
            "    req.internal_redirect('/target.int?unflushed')\n"
            "    return apache.OK\n",
            "target.int": "",
        },
    )
    response = site.get("/start.py")
    assert (response.status, response.body) == (200, b"TEST OK")
