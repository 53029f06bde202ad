"""The example site (examples/) answers as under the real Apache + mod_python 3.5.

Both servers serve a copy of examples/htdocs with the sections of examples/httpd.conf
(the server-level lines serve.sh writes itself are left out, and so is the mod_wsgi part:
mod_wsgi and mod_python cannot be loaded into one httpd). This shows the example is real
legacy mod_python code, not something only this server runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oracle.conftest import serve_site

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

# Server-level lines serve.sh's httpd.conf already has (or that only this server reads).
_SERVER_LINES = re.compile(r"^(ServerName|Listen|DocumentRoot|ErrorLog|LogLevel)\b.*\n", re.M)
_MOD_WSGI_PART = re.compile(r"^WSGIScriptAlias .*?^</Directory>\n", re.M | re.S)

pytestmark = pytest.mark.oracle


def _snippet() -> str:
    """examples/httpd.conf as a serve.sh snippet over the copied document root."""
    text = (EXAMPLES / "httpd.conf").read_text()
    text = _MOD_WSGI_PART.sub("", _SERVER_LINES.sub("", text))
    return text.replace("<Directory htdocs", "<Directory {docroot}")


@pytest.fixture(scope="module")
def example_servers(tmp_path_factory):
    template = tmp_path_factory.mktemp("examples-oracle") / "site.conf"
    template.write_text(_snippet())
    yield from serve_site([EXAMPLES / "htdocs"], template, "examples-oracle-tests")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/hello.py",
        "/greet.py?name=Ada",
        "/stacked.py",
        "/private/secret.txt",
        "/errors/quiet",
        "/shop/",
        "/shop/greet?name=Ada&greeting=Hi",
        "/shop/cart/total",
        "/shop/report",
        "/shop/_restock",
        "/pages/footer.inc",
        "/upload/upload.py",
        "/ssi/page.shtml",
        "/ssi/page.shtml?debug",
        "/shout/news.txt",
        "/shout/uppercase.py",
        "/wsgiapp/some/path",
    ],
)
def test_example_page_is_the_same_as_under_apache(example_servers, path):
    example_servers.assert_same("GET", path)


def test_psp_form_field_is_str_only_with_str_fields(example_servers):
    # The oracle has no mod_python.util.str_fields option: a query-string field is a
    # StringField (bytes) there, and str() of it is its repr. The option exists for this.
    ours, oracle = example_servers.exchange("GET", "/pages/visits.psp?name=Ada")
    assert b"<h1>Hello, Ada!</h1>" in ours.body
    assert b"<h1>Hello, b'Ada'!</h1>" in oracle.body


def test_signed_session_cookie_works_where_the_python3_port_fails(example_servers):
    # SPEC 13: the port's SignedCookie passes a str secret to hmac.new, a TypeError (500).
    # We reproduce what mod_python meant: an HMAC-MD5 signed cookie.
    ours, oracle = example_servers.exchange("GET", "/account/")
    assert oracle.status == 500
    assert ours.status == 200
    assert re.fullmatch(r"pysid=[0-9a-f]{64}; path=/account/", ours.header("Set-Cookie"))
