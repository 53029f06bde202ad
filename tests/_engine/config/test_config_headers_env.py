"""mod_headers (Header / RequestHeader), mod_env (SetEnv / UnsetEnv / PassEnv) and
AddDefaultCharset, as the client and a handler see them."""

from __future__ import annotations

import pytest

FILES = {
    "www/page.html": "<p>page</p>\n",
    "www/data.txt": "data\n",
    "www/sub/page.html": "<p>sub</p>\n",
}


@pytest.fixture
def site(engine_from_text, write_tree, show):
    def build(conf: str):
        write_tree({**FILES, "www/app/show.py": show[0]})
        return engine_from_text('DocumentRoot "{root}/www"\n' + conf)

    return build


SHOW_APP = """\
<Directory "{root}/www/app">
    SetHandler mod_python
    PythonHandler show
</Directory>
"""


def test_header_set_and_append_merge_down_the_tree(site):
    client = site("""\
        Header set X-Site "main"
        <Directory "{root}/www/sub">
            Header append X-Site "sub"
            Header add X-Extra one
            Header add X-Extra two
        </Directory>
    """)
    assert client.get("/page.html").header("X-Site") == "main"
    reply = client.get("/sub/page.html")
    assert reply.header("X-Site") == "main, sub"
    assert reply.header_values("X-Extra") == ["one", "two"]


def test_header_unset_removes_a_header_the_handler_set(site, write_tree):
    write_tree({"www/app/sets.py": """\
        from mod_python import apache

        def handler(req):
            req.headers_out["X-Internal"] = "secret"
            req.headers_out["X-Public"] = "ok"
            req.write("x")
            return apache.OK
    """})  # fmt: skip
    client = site("""\
        <Directory "{root}/www/app">
            SetHandler mod_python
            PythonHandler sets
            Header unset X-Internal
        </Directory>
    """)
    reply = client.get("/app/sets.py")
    assert reply.header("X-Internal") is None
    assert reply.header("X-Public") == "ok"


def test_header_set_applies_to_success_and_always_to_errors(site):
    client = site("Header set X-Success yes\nHeader always set X-Always yes\n")
    ok = client.get("/page.html")
    missing = client.get("/missing.html")
    assert (ok.header("X-Success"), ok.header("X-Always")) == ("yes", "yes")
    assert missing.status == 404
    assert (missing.header("X-Success"), missing.header("X-Always")) == (None, "yes")


def test_header_conditional_on_environment_variable(site):
    client = site("""\
        <Directory "{root}/www/sub">
            SetEnv IS_SUB 1
        </Directory>
        Header set X-Sub-Only yes env=IS_SUB
        Header set X-Not-Sub yes env=!IS_SUB
    """)
    sub = client.get("/sub/page.html")
    top = client.get("/page.html")
    assert (sub.header("X-Sub-Only"), sub.header("X-Not-Sub")) == ("yes", None)
    assert (top.header("X-Sub-Only"), top.header("X-Not-Sub")) == (None, "yes")


def test_request_header_set_append_unset_reach_the_handler(site, show):
    client = site(
        SHOW_APP
        + """\
        RequestHeader set X-Forwarded-Proto https
        RequestHeader append X-Tags added
        RequestHeader unset X-Remove-Me
    """
    )
    reply = client.get(
        "/app/show.py", headers={"X-Tags": "sent", "X-Remove-Me": "1", "X-Kept": "k"}
    )
    assert show[1](reply)["reqhdr"] == "X-Forwarded-Proto:https,X-Kept:k,X-Tags:sent, added"


def test_bad_header_action_is_a_config_error(load_text):
    from mod_python._engine.config.parser import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_text("ServerName a\nHeader frobnicate X-A b\n")
    assert caught.value.line == 2 and caught.value.directive == "Header"


def test_set_env_and_unset_env_down_the_tree(site, show):
    client = site(
        SHOW_APP
        + """\
        SetEnv T_GLOBAL g
        SetEnv T_EMPTY
        <Directory "{root}/www/app">
            SetEnv T_APP a
            UnsetEnv T_GLOBAL
        </Directory>
    """
    )
    assert show[1](client.get("/app/show.py"))["env"] == "T_APP:a,T_EMPTY:"


def test_pass_env_copies_the_servers_environment(site, show, monkeypatch):
    monkeypatch.setenv("T_PASSED", "from-shell")
    client = site(SHOW_APP + "PassEnv T_PASSED T_NOT_IN_ENVIRONMENT\n")
    assert show[1](client.get("/app/show.py"))["env"] == "T_PASSED:from-shell"


@pytest.mark.parametrize(
    "conf, html_type, text_type",
    [
        ("", "text/html", "text/plain"),
        ("AddDefaultCharset On", "text/html; charset=iso-8859-1", "text/plain; charset=iso-8859-1"),
        ("AddDefaultCharset utf-8", "text/html; charset=utf-8", "text/plain; charset=utf-8"),
        ("AddDefaultCharset utf-8\n<Directory {root}/www>\nAddDefaultCharset Off\n</Directory>",
         "text/html", "text/plain"),
    ],
)  # fmt: skip
def test_add_default_charset(site, conf, html_type, text_type):
    client = site(conf + "\n")
    assert client.get("/page.html").header("Content-Type") == html_type
    assert client.get("/data.txt").header("Content-Type") == text_type
