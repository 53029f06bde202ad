"""The wsgi-script handler: SetHandler/AddHandler, callable and group selection, reloading,
the environ mod_wsgi builds, and how responses and errors come out."""

from __future__ import annotations

import os

import pytest
from script_samples import ENVIRON_SCRIPT, environ_of

COUNTER_SCRIPT = """
hits = 0

def application(environ, start_response):
    global hits
    hits += 1
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{environ['mod_wsgi.application_group']}:{hits}".encode()]
"""


def alias_site(wsgi_site, script: str, extra: str = "", name: str = "app.wsgi"):
    return wsgi_site(f"WSGIScriptAlias /app {{scripts}}/{name}\n{extra}", scripts={name: script})


# ---- handler selection ----------------------------------------------------------------------


def test_sethandler_with_execcgi_runs_scripts_in_the_document_root(wsgi_site):
    site = wsgi_site(
        """
        <Directory "{docroot}/apps">
            Options ExecCGI
            SetHandler wsgi-script
        </Directory>
        """,
        files={"apps/a.wsgi": ENVIRON_SCRIPT},
    )
    response = site.get("/apps/a.wsgi/more?SCRIPT_NAME&PATH_INFO")
    assert environ_of(response) == {"SCRIPT_NAME": "'/apps/a.wsgi'", "PATH_INFO": "'/more'"}


def test_addhandler_selects_scripts_by_extension(wsgi_site):
    site = wsgi_site(
        """
        <Directory "{docroot}">
            Options +ExecCGI
            AddHandler wsgi-script .wsgi
        </Directory>
        """,
        files={"a.wsgi": ENVIRON_SCRIPT, "plain.txt": "just text"},
    )
    assert environ_of(site.get("/a.wsgi?SCRIPT_NAME")) == {"SCRIPT_NAME": "'/a.wsgi'"}
    assert site.get("/plain.txt").body == b"just text"


def test_sethandler_without_execcgi_is_forbidden(wsgi_site):
    site = wsgi_site(
        '<Directory "{docroot}">\nSetHandler wsgi-script\n</Directory>',
        files={"a.wsgi": ENVIRON_SCRIPT},
    )
    assert site.get("/a.wsgi").status == 403
    assert "Options ExecCGI is off in this directory: " in site.error_log


# ---- WSGICallableObject and WSGIApplicationGroup -----------------------------------------


def test_callable_object_names_another_function(wsgi_site):
    script = "def main(environ, start_response):\n    start_response('200 OK', [])\n    return [b'main']\n"
    site = alias_site(wsgi_site, script, "WSGICallableObject main")
    assert site.get("/app").body == b"main"


def test_callable_object_from_an_environment_variable(wsgi_site):
    script = (
        "def one(e, s):\n    s('200 OK', [])\n    return [b'one']\n"
        "def two(e, s):\n    s('200 OK', [])\n    return [b'two']\n"
    )
    site = alias_site(wsgi_site, script, "SetEnv WHICH two\nWSGICallableObject %{ENV:WHICH}")
    assert site.get("/app").body == b"two"


def test_a_missing_callable_is_404_and_logged(wsgi_site):
    site = alias_site(wsgi_site, "x = 1\n")
    assert site.get("/app").status == 404
    assert "does not contain WSGI application 'application'." in site.error_log


@pytest.mark.parametrize(
    "directive, expected",
    [("", "{server}|/app"),
     ("WSGIApplicationGroup %{GLOBAL}", ""),
     ("WSGIApplicationGroup %{SERVER}", "{server}"),
     ("WSGIApplicationGroup %{RESOURCE}", "{server}|/app"),
     ("WSGIApplicationGroup named", "named"),
     ("SetEnv GROUP fromenv\nWSGIApplicationGroup %{ENV:GROUP}", "fromenv")],
)  # fmt: skip
def test_application_group_names(wsgi_site, directive, expected):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT, directive)
    value = environ_of(site.get("/app?mod_wsgi.application_group"))
    assert value == {"mod_wsgi.application_group": repr(expected.format(server=site.server_name))}


def test_server_group_name_carries_a_non_default_port(wsgi_site):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT, "WSGIApplicationGroup %{SERVER}")
    response = site.get("/app?mod_wsgi.application_group", environ={"SERVER_PORT": "8080"})
    assert environ_of(response) == {"mod_wsgi.application_group": f"'{site.server_name}:8080'"}


def test_each_group_keeps_its_own_globals_for_the_same_script(wsgi_site):
    site = wsgi_site(
        """
        WSGIScriptAlias /one {scripts}/count.wsgi application-group=one
        WSGIScriptAlias /two {scripts}/count.wsgi application-group=two
        """,
        scripts={"count.wsgi": COUNTER_SCRIPT},
    )
    answers = [site.get(uri).body for uri in ("/one", "/one", "/two", "/one", "/two")]
    assert answers == [b"one:1", b"one:2", b"two:1", b"one:3", b"two:2"]


def test_one_group_shares_a_script_between_urls(wsgi_site):
    site = wsgi_site(
        """
        WSGIApplicationGroup together
        WSGIScriptAlias /one {scripts}/count.wsgi
        WSGIScriptAlias /two {scripts}/count.wsgi
        """,
        scripts={"count.wsgi": COUNTER_SCRIPT},
    )
    assert [site.get(uri).body for uri in ("/one", "/two")] == [b"together:1", b"together:2"]


# ---- WSGIScriptReloading ----------------------------------------------------------------


def touch_with(path, text: str) -> None:
    """Rewrite a script with a later modification time (file systems may round mtimes)."""
    before = os.stat(path).st_mtime
    path.write_text(text)
    os.utime(path, (before + 2, before + 2))


def test_a_touched_script_is_loaded_again(wsgi_site):
    site = alias_site(wsgi_site, COUNTER_SCRIPT, "WSGIApplicationGroup g")
    assert [site.get("/app").body for _ in range(2)] == [b"g:1", b"g:2"]
    touch_with(site.scripts / "app.wsgi", COUNTER_SCRIPT)
    assert site.get("/app").body == b"g:1"  # a fresh module: its globals start again


def test_script_reloading_off_keeps_the_loaded_module(wsgi_site):
    site = alias_site(wsgi_site, COUNTER_SCRIPT, "WSGIApplicationGroup g\nWSGIScriptReloading Off")
    assert site.get("/app").body == b"g:1"
    touch_with(site.scripts / "app.wsgi", COUNTER_SCRIPT.replace("hits = 0", "hits = 100"))
    assert site.get("/app").body == b"g:2"


def test_script_reloading_flag_is_in_the_environ(wsgi_site):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT, "WSGIScriptReloading Off")
    assert environ_of(site.get("/app?mod_wsgi.script_reloading")) == {
        "mod_wsgi.script_reloading": "'0'"
    }


def test_case_sensitivity_off_shares_a_module_between_spellings(wsgi_site):
    site = wsgi_site(
        """
        WSGICaseSensitivity Off
        WSGIApplicationGroup g
        WSGIScriptAlias /lower {scripts}/count.wsgi
        WSGIScriptAlias /upper {scripts}/COUNT.wsgi
        """,
        scripts={"count.wsgi": COUNTER_SCRIPT, "COUNT.wsgi": COUNTER_SCRIPT},
    )
    for name in ("count.wsgi", "COUNT.wsgi"):  # one file, as a case-insensitive disk has it
        os.utime(site.scripts / name, (1_700_000_000, 1_700_000_000))
    assert [site.get(uri).body for uri in ("/lower", "/upper")] == [b"g:1", b"g:2"]


# ---- the environ --------------------------------------------------------------------------


def test_environ_has_the_wsgi_and_mod_wsgi_keys(wsgi_site):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT)
    names = (
        "wsgi.version",
        "wsgi.url_scheme",
        "wsgi.run_once",
        "wsgi.input_terminated",
        "mod_wsgi.process_group",
        "mod_wsgi.request_handler",
        "mod_wsgi.script_name",
        "mod_wsgi.path_info",
        "mod_wsgi.callable_object",
        "REQUEST_METHOD",
        "PATH",
    )
    values = environ_of(site.get("/app/x?" + "&".join(names)))
    assert values == {
        "wsgi.version": "(1, 0)", "wsgi.url_scheme": "'http'", "wsgi.run_once": "False",
        "wsgi.input_terminated": "True", "mod_wsgi.process_group": "''",
        "mod_wsgi.request_handler": "'wsgi-script'", "mod_wsgi.script_name": "'/app'",
        "mod_wsgi.path_info": "'/x'", "mod_wsgi.callable_object": "'application'",
        "REQUEST_METHOD": "'GET'", "PATH": "None",
    }  # fmt: skip


@pytest.mark.parametrize(
    "directive, expected",
    [("", "None"),
     ("WSGIPassAuthorization Off", "None"),
     ("WSGIPassAuthorization On", "'Basic eDp5'")],
)  # fmt: skip
def test_pass_authorization(wsgi_site, directive, expected):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT, directive)
    response = site.get("/app?HTTP_AUTHORIZATION", headers={"Authorization": "Basic eDp5"})
    assert environ_of(response) == {"HTTP_AUTHORIZATION": expected}


def test_the_proxy_header_never_reaches_the_application(wsgi_site):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT)
    response = site.get(
        "/app?HTTP_PROXY&HTTP_X_OTHER", headers={"Proxy": "http://evil:1", "X-Other": "1"}
    )
    assert environ_of(response) == {"HTTP_PROXY": "None", "HTTP_X_OTHER": "'1'"}


PROXY_HEADERS = {
    "X-Forwarded-For": "203.0.113.9, 10.0.0.2",
    "X-Client-IP": "198.51.100.1",
    "X-Real-IP": "198.51.100.2",
    "X-Forwarded-Host": "public.example",
    "X-Forwarded-Proto": "https",
    "X-Script-Name": "/mounted",
}
PROXY_KEYS = ("REMOTE_ADDR", "HTTP_HOST", "wsgi.url_scheme", "SCRIPT_NAME", "HTTP_X_FORWARDED_FOR",
              "HTTP_X_CLIENT_IP", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_HOST")  # fmt: skip


def proxied(site, remote: str = "10.0.0.2") -> dict:
    response = site.request("GET", "/app?" + "&".join(PROXY_KEYS), headers=PROXY_HEADERS,
                            environ={"REMOTE_ADDR": remote})  # fmt: skip
    return environ_of(response)


def test_without_trusted_proxy_headers_nothing_is_touched(wsgi_site):
    values = proxied(alias_site(wsgi_site, ENVIRON_SCRIPT))
    assert values["REMOTE_ADDR"] == "'10.0.0.2'"
    assert values["HTTP_X_CLIENT_IP"] == "'198.51.100.1'"


def test_trusted_headers_are_applied_and_every_other_proxy_header_removed(wsgi_site):
    site = alias_site(
        wsgi_site, ENVIRON_SCRIPT,
        "WSGITrustedProxyHeaders X-Forwarded-For X-Forwarded-Host X-Forwarded-Proto",
    )  # fmt: skip
    assert proxied(site) == {
        "REMOTE_ADDR": "'203.0.113.9'", "HTTP_HOST": "'public.example'",
        "wsgi.url_scheme": "'https'", "SCRIPT_NAME": "'/app'",
        "HTTP_X_FORWARDED_FOR": "'203.0.113.9, 10.0.0.2'", "HTTP_X_CLIENT_IP": "None",
        "HTTP_X_REAL_IP": "None", "HTTP_X_FORWARDED_HOST": "'public.example'",
    }  # fmt: skip


def test_with_trusted_proxies_the_rightmost_untrusted_address_is_the_client(wsgi_site):
    site = alias_site(
        wsgi_site, ENVIRON_SCRIPT,
        "WSGITrustedProxyHeaders X-Forwarded-For\nWSGITrustedProxies 10.0.0.0/8",
    )  # fmt: skip
    headers = {"X-Forwarded-For": "1.1.1.1, 203.0.113.9, 10.0.0.7"}
    response = site.request("GET", "/app?REMOTE_ADDR", headers=headers,
                            environ={"REMOTE_ADDR": "10.0.0.2"})  # fmt: skip
    assert environ_of(response) == {"REMOTE_ADDR": "'203.0.113.9'"}


def test_an_untrusted_client_loses_every_header_of_the_trusted_kinds(wsgi_site):
    site = alias_site(
        wsgi_site, ENVIRON_SCRIPT,
        "WSGITrustedProxyHeaders X-Forwarded-For X-Client-IP\nWSGITrustedProxies 10.0.0.1",
    )  # fmt: skip
    values = proxied(site, remote="192.0.2.50")
    assert values["REMOTE_ADDR"] == "'192.0.2.50'"
    # Every client address header goes, X-Client-IP too (CVE-2022-2255); other kinds stay.
    assert [values[k] for k in PROXY_KEYS[4:]] == ["None", "None", "None", "'public.example'"]


def test_script_name_from_a_trusted_header(wsgi_site):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT, "WSGITrustedProxyHeaders X-Script-Name")
    assert proxied(site)["SCRIPT_NAME"] == "'/mounted'"


def test_map_head_to_get(wsgi_site):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT, "WSGIMapHEADToGET On")
    script = site.scripts / "app.wsgi"
    script.write_text(
        script.read_text().replace(
            '"200 OK", [', '"200 OK", [("X-Method", environ["REQUEST_METHOD"]), '
        )
    )
    assert site.request("HEAD", "/app").header("X-Method") == "GET"


def test_chunked_request_bodies_need_wsgi_chunked_request(wsgi_site):
    echo = "def application(e, s):\n    s('200 OK', [])\n    return [e['wsgi.input'].read()]\n"
    chunked = {"Transfer-Encoding": "chunked"}
    refused = alias_site(wsgi_site, echo)
    assert refused.request("POST", "/app", headers=chunked, body=b"").status == 411
    allowed = alias_site(wsgi_site, echo, "WSGIChunkedRequest On")
    assert allowed.request("POST", "/app", headers=chunked, body=b"").status == 200


def test_restrict_embedded_refuses_to_run_in_process(wsgi_site):
    site = alias_site(wsgi_site, ENVIRON_SCRIPT, "WSGIRestrictEmbedded On")
    assert site.get("/app").status == 500
    assert "Embedded mode of mod_wsgi disabled by runtime configuration" in site.error_log


# ---- responses -----------------------------------------------------------------------------


def test_request_body_through_wsgi_input(wsgi_site):
    script = """
    def application(environ, start_response):
        stream = environ["wsgi.input"]
        first = stream.readline()
        rest = b"".join(stream)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [first.upper(), rest]
    """
    site = alias_site(wsgi_site, script)
    assert site.post("/app", b"line one\nline two\n").body == b"LINE ONE\nline two\n"


def test_status_headers_and_streaming(wsgi_site):
    script = """
    def application(environ, start_response):
        write = start_response("201 Created", [("Content-Type", "text/x-mine"), ("X-A", "1")])
        write(b"written;")
        yield b"one;"
        yield b"two"
    """
    response = alias_site(wsgi_site, script).get("/app")
    assert (response.status, response.reason) == (201, "Created")
    assert (response.header("Content-Type"), response.header("X-A")) == ("text/x-mine", "1")
    assert response.body == b"written;one;two"


def test_close_is_called_after_an_error_in_iteration(wsgi_site):
    script = """
    closed = []

    class Body:
        def __iter__(self):
            yield b"part"
            raise RuntimeError("half way")

        def close(self):
            closed.append(True)

    def application(environ, start_response):
        if environ["PATH_INFO"] == "/closed":
            start_response("200 OK", [])
            return [repr(closed).encode()]
        start_response("200 OK", [])
        return Body()
    """
    site = alias_site(wsgi_site, script, "WSGIApplicationGroup g")
    site.get("/app")
    assert site.get("/app/closed").body == b"[True]"
    assert "RuntimeError: half way" in site.error_log


def test_exc_info_replaces_the_response_before_anything_is_sent(wsgi_site):
    script = """
    import sys

    def application(environ, start_response):
        start_response("200 OK", [("X-First", "1")])
        try:
            raise ValueError("oops")
        except ValueError:
            start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error page"]
    """
    response = alias_site(wsgi_site, script).get("/app")
    assert (response.status, response.body, response.header("X-First")) == (
        500,
        b"error page",
        None,
    )


def test_file_wrapper_streams_a_file(wsgi_site):
    script = """
    import io

    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return environ["wsgi.file_wrapper"](io.BytesIO(b"x" * 20000), 4096)
    """
    assert alias_site(wsgi_site, script).get("/app").body == b"x" * 20000


@pytest.mark.parametrize(
    "body, message",
    [('return ["text"]', "sequence of byte string values expected, value of type str found"),
     ("return [b'x']", "response has not been started")],
)  # fmt: skip
def test_pep_3333_violations_are_500(wsgi_site, body, message):
    script = f"def application(environ, start_response):\n    if environ['PATH_INFO']:\n        start_response('200 OK', [])\n    {body}\n"
    site = alias_site(wsgi_site, script)
    assert site.get("/app/started" if "text" in body else "/app").status == 500
    assert message in site.error_log


def test_an_exception_in_the_application_is_500_and_logged(wsgi_site):
    script = "def application(environ, start_response):\n    raise ValueError('bad')\n"
    site = alias_site(wsgi_site, script)
    assert site.get("/app").status == 500
    log = site.error_log
    assert f"Exception occurred processing WSGI script '{site.scripts}/app.wsgi'." in log
    assert "[wsgi:error]" in log and "ValueError: bad" in log


def test_a_script_that_fails_to_load_is_500_and_logged(wsgi_site):
    site = alias_site(wsgi_site, "raise RuntimeError('boom')\n")
    assert site.get("/app").status == 500
    assert f"Failed to exec Python script file '{site.scripts}/app.wsgi'." in site.error_log
    assert "RuntimeError: boom" in site.error_log


def test_wsgi_errors_writes_to_the_error_log(wsgi_site):
    script = """
    def application(environ, start_response):
        print("note for the log", file=environ["wsgi.errors"])
        start_response("200 OK", [])
        return [b""]
    """
    site = alias_site(wsgi_site, script)
    site.get("/app")
    assert "[wsgi:error]" in site.error_log and "note for the log" in site.error_log


def test_head_requests_get_no_body(wsgi_site):
    response = alias_site(wsgi_site, ENVIRON_SCRIPT).request("HEAD", "/app?SCRIPT_NAME")
    assert (response.status, response.body) == (200, b"")


def test_an_error_after_the_status_went_out_adds_no_error_page(wsgi_site):
    script = """
    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"part;"
        raise ValueError("midway")
    """
    site = alias_site(wsgi_site, script)
    response = site.get("/app")
    assert (response.status, response.body) == (200, b"part;")
    assert "ValueError: midway" in site.error_log


def test_a_last_line_of_wsgi_errors_without_newline_is_logged(wsgi_site):
    script = """
    def application(environ, start_response):
        environ["wsgi.errors"].write("no newline at the end")
        start_response("200 OK", [])
        return [b""]
    """
    site = alias_site(wsgi_site, script)
    site.get("/app")
    assert "no newline at the end" in site.error_log


def test_over_a_socket_a_chunked_upload_and_a_streamed_answer(wsgi_site, live_server):
    import http.client
    from urllib.parse import urlsplit

    script = """
    def application(environ, start_response):
        body = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"got:"
        yield body
    """
    site = alias_site(wsgi_site, script, "WSGIChunkedRequest On")
    address = urlsplit(live_server(site))
    # Generous: only reached on failure (a loaded machine answered slowly, not wrongly).
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request("POST", "/app", body=iter([b"one,", b"two"]),
                           headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)  # fmt: skip
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"got:one,two")
        assert response.getheader("Transfer-Encoding") == "chunked"
    finally:
        connection.close()


def test_bytes_past_the_declared_content_length_are_not_sent(wsgi_site):
    script = """
    def application(environ, start_response):
        start_response("200 OK", [("Content-Length", "3")])
        return [b"12345", b"678"]
    """
    response = alias_site(wsgi_site, script).get("/app")
    assert (response.status, response.body, response.header("Content-Length")) == (200, b"123", "3")
