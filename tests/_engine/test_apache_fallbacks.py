"""What Apache itself does around mod_python's handlers: static files, directories,
error documents, URI checks and virtual hosts (issue 2, item 6)."""

from __future__ import annotations

import pytest

DECLINER = """
from mod_python import apache

def handler(req):
    return apache.DECLINED

def status(req):
    return int(req.args)

def where(req):
    req.write("%s %s" % (req.server.server_hostname, req.uri))
    return apache.OK
"""


@pytest.fixture
def static_site(make_site):
    return make_site(
        """
        <Directory "{docroot}/py">
            SetHandler mod_python
            PythonHandler decliner
        </Directory>
        """,
        {
            "page.html": "<p>hello</p>",
            "py/decliner.py": DECLINER,
            "dir/index.html": "index!",
            "empty/.keep": "",
        },
    )


def test_static_file_has_length_type_and_validators(static_site):
    response = static_site.get("/page.html")
    assert (response.status, response.body) == (200, b"<p>hello</p>")
    assert response.header("Content-Type") == "text/html"
    assert response.header("Content-Length") == "12"
    assert response.header("Accept-Ranges") == "bytes"
    assert response.header("ETag") and response.header("Last-Modified")


def test_static_file_honours_if_none_match(static_site):
    etag = static_site.get("/page.html").header("ETag")
    response = static_site.get("/page.html", headers={"If-None-Match": etag})
    assert response.status == 304
    assert response.body == b""


def test_static_file_honours_if_modified_since(static_site):
    modified = static_site.get("/page.html").header("Last-Modified")
    assert static_site.get("/page.html", headers={"If-Modified-Since": modified}).status == 304


def test_head_of_a_static_file_has_the_length_but_no_body(static_site):
    response = static_site.request("HEAD", "/page.html")
    assert response.status == 200
    assert response.header("Content-Length") == "12"
    assert response.body == b""


def test_missing_file_is_404_and_logged(static_site):
    response = static_site.get("/nothing.html")
    assert response.status == 404
    assert b"<h1>Not Found</h1>" in response.body
    assert "File does not exist" in static_site.error_log


def test_path_info_after_a_static_file_is_404(static_site):
    assert static_site.get("/page.html/extra").status == 404


def test_post_to_a_static_file_serves_it(static_site):
    response = static_site.post("/page.html", b"x=1")
    assert (response.status, response.body) == (200, b"<p>hello</p>")


def test_put_to_a_static_file_is_405_with_allow(static_site):
    response = static_site.request("PUT", "/page.html", body=b"x")
    assert response.status == 405
    assert response.header("Allow") == "OPTIONS,HEAD,GET,POST,TRACE"


def test_not_modified_keeps_validators_and_drops_entity_headers(static_site):
    first = static_site.get("/page.html")
    response = static_site.get("/page.html", headers={"If-None-Match": first.header("ETag")})
    assert response.header("ETag") == first.header("ETag")
    assert response.header("Content-Type") is None
    assert response.header("Content-Length") is None


def test_handler_declining_falls_back_to_the_file(static_site):
    response = static_site.get("/py/decliner.py")
    assert response.status == 200
    assert response.body == (static_site.docroot / "py" / "decliner.py").read_bytes()


def test_directory_without_slash_is_redirected(static_site):
    response = static_site.get("/dir?a=1")
    assert response.status == 301
    # UseCanonicalName Off (httpd's default): the host the client asked for, not ServerName.
    assert response.header("Location") == "http://test.local/dir/?a=1"


def test_directory_index_is_served(static_site):
    response = static_site.get("/dir/")
    assert (response.status, response.body) == (200, b"index!")


def test_directory_without_index_is_403_when_indexes_are_off(static_site):
    # A config without LoadModule lines has every emulated module, mod_autoindex included.
    assert static_site.get("/empty/").status == 403


@pytest.mark.parametrize("uri", ["/../etc/passwd", "/a/../../etc/passwd"])
def test_uri_escaping_the_root_is_a_bad_request(static_site, uri):
    response = static_site.get(uri)
    assert response.status == 400


def test_dot_segments_inside_the_root_are_resolved(static_site):
    assert static_site.get("/dir/../page.html").body == b"<p>hello</p>"


def test_error_document_text(make_site):
    site = make_site(
        """
        ErrorDocument 404 "Nothing to see here"
        """
    )
    response = site.get("/missing")
    assert response.status == 404
    assert response.body == b"Nothing to see here"


def test_error_document_local_url_is_an_internal_redirect(make_site):
    site = make_site(
        """
        ErrorDocument 404 /oops.html
        """,
        {"oops.html": "custom not found"},
    )
    response = site.get("/missing")
    assert response.status == 404
    assert response.body == b"custom not found"


def test_require_all_denied_is_403(make_site):
    site = make_site(
        """
        <Directory "{docroot}/private">
            Require all denied
        </Directory>
        """,
        {"private/secret.txt": "s", "public.txt": "p"},
    )
    assert site.get("/private/secret.txt").status == 403
    assert site.get("/public.txt").status == 200


def test_virtual_hosts_are_chosen_by_host_header(make_site):
    site = make_site(
        """
        PythonPath "[r'{docroot}/py'] + sys.path"
        <VirtualHost *:80>
            ServerName first.example
            <Location />
                SetHandler mod_python
                PythonHandler decliner::where
            </Location>
        </VirtualHost>
        <VirtualHost *:80>
            ServerName second.example
            ServerAlias *.second.example
            <Location />
                SetHandler mod_python
                PythonHandler decliner::where
            </Location>
        </VirtualHost>
        """,
        {"py/decliner.py": DECLINER},
    )
    assert site.get("/x", headers={"Host": "second.example"}).text == "second.example /x"
    assert site.get("/x", headers={"Host": "www.second.example:80"}).text == "second.example /x"
    assert site.get("/x", headers={"Host": "first.example"}).text == "first.example /x"
    # An unknown name gets the first virtual host, as in Apache.
    assert site.get("/x", headers={"Host": "other.example"}).text == "first.example /x"


def test_location_handler_sees_no_filename(make_site):
    site = make_site(
        """
        <Location /app>
            SetHandler mod_python
            PythonPath "[r'{docroot}'] + sys.path"
            PythonHandler info
        </Location>
        """,
        {
            "info.py": "from mod_python import apache\ndef handler(req):\n    req.write(repr((req.filename, req.path_info, req.content_type)))\n    return apache.OK\n"
        },
    )
    assert site.get("/app/x/y").text == "(None, None, None)"


def test_a_fault_inside_the_engine_answers_with_the_500_page_not_a_traceback(
    make_site, monkeypatch
):
    site = make_site("", {"page.html": "x"})
    from mod_python._engine import app

    def broken(req):
        raise RuntimeError("engine fault <secret>")

    monkeypatch.setattr(app, "_map_to_storage", broken)
    response = site.get("/page.html")
    assert response.status == 500
    assert b"<title>500 Internal Server Error</title>" in response.body
    assert b"secret" not in response.body
    assert "RuntimeError: engine fault <secret>" in site.error_log
