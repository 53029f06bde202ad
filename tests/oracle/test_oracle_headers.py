"""Response headers a handler controls, and how the body is framed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.oracle


def test_custom_headers_out_and_err_headers_out_reach_the_client(servers):
    ours, _ = servers.assert_same("GET", "/custom_headers")
    assert ours.header("X-Custom") == "custom value"
    assert ours.header_values("X-Multi") == ["one", "two"]
    assert ours.header("X-Err") == "err value"


def test_content_type_set_by_the_handler(servers):
    ours, _ = servers.assert_same("GET", "/set_content_type")
    assert ours.header("Content-Type") == "text/plain; charset=utf-8"


def test_py_file_gets_its_type_from_mod_mime(servers):
    ours, _ = servers.assert_same("GET", "/mime/page.py")
    assert ours.header("Content-Type") == "text/x-python"


def test_location_handler_sends_no_content_type(servers):
    ours, _ = servers.assert_same("GET", "/no_content_type")
    assert ours.header("Content-Type") is None


def test_err_headers_out_survive_an_error_status(servers):
    ours, _ = servers.assert_same("GET", "/err_headers_on_error")
    assert ours.status == 410
    assert ours.header("X-Err") == "kept on error" and ours.header("Set-Cookie") == "a=1"
    assert ours.header("X-Out") is None


def test_status_set_with_ok_result_sends_the_handlers_body(servers):
    ours, _ = servers.assert_same("GET", "/status_with_ok")
    assert ours.status_line == "HTTP/1.1 404 Not Found"
    assert ours.body == b"my own not-found page\n"


def test_no_cache_adds_expires(servers):
    ours, _ = servers.assert_same("GET", "/no_cache")
    assert ours.header("Expires") is not None


def test_set_content_length_sends_that_length(servers):
    ours, _ = servers.assert_same("GET", "/set_content_length")
    assert ours.header("Content-Length") == "12" and ours.framing == "length"


def test_unflushed_writes_are_sent_with_a_content_length(servers):
    ours, _ = servers.assert_same("GET", "/write_no_flush")
    assert ours.framing == "length" and ours.body == b"part one, part two\n"


def test_flushed_writes_are_sent_chunked(servers):
    ours, _ = servers.assert_same("GET", "/write_flush")
    assert ours.framing == "chunked" and ours.body == b"part one, part two\n"


def test_flushed_writes_to_an_http10_client_end_at_close(servers):
    # httpd says "Connection: close" to an HTTP/1.0 client, cheroot leaves it implied:
    # connection bookkeeping of the HTTP server, not compared.
    ours, _ = servers.assert_same(
        "GET", "/write_flush", protocol="HTTP/1.0", ignore_headers=("Connection",)
    )
    assert ours.framing == "none" and ours.body == b"part one, part two\n"


def test_etag_and_last_modified_from_the_handler(servers):
    ours, _ = servers.assert_same("GET", "/validators")
    assert ours.header("ETag") and ours.header("Last-Modified")
