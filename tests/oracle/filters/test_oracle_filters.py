"""Filters and server-side includes compared with Apache 2.4 + mod_python 3.5 + mod_include.

Where the oracle's Python 3 port is broken the test says so and checks what mod_python
meant instead (see docs/filters.md).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize(
    "method, path, headers, body",
    [
        # test_outputfilter: each flushed write is one call, streamed without a length.
        ("GET", "/f/h.upper.py", None, b""),
        # The whole body and the end of the stream in one call: Content-Length.
        ("GET", "/f/h.upper.py?unflushed", None, b""),
        ("GET", "/f/h.count.py?three", None, b""),
        ("GET", "/f/h.count.py?big_unflushed", None, b""),
        ("GET", "/f/h.buffer.py?three", None, b""),
        ("GET", "/f/h.attrs.py", None, b""),
        # (A filter that never closes: Apache never ends the chunked body, so the client
        # sees the connection drop; we end it. Tested on our side only.)
        ("GET", "/f/h.passon.py?three", None, b""),
        # (Two Python filters in a row: the oracle's port hands the second one garbage
        # bytes, so chains are tested on our side only.)
        ("GET", "/f/h.unknown.py", None, b""),
        ("HEAD", "/f/h.upper.py?unflushed", None, b""),
        ("GET", "/f/page.upper.txt", None, b""),
        ("GET", "/quiet/h.broken.py", None, b""),
        # test_req_add_output_filter and test_req_register_output_filter.
        ("GET", "/h.py?add_configured", None, b""),
        ("GET", "/h.py?register_and_add", None, b""),
        ("GET", "/h.py?register_attributes", None, b""),
        ("POST", "/in/h.py?echo", {"Content-Type": "text/plain"}, b"an input body"),
        ("POST", "/h.py?register_input", {"Content-Type": "text/plain"}, b"quiet please"),
        # Server-side includes.
        ("GET", "/ssi/echo.shtml?a%20b=c", None, b""),
        ("GET", "/legacy/cond.shtml", None, b""),
        ("GET", "/ssi/fileinfo.shtml", None, b""),
        ("GET", "/ssi/python.shtml", None, b""),
        ("GET", "/ssi/spec.shtml", None, b""),
        ("GET", "/ssi/none.shtml", None, b""),
        ("GET", "/ssi/include_handler.shtml", None, b""),
        ("GET", "/off/page.shtml", None, b""),
        ("GET", "/off/echo.shtml", None, b""),
    ],
)
def test_same_response_as_apache(filter_servers, method, path, headers, body):
    filter_servers.assert_same(method, path, headers, body)


def test_filter_error_page_matches_apart_from_the_traceback_frames(filter_servers):
    ours, oracle = filter_servers.exchange("GET", "/f/h.broken.py")
    assert (ours.status, ours.framing) == (oracle.status, oracle.framing) == (500, "chunked")
    assert ours.header("Content-Type") == oracle.header("Content-Type") == "text/html"
    start = b'\n<pre>\nMod_python error: "broken myfilters::broken"\n\nTraceback'
    end = b"ValueError: filter broke\n\n</pre>\n"
    for response in (ours, oracle):
        assert response.body.startswith(start) and response.body.endswith(end)


def test_ssi_dates_have_the_same_shape(filter_servers):
    ours, oracle = filter_servers.exchange("GET", "/ssi/dates.shtml")
    shape = re.compile(rb"\[\w+day, \d\d-\w{3}-\d{4} \d\d:\d\d:\d\d (UTC|GMT)\]")
    assert len(shape.findall(ours.body)) == len(shape.findall(oracle.body)) == 3
