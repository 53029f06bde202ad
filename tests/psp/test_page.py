"""The ``PSP`` class and the page globals (SPEC 8.2), driven from handlers and pages."""

from __future__ import annotations

import pytest

from mod_python import Session, apache, psp


def serve(psp_site, handler, files: dict | None = None, path: str = "/run.py", **request):
    """GET ``path`` on a site whose ``.py`` handler is ``handler``; returns the response."""
    site = psp_site(files or {}, handler=handler)
    return site.get(path, **request)


def run_page(req, filename="page.psp", **kwargs):
    psp.PSP(req, filename, **kwargs).run()
    return apache.OK


# ---- construction -----------------------------------------------------------------------------


def test_filename_and_string_together_are_refused(psp_site):
    seen = {}

    def handler(req):
        try:
            psp.PSP(req, filename="page.psp", string="x")
        except ValueError as error:
            seen["error"] = str(error)
        return apache.OK

    serve(psp_site, handler)
    assert seen["error"] == "Must specify either filename or string"


def test_relative_filename_is_beside_the_request_file(psp_site):
    response = serve(psp_site, run_page, {"page.psp": "beside <%= 1 %>"})
    assert response.body == b"beside 1"


def test_default_filename_is_the_request_file(psp_site):
    seen = {}

    def handler(req):
        seen["filename"] = psp.PSP(req, string=None, filename=None).filename
        return apache.OK

    serve(psp_site, handler)
    assert seen["filename"].endswith("/run.py")


def test_missing_file_is_not_found(psp_site):
    assert serve(psp_site, lambda req: run_page(req, "absent.psp")).status == 404


@pytest.mark.parametrize("template", ["from <%= 'a string' %>", b"from <%= 'a string' %>"])
def test_page_from_a_string_str_or_bytes(psp_site, template):
    def handler(req):
        page = psp.PSP(req, string=template)
        assert page.code.co_filename == "__psp__"
        page.run()
        return apache.OK

    assert serve(psp_site, handler).body == b"from a string"


def test_same_string_is_compiled_once(psp_site):
    seen = []

    def handler(req):
        seen.extend(psp.PSP(req, string="cached <%= 2 %>").code for _ in range(2))
        return apache.OK

    serve(psp_site, handler)
    assert seen[0] is seen[1]


# ---- run: globals and vars ----------------------------------------------------------------------


def test_run_vars_override_constructor_vars_override_globals(psp_site):
    def handler(req):
        page = psp.PSP(req, "page.psp", vars={"a": "ctor", "b": "ctor", "psp": "ctor"})
        page.run({"b": "run"})
        return apache.OK

    page = "<%= a %> <%= b %> <%= psp %>"
    assert serve(psp_site, handler, {"page.psp": page}).body == b"ctor run ctor"


def test_page_globals(psp_site):
    page = (
        "<%= type(psp).__name__ %>|<%= __file__.endswith('/run.py') %>|<%= __mp_path__ %>|"
        "<%= __mp_info__.file == req.filename %>|<%= __name__ %>|<%= apache.OK %>"
    )
    body = serve(psp_site, run_page, {"page.psp": page}).body
    assert body == b"PSPInterface|True|[]|True|mod_python.psp|0"


def test_page_globals_do_not_leak_between_runs(psp_site):
    def handler(req):
        psp.PSP(req, "set.psp").run()
        psp.PSP(req, "get.psp").run()
        return apache.OK

    files = {"set.psp": "<% leaked = 1 %>", "get.psp": "<%= 'leaked' in globals() %>"}
    assert serve(psp_site, handler, files).body == b"False"


def test_flush_sends_the_output_at_once(psp_site):
    def handler(req):
        psp.PSP(req, "page.psp").run(flush=1)
        req.write(" then more")
        return apache.OK

    response = serve(psp_site, handler, {"page.psp": "page"})
    assert response.chunks[0] == b"page"


def test_str_of_a_page_runs_it_as_html(psp_site):
    seen = {}

    def handler(req):
        seen["str"] = str(psp.PSP(req, "page.psp"))
        return apache.OK

    response = serve(psp_site, handler, {"page.psp": "via str"})
    assert (response.body, seen["str"]) == (b"via str", "")
    assert response.header("Content-Type") == "text/html"


# ---- form --------------------------------------------------------------------------------------


def test_form_is_made_when_named_and_kept_on_req(psp_site):
    seen = {}

    def handler(req):
        psp.PSP(req, "page.psp").run()
        seen["form"] = req.form
        return apache.OK

    body = serve(psp_site, handler, {"page.psp": "<%= form is req.form %>"},
                 path="/run.py?a=1&empty=").body  # fmt: skip
    assert body == b"True"
    assert [field.name for field in seen["form"].list] == ["a", "empty"]


def test_existing_req_form_is_reused(psp_site):
    marker = object()

    def handler(req):
        req.form = marker
        psp.PSP(req, "page.psp").run({"marker": marker})
        return apache.OK

    assert serve(psp_site, handler, {"page.psp": "<%= form is marker %>"}).body == b"True"


def test_apply_data_calls_with_form_fields(psp_site):
    page = "<%\ndef area(width, height):\n    return int(width) * int(height)\n# end\n%><%= psp.apply_data(area) %>"
    response = serve(psp_site, run_page, {"page.psp": page}, path="/run.py?width=3&height=4")
    assert response.body == b"12"


# ---- session -----------------------------------------------------------------------------------


class RecordingSession(dict):
    """A stand-in for Session.Session that records what the page machinery does to it."""

    made: list = []

    def __init__(self, req):
        super().__init__()
        self.calls = []
        RecordingSession.made.append(self)

    def save(self):
        self.calls.append("save")

    def unlock(self):
        self.calls.append("unlock")


@pytest.fixture
def recording_sessions(monkeypatch):
    RecordingSession.made = []
    monkeypatch.setattr(Session, "Session", RecordingSession)
    return RecordingSession.made


def test_session_is_not_made_for_a_page_that_does_not_name_it(psp_site, recording_sessions):
    assert serve(psp_site, run_page, {"page.psp": "<%= 1 %>"}).body == b"1"
    assert recording_sessions == []


def test_session_made_by_the_page_is_saved_unlocked_and_removed(psp_site, recording_sessions):
    seen = {}

    def handler(req):
        psp.PSP(req, "page.psp").run()
        seen["left_on_req"] = hasattr(req, "session")
        return apache.OK

    body = serve(
        psp_site, handler, {"page.psp": "<% session['k'] = 1 %><%= session is req.session %>"}
    ).body
    assert body == b"True"
    assert [session.calls for session in recording_sessions] == [["save", "unlock"]]
    assert seen["left_on_req"] is False


def test_existing_req_session_is_reused_saved_and_left_locked(psp_site, recording_sessions):
    seen = {}

    def handler(req):
        req.session = existing = RecordingSession(req)
        psp.PSP(req, "page.psp").run()
        seen["kept"] = req.session is existing
        return apache.OK

    serve(psp_site, handler, {"page.psp": "<% session['k'] = 1 %>"})
    assert [session.calls for session in recording_sessions] == [["save"]]
    assert seen["kept"] is True


def test_session_made_by_a_failing_page_is_unlocked(psp_site, recording_sessions):
    page = "<%\nsession['k'] = 1\nraise ValueError('boom')\n%>"
    assert serve(psp_site, run_page, {"page.psp": page}).status == 500
    assert [session.calls for session in recording_sessions] == [["unlock"]]


def test_real_session_sets_a_cookie(psp_site):
    response = serve(psp_site, run_page, {"page.psp": "<%= session.is_new() %>"})
    assert response.body == b"True"
    assert "pysid=" in response.header("Set-Cookie")


# ---- error pages -------------------------------------------------------------------------------


def test_error_page_gets_the_exception_tuple(psp_site):
    files = {
        "page.psp": "okay <%\npsp.set_error_page('fail.psp')\nraise KeyError('k')\n%>",
        "fail.psp": "<%= exception[0].__name__ %> <%= exception[1] %> <%= exception[2] is not None %>",
    }
    assert serve(psp_site, run_page, files).body == b"okay KeyError 'k' True"


def test_error_page_from_the_document_root(psp_site):
    files = {
        "sub/page.psp": "<%\npsp.set_error_page('/errors/fail.psp')\n1 / 0\n%>",
        "errors/fail.psp": "root error page: <%= exception[0].__name__ %>",
    }
    body = serve(psp_site, lambda req: run_page(req, "sub/page.psp"), files).body
    assert body == b"root error page: ZeroDivisionError"


def test_missing_error_page_is_not_found(psp_site):
    files = {"page.psp": "<%\npsp.set_error_page('absent.psp')\n%>"}
    assert serve(psp_site, run_page, files).status == 404


def test_error_without_error_page_is_raised_as_is(psp_site):
    seen = {}

    def handler(req):
        try:
            psp.PSP(req, "page.psp").run()
        except LookupError as error:
            seen["error"] = error
        return apache.OK

    serve(psp_site, handler, {"page.psp": "<% [][1] %>"})
    assert type(seen["error"]) is IndexError


def test_redirect_from_a_page(psp_site):
    response = serve(psp_site, run_page, {"page.psp": "<% psp.redirect('/elsewhere') %>"})
    assert response.status == 302
    assert response.header("Location") == "/elsewhere"


# ---- display_code ------------------------------------------------------------------------------


def test_display_code_shows_generated_and_template_lines(psp_site):
    def handler(req):
        psp.PSP(req, "page.psp").display_code()
        return apache.OK

    body = serve(psp_site, handler, {"page.psp": "<b>\t<%= x %></b>\n"}).text
    lines = body.splitlines()
    assert lines[0] == "<table>"
    assert lines[1].startswith("<tr><td><tt></tt></td><td><tt>&nbsp;PSP-produced Python Code:")
    assert lines[1].endswith("/page.psp:</tt></td></tr>")
    assert lines[2] == (
        "<tr><td><tt>1.&nbsp;</tt></td><td><tt><font color=blue>req.write(&quot;&quot;&quot;"
        "&lt;b&gt;&nbsp;&nbsp;&nbsp;&nbsp;&quot;&quot;&quot;,0);&nbsp;req.write(str(&nbsp;x&nbsp;),0);"
        "&nbsp;req.write(&quot;&quot;&quot;&lt;/b&gt;</font></tt></td><td><tt>&nbsp;<font color=green>"
        "&lt;b&gt;&nbsp;&nbsp;&nbsp;&nbsp;&lt;%=&nbsp;x&nbsp;%&gt;&lt;/b&gt;</font></tt></td></tr>"
    )
    assert lines[-1] == "</table>"
