"""httpd's canned error pages, for every status a handler can return.

These pin ``error_pages.MESSAGES``, ``CLOSES_CONNECTION`` and ``status_lines.REASONS``:
the text, which statuses quote the method or the Location, which add ``Connection: close``,
which keep ``Location``, and which are answered with the 500 page.
"""

from __future__ import annotations

import pytest

from mod_python._engine.status_lines import REASONS

pytestmark = pytest.mark.oracle

# The 3xx-5xx numbers the real httpd has a status line (and so a page) for.
ERROR_STATUSES = [
    300, 301, 302, 303, 304, 305, 307, 308,
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
    421, 422, 423, 424, 426, 428, 429, 431, 451,
    500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]  # fmt: skip


@pytest.mark.parametrize("code", ERROR_STATUSES)
def test_canned_page_for_status(servers, code):
    ours, _ = servers.assert_same("GET", f"/status?{code}")
    assert ours.status == code


def test_status_lines_are_exactly_the_ones_httpd_knows():
    assert sorted(code for code in REASONS if code >= 300) == ERROR_STATUSES


def test_every_other_status_gets_the_500_line_and_page(servers):
    """All numbers from 100 to 599 httpd has no line for (e.g. 418, 425, 299, 599)."""
    unknown = [code for code in range(100, 600) if code not in REASONS]
    assert 418 in unknown and 425 in unknown
    mismatched = []
    for code in unknown:
        ours, oracle = servers.exchange("GET", f"/status?{code}")
        if servers.comparable(ours) != servers.comparable(oracle) or ours.status != 500:
            mismatched.append(code)
    assert mismatched == [], servers.logs_tail()


@pytest.mark.parametrize("code", [100, 101, 102, 200, 201, 202, 203, 205, 206, 207, 208, 226])
def test_1xx_or_2xx_returned_as_result_gets_an_error_page(servers, code):
    # Returning such a code (instead of OK) makes httpd send an error document for it,
    # with that status line and the internal-error text.
    ours, _ = servers.assert_same("GET", f"/status?{code}")
    assert b"<title>" in ours.body


@pytest.mark.parametrize("code", [204, 304])
def test_no_content_and_not_modified_send_no_page_and_keep_headers(servers, code):
    ours, _ = servers.assert_same("GET", f"/status_keeping_headers?{code}")
    assert ours.body == b"" and ours.header("X-Out") == "out"


@pytest.mark.parametrize("code", [405, 411, 413, 501])
def test_pages_quoting_the_method(servers, code):
    ours, _ = servers.assert_same("POST", f"/status?{code}", body=b"a=1")
    assert b"POST" in ours.body


@pytest.mark.parametrize("code", [201, 300, 301, 302, 303, 305, 307, 308, 309, 400, 404, 500])
def test_location_kept_only_for_redirects_and_created(servers, code):
    ours, _ = servers.assert_same("GET", f"/status_keeping_headers?{code}")
    assert ours.header("X-Err") == "err" and ours.header("X-Out") is None


@pytest.mark.parametrize("code", [300, 301, 400, 403, 404, 406, 411, 414, 417, 451, 500, 501, 502])
def test_notes_inserted_into_pages(servers, code):
    servers.assert_same("GET", f"/status_with_notes?{code}")


@pytest.mark.parametrize("code", [402, 500, 505, 599])
def test_verbose_error_notes_replace_the_internal_error_text(servers, code):
    ours, _ = servers.assert_same("GET", f"/status_with_verbose_notes?{code}")
    assert b"<b>verbose error notes</b><p />" in ours.body


def test_expectation_failed_quotes_the_expect_header(servers):
    # httpd also closes the connection because it never sent its "100 Continue" (the
    # handler read no body): keep-alive bookkeeping of the HTTP server, not compared.
    ours, _ = servers.assert_same(
        "GET", "/status?417", headers={"Expect": "100-continue"}, ignore_headers=("Connection",)
    )
    assert b"Expect: 100-continue" in ours.body


@pytest.mark.parametrize("code", [400, 401, 404, 405, 500, 503])
def test_head_error_response_has_no_body_and_no_length(servers, code):
    ours, _ = servers.assert_same("HEAD", f"/status?{code}")
    assert ours.body == b"" and ours.header("Content-Length") is None


def test_allow_header_lists_known_methods_with_head_for_get(servers):
    # httpd builds Allow by walking a hash of method names whose seed changes per start,
    # so only the set of names (and TRACE last) can be compared.
    ours, oracle = servers.exchange("GET", "/method_not_allowed")
    mine, theirs = ours.header("Allow").split(","), oracle.header("Allow").split(",")
    assert sorted(mine) == sorted(theirs)
    assert mine[-1] == theirs[-1] == "TRACE"
    assert {"HEAD", "GET", "POST", "MKWORKSPACE"} <= set(mine)
