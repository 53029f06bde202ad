"""mod_python's phases and stacked-handler rules (SPEC 2.1-2.5), phase by phase.

One handler module, ``ph``, serves every case: the query string says what each handler
(``a``, ``b``, ``c``) does, every handler logs "ran <name> in <phase>", and the tests read
the order back from the error log.
"""

from __future__ import annotations

import re

import pytest

PH = """
from mod_python import apache

ACTIONS = {
    "OK": apache.OK, "DECLINED": apache.DECLINED, "DONE": apache.DONE,
    "404": apache.HTTP_NOT_FOUND, "403": apache.HTTP_FORBIDDEN, "NONE": None, "STR": "ok",
    "TRUE": True,
}

def _act(req, name):
    wanted = dict(p.split("=", 1) for p in (req.args or "").split("&") if "=" in p)
    action = wanted.get(name, "OK")
    req.log_error("ran %s in %s" % (name, req.phase))
    if req.phase == "PythonAuthenHandler":
        req.user = "someone"
    if req.phase == "PythonTransHandler" and action == "OK":
        req.filename = req.document_root() + "/ph.py"
    if action == "RAISE":
        raise ValueError("boom <in> %s" % name)
    if action == "SR_OK":
        raise apache.SERVER_RETURN(apache.OK)
    if action == "SR_DONE_201":
        raise apache.SERVER_RETURN(apache.DONE, 201)
    if action == "SR_TUPLE":
        raise apache.SERVER_RETURN((apache.OK, 201))
    if action == "SR_EMPTY":
        raise apache.SERVER_RETURN()
    return ACTIONS[action]

def a(req):
    return _act(req, "a")

def b(req):
    return _act(req, "b")

def c(req):
    return _act(req, "c")

def authen_ok(req):
    req.user = "someone"
    return apache.OK

def content(req):
    req.content_type = "text/plain"
    req.write("content ran")
    return apache.OK
"""

# Phases whose directives live at server level (no directory config yet).
SERVER_LEVEL = {"PythonPostReadRequestHandler", "PythonTransHandler", "PythonInitHandler"}

# SPEC 2.3: which results let the next stacked handler run.
CONTINUE_ON = {
    "PythonPostReadRequestHandler": {"OK", "DECLINED"},
    "PythonTransHandler": {"DECLINED"},
    "PythonInitHandler": {"OK", "DECLINED"},
    "PythonHeaderParserHandler": {"OK", "DECLINED"},
    "PythonAccessHandler": {"OK", "DECLINED"},
    "PythonAuthenHandler": {"DECLINED"},
    "PythonAuthzHandler": {"DECLINED"},
    "PythonTypeHandler": {"DECLINED"},
    "PythonFixupHandler": {"OK", "DECLINED"},
    "PythonHandler": {"OK"},
    "PythonLogHandler": {"OK", "DECLINED"},
}
# Phases run before the response is decided (an error there becomes the response).
BEFORE_CONTENT = [p for p in CONTINUE_ON if p not in ("PythonHandler", "PythonLogHandler")]


def conf_for(phase: str, debug: bool = False) -> str:
    handlers = f"{phase} ph::a ph::b ph::c"
    content = "" if phase == "PythonHandler" else "PythonHandler ph::content"
    auth = "AuthType Basic\nAuthName realm\nRequire valid-user" if phase in (
        "PythonAuthenHandler", "PythonAuthzHandler") else ""  # fmt: skip
    if phase == "PythonAuthzHandler":
        auth += "\nPythonAuthenHandler ph::authen_ok"
    # Server-level handlers have no directory to import from: they need PythonPath.
    server_part = (
        f"PythonPath \"[r'{{docroot}}'] + sys.path\"\n{handlers}" if phase in SERVER_LEVEL else ""
    )
    dir_part = "" if phase in SERVER_LEVEL else handlers
    return f"""
PythonDebug {"On" if debug else "Off"}
{server_part}
<Directory "{{docroot}}">
    SetHandler mod_python
    {dir_part}
    {content}
    {auth}
</Directory>
"""


def ran(site, phase: str) -> list[str]:
    return re.findall(rf"ran (\w) in {phase}\b", site.error_log)


@pytest.fixture
def phase_site(make_site):
    def build(phase, debug=False):
        return make_site(conf_for(phase, debug), {"ph.py": PH})

    return build


@pytest.mark.parametrize("phase", list(CONTINUE_ON))
@pytest.mark.parametrize("first", ["OK", "DECLINED"])
def test_stacked_handler_continues_only_on_the_phase_continue_set(phase_site, phase, first):
    site = phase_site(phase)
    # For authz the authen handler "a" runs first; give authz's own "a" the tested result too.
    site.get(f"/ph.py?a={first}&b={first}&c={first}")
    expected = ["a", "b", "c"] if first in CONTINUE_ON[phase] else ["a"]
    assert ran(site, phase) == expected


@pytest.mark.parametrize("phase", list(CONTINUE_ON))
@pytest.mark.parametrize("result", ["DONE", "404"])
def test_done_and_http_errors_always_stop_the_chain(phase_site, phase, result):
    site = phase_site(phase)
    site.get(f"/ph.py?a={result}")
    assert ran(site, phase) == ["a"]


@pytest.mark.parametrize("phase", BEFORE_CONTENT)
def test_http_error_before_content_becomes_the_response(phase_site, phase):
    site = phase_site(phase)
    response = site.get("/ph.py?a=403")
    assert response.status == 403
    assert b"<title>403 Forbidden</title>" in response.body
    assert b"content ran" not in response.body


@pytest.mark.parametrize("phase", BEFORE_CONTENT)
def test_done_before_content_ends_the_request_without_the_content_handler(phase_site, phase):
    site = phase_site(phase)
    response = site.get("/ph.py?a=DONE")
    assert response.status == 200
    assert response.body == b""


@pytest.mark.parametrize("phase", list(CONTINUE_ON))
def test_exception_with_debug_off_gives_the_500_page_and_logs_the_traceback(phase_site, phase):
    site = phase_site(phase)
    response = site.get("/ph.py?a=RAISE")
    if phase == "PythonLogHandler":
        assert response.status == 200  # the response was already decided
    else:
        assert response.status == 500
        assert b"<title>500 Internal Server Error</title>" in response.body
        assert b"boom" not in response.body
    assert f"{phase} ph::a: ValueError: boom <in> a" in site.error_log
    assert f"{phase} ph::a: Traceback (most recent call last):" in site.error_log


@pytest.mark.parametrize("phase", [p for p in CONTINUE_ON if p != "PythonLogHandler"])
def test_exception_with_debug_on_shows_the_escaped_traceback(phase_site, phase):
    site = phase_site(phase, debug=True)
    response = site.get("/ph.py?a=RAISE")
    assert response.status == 500
    assert response.header("Content-Type") == "text/html"
    body = response.text
    assert body.startswith(
        f'\n<pre>\nMod_python error: "{phase} ph::a"\n\nTraceback (most recent call last):\n'
    )
    assert "ValueError: boom &lt;in&gt; a\n\n</pre>\n" in body
    assert "content ran" not in body


@pytest.mark.parametrize("phase", list(CONTINUE_ON))
@pytest.mark.parametrize("value", ["NONE", "STR", "TRUE"])
def test_non_int_result_is_an_error(phase_site, phase, value):
    site = phase_site(phase)
    response = site.get(f"/ph.py?a={value}")
    if phase != "PythonLogHandler":
        assert response.status == 500
    assert "non integer type" in site.error_log
    assert ran(site, phase) == ["a"]


@pytest.mark.parametrize("phase", [p for p in CONTINUE_ON if "OK" in CONTINUE_ON[p]])
def test_server_return_ok_behaves_like_returning_ok(phase_site, phase):
    site = phase_site(phase)
    site.get("/ph.py?a=SR_OK")
    assert ran(site, phase) == ["a", "b", "c"]


@pytest.mark.parametrize("phase", BEFORE_CONTENT + ["PythonHandler"])
def test_server_return_two_arguments_sets_the_status(phase_site, phase):
    site = phase_site(phase)
    response = site.get("/ph.py?a=SR_DONE_201")
    assert response.status == 201
    assert ran(site, phase) == ["a"]


@pytest.mark.parametrize("form", ["SR_TUPLE", "SR_EMPTY"])
def test_server_return_with_a_tuple_or_nothing_is_an_error(phase_site, form):
    site = phase_site("PythonHandler")
    response = site.get(f"/ph.py?a={form}")
    assert response.status == 500
    expected = "non integer type" if form == "SR_TUPLE" else "IndexError"
    assert expected in site.error_log


def test_content_declined_falls_back_to_the_static_file(phase_site):
    site = phase_site("PythonHandler")
    response = site.get("/ph.py?a=DECLINED")
    assert ran(site, "PythonHandler") == ["a"]
    assert response.status == 200
    assert response.body == (site.docroot / "ph.py").read_bytes()


def test_phase_without_handlers_does_not_create_a_handler_list(make_site):
    site = make_site("", {"f.txt": "static"})
    response = site.get("/f.txt")
    assert (response.status, response.body) == (200, b"static")


def test_authen_ok_without_user_is_a_server_error(make_site):
    files = {
        "au.py": "from mod_python import apache\ndef authenhandler(req):\n    return apache.OK\n"
    }
    site = make_site(
        """
        <Directory "{docroot}">
            AuthType Basic
            AuthName realm
            Require valid-user
            PythonAuthenHandler au
        </Directory>
        """,
        files | {"f.txt": "x"},
    )
    assert site.get("/f.txt").status == 500
    assert "req->user is NULL" in site.error_log


def test_authen_unauthorized_adds_the_basic_challenge(make_site):
    files = {
        "au.py": "from mod_python import apache\ndef authenhandler(req):\n    return apache.HTTP_UNAUTHORIZED\n"
    }
    site = make_site(
        """
        <Directory "{docroot}">
            AuthType Basic
            AuthName "the realm"
            Require valid-user
            PythonAuthenHandler au
        </Directory>
        """,
        files | {"f.txt": "x"},
    )
    response = site.get("/f.txt")
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="the realm"'


def test_cleanup_handler_runs_after_the_response_and_never_reaches_the_client(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonDebug On
            PythonHandler ph::content
            PythonCleanupHandler ph::a
        </Directory>
        """,
        {"ph.py": PH},
    )
    response = site.get("/ph.py?a=RAISE")
    assert response.body == b"content ran"
    assert "PythonCleanupHandler ph::a: ValueError: boom <in> a" in site.error_log


def test_server_level_init_handler_runs_before_post_read_request(make_site):
    site = make_site(
        """
        PythonPath "[r'{docroot}'] + sys.path"
        PythonInitHandler ph::a
        PythonPostReadRequestHandler ph::b
        <Directory "{docroot}">
            SetHandler mod_python
            PythonHandler ph::content
        </Directory>
        """,
        {"ph.py": PH},
    )
    site.get("/ph.py")
    assert re.findall(r"ran (\w) in (\w+)", site.error_log) == [
        ("a", "PythonInitHandler"), ("b", "PythonPostReadRequestHandler"),
    ]  # fmt: skip


def test_directory_level_init_handler_does_not_run_for_main_requests(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonInitHandler ph::a
            PythonHandler ph::content
        </Directory>
        """,
        {"ph.py": PH},
    )
    assert site.get("/ph.py").body == b"content ran"
    assert ran(site, "PythonInitHandler") == []


def test_extension_list_replaces_the_plain_list(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonHandler ph::content
            PythonHandler ph::a | .py
        </Directory>
        """,
        {"ph.py": PH, "x.txt": "static"},
    )
    site.get("/ph.py?a=OK")
    assert ran(site, "PythonHandler") == ["a"]
    assert site.get("/x.txt").body == b"content ran"


def test_trans_handler_rejects_extension_syntax(make_site):
    from mod_python._engine.config.parser import ConfigError

    with pytest.raises(ConfigError, match='does not accept "| .ext" syntax'):
        make_site("PythonTransHandler ph | .py")


def test_content_handler_runs_only_for_the_mod_python_handler(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            PythonHandler ph::content
        </Directory>
        """,
        {"ph.py": PH},
    )
    assert site.get("/ph.py").body == (site.docroot / "ph.py").read_bytes()


def test_missing_handler_object_names_the_module_file(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonHandler ph::nothing_here
        </Directory>
        """,
        {"ph.py": PH},
    )
    assert site.get("/ph.py").status == 500
    assert f"module '{site.docroot}/ph.py' contains no 'nothing_here'" in site.error_log


def test_dotted_object_instantiates_the_class_with_req(make_site):
    files = {
        "cls.py": """
            from mod_python import apache

            class Page:
                def __init__(self, req):
                    self.greeting = "made with " + req.uri

                def show(self, req):
                    req.write(self.greeting)
                    return apache.OK
            """
    }
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonHandler cls::Page.show
        </Directory>
        """,
        files,
    )
    assert site.get("/cls.py").body == b"made with /cls.py"


def test_handler_module_runs_the_phase_functions_it_has_and_skips_the_rest(make_site):
    files = {
        "whole.py": """
            from mod_python import apache

            def fixuphandler(req):
                req.log_error("fixup of whole ran")
                return apache.OK

            def handler(req):
                req.write("content of whole")
                return apache.OK
            """
    }
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonHandlerModule whole
        </Directory>
        """,
        files,
    )
    response = site.get("/whole.py")
    assert (response.status, response.body) == (200, b"content of whole")
    assert "fixup of whole ran" in site.error_log
    assert "contains no" not in site.error_log
