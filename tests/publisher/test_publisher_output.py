"""What is written for each kind of result, and the content-type guess (SPEC 7.4)."""

from __future__ import annotations

import pytest

PAGE = """
from mod_python import apache

TITLE = "constant page"
NOTHING = None
LIST = [1, 2]


def text(req):
    return "plain text"


def html_upper(req):
    return "<HTML><BODY>x</BODY></HTML >  \\n"


def html_not_at_end(req):
    return "<html></html> trailing words"


def html_far_back(req):
    return "<html></html>" + " " * 200


def raw_bytes(req):
    return b"\\x00\\xffbinary"


def bytes_html(req):
    return b"<html>b</html>"


def number(req):
    return 42


def a_list(req):
    return ["a", "b"]


def a_dict(req):
    return {"k": "v"}


def nothing(req):
    return None


def writes_then_returns(req):
    req.write("written;")
    return "returned"


def writes_only(req):
    req.write("only written")


def own_content_type(req):
    req.content_type = "application/json"
    return '{"a": 1}'


def status_and_text(req):
    req.status = apache.HTTP_CREATED
    return "created"


def returns_callable(req, name="world"):
    return lambda req, name="inner": "called again with " + name


def raises(req):
    raise RuntimeError("published function failed")


def returns_itself(req):
    return returns_itself


def raises_server_return(req):
    raise apache.SERVER_RETURN(apache.HTTP_FORBIDDEN)


def unicode_text(req):
    return "caf\\u00e9"
"""


@pytest.fixture
def site(publisher_site):
    return publisher_site({"out.py": PAGE})


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        ("text", b"plain text", "text/plain"),
        ("html_upper", b"<HTML><BODY>x</BODY></HTML >  \n", "text/html"),
        ("html_not_at_end", b"<html></html> trailing words", "text/plain"),
        ("html_far_back", b"<html></html>" + b" " * 200, "text/plain"),  # tag not in last 100
        ("raw_bytes", b"\x00\xffbinary", "text/plain"),
        ("bytes_html", b"<html>b</html>", "text/html"),
        ("number", b"42", "text/plain"),
        ("a_list", b"['a', 'b']", "text/plain"),
        ("a_dict", b"{'k': 'v'}", "text/plain"),
        ("TITLE", b"constant page", "text/plain"),
        ("LIST", b"[1, 2]", "text/plain"),
        ("own_content_type", b'{"a": 1}', "application/json"),
        ("unicode_text", "caf\u00e9".encode(), "text/plain"),
    ],
)
def test_result_is_written_with_the_guessed_content_type(site, name, body, content_type):
    response = site.get(f"/out.py/{name}")
    assert (response.status, response.body) == (200, body)
    assert response.header("Content-Type") == content_type


def test_unflushed_result_goes_out_with_a_content_length(site):
    response = site.get("/out.py/text")
    assert response.header("Content-Length") == "10"


@pytest.mark.parametrize("name", ["nothing", "NOTHING"])
def test_none_writes_nothing(site, name):
    response = site.get(f"/out.py/{name}")
    assert (response.status, response.body) == (200, b"")


def test_nothing_to_publish_is_logged_with_debug_on(publisher_site):
    site = publisher_site({"out.py": PAGE}, debug="On")
    site.get("/out.py/nothing")
    assert "mod_python.publisher: nothing to publish." in site.error_log


def test_nothing_to_publish_is_not_logged_after_a_write(publisher_site):
    site = publisher_site({"out.py": PAGE}, debug="On")
    assert site.get("/out.py/writes_only").body == b"only written"
    assert "nothing to publish" not in site.error_log


def test_nothing_to_publish_is_not_logged_with_debug_off(site):
    site.get("/out.py/nothing")
    assert "nothing to publish" not in site.error_log


def test_written_output_comes_before_the_returned_text(site):
    assert site.get("/out.py/writes_then_returns").body == b"written;returned"


def test_status_set_by_the_function_is_kept(site):
    response = site.get("/out.py/status_and_text")
    assert (response.status, response.body) == (201, b"created")


def test_callable_result_is_called_in_turn_with_the_form(site):
    assert site.get("/out.py/returns_callable?name=bob").body == b"called again with bob"


def test_callable_returning_itself_ends_in_a_500(site):
    assert site.get("/out.py/returns_itself").status == 500
    assert "published object returned callables 64 times" in site.error_log


def test_exception_is_a_500_without_traceback_when_debug_is_off(site):
    response = site.get("/out.py/raises")
    assert response.status == 500
    assert b"Traceback" not in response.body
    assert "RuntimeError: published function failed" in site.error_log


def test_exception_shows_the_traceback_with_debug_on(publisher_site):
    site = publisher_site({"out.py": PAGE}, debug="On")
    response = site.get("/out.py/raises")
    assert response.status == 500
    assert b"published function failed" in response.body


def test_server_return_from_the_function_is_its_status(site):
    assert site.get("/out.py/raises_server_return").status == 403
