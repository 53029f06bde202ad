"""What the content handler returns (or raises), and what each server answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.oracle


def test_handler_writes_and_returns_ok(servers):
    ours, _ = servers.assert_same("GET", "/ok_write")
    assert ours.status == 200 and ours.body == b"hello world\n"


def test_declined_falls_back_to_the_static_file(servers):
    ours, _ = servers.assert_same("GET", "/declined/page.txt")
    assert ours.body == b"static text served after DECLINED\n"


def test_done_after_write_ends_the_request(servers):
    ours, _ = servers.assert_same("GET", "/write_then_done")
    assert ours.body == b"written before DONE\n"


@pytest.mark.parametrize("code", [400, 401, 403, 404, 410, 500, 501, 503])
def test_returned_error_status_gets_the_canned_page(servers, code):
    ours, _ = servers.assert_same("GET", f"/status?{code}")
    assert ours.status == code


def test_non_standard_status_is_answered_as_500(servers):
    ours, _ = servers.assert_same("GET", "/status?299")
    assert ours.status_line == "HTTP/1.1 500 Internal Server Error"


@pytest.mark.parametrize("code", [301, 302])
def test_redirect_with_location_in_headers_out(servers, code):
    ours, _ = servers.assert_same("GET", f"/redirect_headers_out?{code}")
    assert ours.header("Location") == "http://example.com/target?a=1&b=<2>"


@pytest.mark.parametrize("code", [301, 302])
def test_redirect_with_location_in_err_headers_out(servers, code):
    ours, _ = servers.assert_same("GET", f"/redirect_err_headers_out?{code}")
    assert ours.header("Location") == '/target/"quoted"/it\'s'


# httpd lists Allow in the order of a hash seeded at each start: compared as sets.


def test_method_not_allowed_lists_the_allowed_methods(servers):
    ours, oracle = servers.assert_same("GET", "/method_not_allowed", ignore_headers=("Allow",))
    assert sorted(ours.header("Allow").split(",")) == sorted(oracle.header("Allow").split(","))
    assert "MKWORKSPACE" in ours.header("Allow")


def test_not_implemented_lists_the_allowed_methods(servers):
    ours, oracle = servers.assert_same(
        "POST", "/not_implemented", body=b"x=1", ignore_headers=("Allow",)
    )
    assert sorted(ours.header("Allow").split(",")) == sorted(oracle.header("Allow").split(","))
    assert ours.status == 501 and "PUT" in ours.header("Allow")


def test_raised_server_return_is_the_result(servers):
    ours, _ = servers.assert_same("GET", "/raise_not_found")
    assert ours.status == 404


def test_server_return_two_argument_form_sets_status(servers):
    ours, _ = servers.assert_same("GET", "/raise_ok_created")
    assert ours.status == 201 and ours.body == b"created\n"


def test_server_return_ok_lets_the_next_stacked_handler_run(servers):
    ours, _ = servers.assert_same("GET", "/stacked_server_return")
    assert ours.body == b"second handler ran, first_ran=yes\n"


def test_declined_stops_the_stacked_content_handlers(servers):
    # The chain stops at DECLINED; Apache's default handler then finds no file.
    ours, _ = servers.assert_same("GET", "/stacked_declined")
    assert ours.status == 404 and b"second handler" not in ours.body


@pytest.mark.parametrize("path", ["/return_none", "/return_str", "/none_handler"])
def test_non_integer_result_is_500(servers, path):
    ours, _ = servers.assert_same("GET", path)
    assert ours.status == 500


def test_exception_without_debug_is_the_500_page(servers):
    ours, _ = servers.assert_same("GET", "/raise_error")
    assert ours.status == 500 and b"boom" not in ours.body


def test_error_status_after_write_appends_the_page_to_the_sent_body(servers):
    ours, _ = servers.assert_same("GET", "/write_then_error")
    assert ours.status == 200
    assert ours.body.startswith(b"partial body\n") and b"<title>404 Not Found" in ours.body


def test_error_status_after_unflushed_write_discards_the_buffered_body(servers):
    ours, _ = servers.assert_same("GET", "/write_no_flush_then_error")
    assert ours.status == 404 and b"buffered body" not in ours.body


@pytest.mark.parametrize("path", ["/ok_write", "/write_no_flush", "/status?404", "/status?500"])
def test_head_request_has_the_get_headers_and_no_body(servers, path):
    ours, _ = servers.assert_same("HEAD", path)
    assert ours.body == b""
