"""Header injection: a value taken from the request and put in a response header must never
split the response. httpd refuses such a header with a 500 and logs AH02430 (seen on the
oracle for headers_out, err_headers_out, Content-Type, Set-Cookie and Location)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import header_block, raw_exchange, status_of

SPLITTING_VALUES = ["a\r\nX-Injected: 1", "a\nX-Injected: 1", "a\rX-Injected: 1"]
HEADER_ECHOES = ["headers_out", "err_headers_out", "content_type"]


def echo(site, kind: str, value: str):
    return site.get(f"/echo.py?kind={kind}&value={quote(value, safe='')}")


def no_control_characters(headers) -> bool:
    return all(not any(ord(c) < 32 and c != "\t" for c in name + value) for name, value in headers)


@pytest.mark.parametrize("value", SPLITTING_VALUES)
def test_redirect_location_with_line_break_is_a_logged_500(echo_site, value):
    site = echo_site()
    response = echo(site, "redirect", value)
    assert response.status == 500
    assert response.header("Location") is None
    assert "X-Injected" not in response.header_names()
    assert "control character" in site.error_log


@pytest.mark.parametrize("value", SPLITTING_VALUES)
def test_cookie_value_with_line_break_is_a_logged_500(echo_site, value):
    site = echo_site()
    response = echo(site, "cookie", value)
    assert response.status == 500
    assert response.header_values("Set-Cookie") == []
    assert "Set-Cookie value contains a control character" in site.error_log


def test_cookie_value_with_nul_is_a_logged_500(echo_site):
    # httpd would cut the value at the NUL (a C string); refusing it is the safer reading.
    site = echo_site()
    assert echo(site, "cookie", "a\x00b").status == 500
    assert "Set-Cookie value contains a control character" in site.error_log


def test_cookie_value_without_controls_is_sent(echo_site):
    response = echo(echo_site(), "cookie", "plain value")
    assert response.status == 200
    assert response.header("Set-Cookie").startswith("echo=")


@pytest.mark.parametrize("kind", HEADER_ECHOES)
def test_nul_in_a_header_value_ends_it(echo_site, kind):
    # httpd keeps header values as C strings: whatever follows a NUL is gone.
    response = echo(echo_site(), kind, "text/plain\x00X-Injected: 1")
    assert no_control_characters(response.headers)
    assert all("X-Injected" not in value for _, value in response.headers)


@pytest.mark.parametrize("kind", HEADER_ECHOES)
@pytest.mark.parametrize("value", SPLITTING_VALUES)
def test_handler_header_with_line_break_is_a_logged_500(echo_site, kind, value):
    site = echo_site()
    response = echo(site, kind, value)
    assert response.status == 500
    assert no_control_characters(response.headers)
    assert "contains invalid characters" in site.error_log


def test_live_response_cannot_be_split_through_headers_out(echo_site, live_server):
    base = live_server(echo_site())
    target = "/echo.py?kind=headers_out&value=" + quote("a\r\nX-Injected: 1", safe="")
    answer = raw_exchange(base, f"GET {target} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
    assert status_of(answer) == 500
    assert b"\r\nX-Injected:" not in header_block(answer)


def test_live_response_cannot_be_split_through_a_cookie(echo_site, live_server):
    base = live_server(echo_site())
    target = "/echo.py?kind=cookie&value=" + quote("a\r\nX-Injected: 1", safe="")
    answer = raw_exchange(base, f"GET {target} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
    assert status_of(answer) == 500
    assert b"X-Injected" not in header_block(answer)


@pytest.mark.parametrize("kind, statuses", [("cookie", (200, 500)), ("redirect", (302, 500))])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_any_value_gives_a_clean_header_or_a_500(echo_site, kind, statuses, value):
    response = echo(echo_site(), kind, value)
    assert response.status in statuses
    assert no_control_characters(response.headers)


PSP_REDIRECT = """<%
from mod_python import util
psp.redirect(util.parse_qs(req.args)["to"][0])
%>"""


def test_psp_redirect_with_line_break_is_a_logged_500(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            AddHandler mod_python .psp
            PythonHandler mod_python.psp
        </Directory>
        """,
        files={"go.psp": PSP_REDIRECT},
    )
    response = site.get("/go.psp?to=" + quote("/x\r\nX-Injected: 1", safe=""))
    assert response.status == 500
    assert "X-Injected" not in response.header_names()
    assert "control character" in site.error_log


UNFLUSHED_HANDLERS = {
    # Returns without writing: the held headers are checked once the handler is done.
    "silent.py": """\
        from mod_python import apache

        def handler(req):
            req.headers_out["X-Echo"] = req.args.replace("-", "\\r\\n")
            return apache.OK
        """,
    # Writes with flush=0 only: nothing goes out before the end of the request.
    "buffered.py": """\
        from mod_python import apache

        def handler(req):
            req.headers_out["X-Echo"] = req.args.replace("-", "\\r\\n")
            req.write("payload42", 0)
            return apache.OK
        """,
    # Swallows the write error of its flush and answers OK anyway.
    "swallow.py": """\
        from mod_python import apache

        def handler(req):
            req.headers_out["X-Echo"] = req.args.replace("-", "\\r\\n")
            try:
                req.write("payload42")
            except OSError:
                pass
            return apache.OK
        """,
    # A control character in a header *name* (httpd AH02429).
    "badname.py": """\
        from mod_python import apache

        def handler(req):
            req.headers_out["X-" + req.args.replace("-", "\\r\\n")] = "1"
            req.write("payload42")
            return apache.OK
        """,
}


@pytest.mark.parametrize("page", sorted(UNFLUSHED_HANDLERS))
def test_a_split_header_is_a_logged_500_however_the_handler_ends(make_site, page):
    site = make_site(
        "<Directory {docroot}>\n SetHandler mod_python\n PythonHandler %s\n</Directory>\n"
        % page[:-3],
        files=UNFLUSHED_HANDLERS,
    )
    response = site.get(f"/{page}?a-X-Injected:1")
    assert response.status == 500
    assert "X-Injected" not in response.header_names()
    assert b"payload42" not in response.body
    assert ("AH02429" if page == "badname.py" else "AH02430") in site.error_log
