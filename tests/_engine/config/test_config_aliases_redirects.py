"""mod_alias (Alias, AliasMatch, ScriptAlias, Redirect*), mod_dir (DirectoryIndex and the
trailing-slash redirect), Options Indexes listings and ErrorDocument, end to end."""

from __future__ import annotations

import pytest

FILES = {
    "www/index.html": "<p>home</p>\n",
    "www/docs/readme.txt": "read me\n",
    "www/docs/other.txt": "other\n",
    "www/errors/404.html": "<p>custom not found</p>\n",
    "assets/site.css": "body {}\n",
    "pics/cat.png": b"\x89PNG cat",
    "code/alias_app.py": """\
        from mod_python import apache

        def handler(req):
            req.write("aliased handler " + req.filename.rsplit("/", 2)[-2])
            return apache.OK
    """,
}


@pytest.fixture
def site(engine_from_text, write_tree):
    def build(conf: str):
        write_tree(FILES)
        return engine_from_text('DocumentRoot "{root}/www"\n' + conf)

    return build


def test_alias_maps_a_url_prefix_to_a_directory(site):
    client = site('Alias /static "{root}/assets"\n')
    reply = client.get("/static/site.css")
    assert (reply.status, reply.text) == (200, "body {}\n")
    assert reply.header("Content-Type").startswith("text/css")


def test_alias_with_trailing_slash_needs_the_slash_in_the_url(site):
    client = site('Alias /static/ "{root}/assets/"\n')
    assert client.get("/static/site.css").status == 200
    assert client.get("/static").status == 404


def test_alias_match_substitutes_groups(site):
    client = site('AliasMatch "^/img/(.+)\\.png$" "{root}/pics/$1.png"\n')
    reply = client.get("/img/cat.png")
    assert (reply.status, reply.body) == (200, b"\x89PNG cat")


def test_alias_target_directory_gets_its_directory_sections(site):
    client = site("""\
        Alias /app "{root}/code"
        <Directory "{root}/code">
            SetHandler mod_python
            PythonHandler alias_app
        </Directory>
    """)
    reply = client.get("/app/anything")
    assert (reply.status, reply.text) == (200, "aliased handler code")


def test_redirect_prefix_keeps_the_rest_of_the_path(site):
    client = site("Redirect /old http://example.com/new\n")
    reply = client.get("/old/page?x=1")
    assert reply.status == 302
    assert reply.header("Location") == "http://example.com/new/page?x=1"


@pytest.mark.parametrize(
    "directive, status",
    [
        ("Redirect permanent /p http://example.com/q", 301),
        ("Redirect 301 /p http://example.com/q", 301),
        ("RedirectPermanent /p http://example.com/q", 301),
        ("RedirectTemp /p http://example.com/q", 302),
        ("Redirect seeother /p http://example.com/q", 303),
    ],
)
def test_redirect_status_forms(site, directive, status):
    reply = site(directive + "\n").get("/p")
    assert (reply.status, reply.header("Location")) == (status, "http://example.com/q")


def test_redirect_to_a_path_adds_this_servers_scheme_and_host(site):
    reply = site("Redirect /one /two\n").get("/one", host="site.test")
    assert (reply.status, reply.header("Location")) == (302, "http://site.test/two")


def test_redirect_match_with_groups(site):
    reply = site('RedirectMatch 301 "^/(.*)\\.htm$" "http://example.com/$1.html"\n').get("/a/b.htm")
    assert (reply.status, reply.header("Location")) == (301, "http://example.com/a/b.html")


def test_redirect_gone_answers_410(site):
    assert site("Redirect gone /dead\n").get("/dead/x").status == 410


def test_redirect_inside_location_takes_only_the_url(site):
    # httpd 2.4: in <Location>, "Redirect [status] URL" (no URL-path); verified `apache2 -t`.
    client = site('<Location "/moved">\nRedirect 301 "http://example.com/here"\n</Location>\n')
    reply = client.get("/moved")
    assert (reply.status, reply.header("Location")) == (301, "http://example.com/here")


def test_script_alias_is_refused_with_a_warning(site):
    client = site('ScriptAlias /cgi-bin/ "{root}/code/"\n')
    assert client.get("/cgi-bin/alias_app.py").status == 403
    assert any(w.directive == "ScriptAlias" for w in client.engine.settings.warnings)


def test_directory_index_picks_the_first_existing_name(site):
    client = site(
        '<Directory "{root}/www/docs">\nDirectoryIndex missing.html readme.txt\n</Directory>\n'
    )
    reply = client.get("/docs/")
    assert (reply.status, reply.text) == (200, "read me\n")


def test_default_directory_index_is_index_html(site):
    assert site("").get("/").text == "<p>home</p>\n"


def test_directory_without_slash_is_redirected(site):
    reply = site("").get("/docs?q=1", host="site.test")
    assert reply.status == 301
    assert reply.header("Location") == "http://site.test/docs/?q=1"


def test_options_indexes_lists_the_directory(site):
    client = site('<Directory "{root}/www/docs">\nOptions +Indexes\n</Directory>\n')
    reply = client.get("/docs/")
    assert reply.status == 200
    assert "Index of /docs" in reply.text
    assert '<a href="readme.txt">' in reply.text and '<a href="other.txt">' in reply.text


def test_without_indexes_a_directory_without_index_is_forbidden(site):
    client = site("""\
        <Directory "{root}/www">
            Options Indexes
        </Directory>
        <Directory "{root}/www/docs">
            Options -Indexes
        </Directory>
    """)
    assert client.get("/docs/").status == 403
    assert client.get("/errors/").status == 200


def test_directory_index_disabled_falls_back_to_listing(site):
    client = site(
        '<Directory "{root}/www">\nOptions Indexes\nDirectoryIndex disabled\n</Directory>\n'
    )
    assert "Index of /" in client.get("/").text


def test_error_document_local_url(site):
    reply = site("ErrorDocument 404 /errors/404.html\n").get("/nothing-here")
    assert (reply.status, reply.text) == (404, "<p>custom not found</p>\n")


def test_error_document_text_message(site):
    reply = site('ErrorDocument 404 "Sorry, no such page"\n').get("/nothing-here")
    assert (reply.status, reply.text) == (404, "Sorry, no such page")


def test_error_document_external_url_redirects(site):
    reply = site("ErrorDocument 404 http://errors.example.com/404\n").get("/nothing-here")
    assert (reply.status, reply.header("Location")) == (302, "http://errors.example.com/404")


def test_error_document_in_a_section_applies_below_it_only(site):
    client = site('<Directory "{root}/www/docs">\nErrorDocument 404 "docs 404"\n</Directory>\n')
    assert client.get("/docs/nope.txt").text == "docs 404"
    assert client.get("/nope.txt").text != "docs 404"
