"""Input filters: POST bodies through Python filters on their way to req.read/readline."""

from __future__ import annotations

from pathlib import Path

import pytest

# The oracle site's filters and handlers (tests/oracle/filters/site) and more of our own.
SHARED = Path(__file__).parents[2] / "oracle" / "filters" / "site"

FILTERS = (
    (SHARED / "myfilters.py").read_text()
    + """

def rot_lines(filter):
    s = filter.readline()
    while s:
        filter.write(s[::-1])
        s = filter.readline()
    if s is None:
        filter.close()

def small_pieces(filter):
    s = filter.read(3)
    while s:
        filter.write(b"[" + s + b"]")
        s = filter.read(3)
    if s is None:
        filter.close()

def attributes(filter):
    filter.pass_on()
    filter.req.log_error("input filter %r is_input=%r handler=%r" % (
        filter.name, filter.is_input, filter.handler))

"""
)

HANDLERS = (
    (SHARED / "h.py").read_text()
    + """
from mod_python import apache

def read_lines(req):
    line = req.readline()
    while line:
        req.write(b"|" + line)
        line = req.readline()
    return apache.OK

"""
)

CONF = """
<Directory "{docroot}">
  PythonInputFilter myfilters::upper_in UPPER_IN
  PythonInputFilter myfilters::rot_lines REVERSE_LINES
  PythonInputFilter myfilters::small_pieces PIECES
  PythonInputFilter myfilters::attributes ATTRS
  PythonInputFilter myfilters::broken BROKEN
  PythonDebug On
  SetHandler mod_python
  PythonHandler h
</Directory>
"""


@pytest.fixture
def post(make_site):
    def send(names: str | None, body: bytes, query: str = "echo"):
        extra = f'<Directory "{{docroot}}">\n  SetInputFilter {names}\n</Directory>\n'
        site = make_site(CONF + (extra if names else ""),
                         files={"myfilters.py": FILTERS, "h.py": HANDLERS})  # fmt: skip
        response = site.post(f"/h.py?{query}", body)
        response.site = site
        return response

    return send


def test_set_input_filter_changes_what_req_read_returns(post):
    assert post("UPPER_IN", b"hello body").body == b"HELLO BODY"


def test_input_filter_lines_reach_req_readline(post):
    response = post("REVERSE_LINES", b"ab\ncd\nef", query="read_lines")
    assert response.body == b"|\n|ba\n|dcfe"


def test_input_filters_chain_in_order(post):
    assert post("PIECES;UPPER_IN", b"abcdefg").body == b"[ABC][DEF][G]"


def test_input_filter_attributes(post):
    response = post("ATTRS", b"data")
    assert response.body == b"data"
    assert "input filter 'attrs' is_input=1 handler='myfilters::attributes'" in (
        response.site.error_log
    )


def test_register_input_filter_then_add(post):
    assert post(None, b"quiet please", query="register_input").body == b"QUIET PLEASE"


def test_broken_input_filter_is_reported_and_then_transparent(post):
    response = post("BROKEN", b"raw data")
    assert "broken myfilters::broken: ValueError: filter broke" in response.site.error_log
    # Disabled after the error: the body reaches the handler unchanged.
    assert response.body.endswith(b"raw data")


def test_get_without_a_body_never_calls_the_input_filter(make_site):
    site = make_site(
        CONF + '<Directory "{docroot}">\n  SetInputFilter BROKEN\n</Directory>\n',
        files={"myfilters.py": FILTERS, "h.py": HANDLERS},
    )
    response = site.get("/h.py?echo")
    assert (response.status, response.body) == (200, b"")
    assert "filter broke" not in site.error_log
