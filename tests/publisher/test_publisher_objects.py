"""Instances, hierarchies and iterators (mod_python's test_publisher_hierarchy,
_old_style_instance, _instance and the disabled _iterator)."""

from __future__ import annotations

from pathlib import Path

import pytest

# The classes and hierarchies of mod_python's test pages, as the oracle tests serve them.
SITE_PAGES = Path(__file__).parents[1] / "oracle" / "publisher" / "site" / "pages.py"

STREAMS = """
class NotCallable:
    def __str__(self):
        return "<html><body>str of an instance</body></html>"


not_callable = NotCallable()


def html_stream(req):
    yield "<!DOCTYPE html>"
    yield "<html><body>streamed</body></html>"


def mixed_stream(req):
    yield b"bytes,"
    yield None
    yield ""
    yield 3


def items_view(req):
    return {"a": 1}.items()


def generator_after_setting_type(req):
    req.content_type = "text/csv"
    return iter(["a,b\\n", "1,2\\n"])
"""


@pytest.fixture
def site(publisher_site):
    return publisher_site({"tests.py": SITE_PAGES.read_text() + STREAMS})


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/tests.py/hierarchy_root", "Called root"),
        ("/tests.py/hierarchy_root/page1", "Called page1"),
        ("/tests.py/hierarchy_root/page1/subpage1", "Called subpage1"),
        ("/tests.py/hierarchy_root/page2", "Called page2"),
        ("/tests.py/hierarchy_root_2/page1", "pages index"),
        ("/tests.py/hierarchy_root_2/page2", "pages index"),
        # Only run on Python 2 by mod_python's suite; its Python 3 port publishes it too.
        ("/tests.py/hierarchy_root_2", "pages index"),
    ],
)
def test_publisher_hierarchy(site, path, body):
    response = site.get(path)
    assert (response.status, response.text) == (200, body)


# "old_instance" was an old-style instance on Python 2; both are new-style now.
@pytest.mark.parametrize("name", ["old_instance", "instance"])
def test_callable_instance_is_called(site, name):
    assert site.get(f"/tests.py/{name}").text == "test callable instance ok"


@pytest.mark.parametrize("name", ["old_instance", "instance"])
def test_method_of_an_instance_is_published(site, name):
    assert site.get(f"/tests.py/{name}/traverse").text == "test traversable instance ok"


def test_instance_that_is_not_callable_is_written_with_str(site):
    response = site.get("/tests.py/not_callable")
    assert response.body == b"<html><body>str of an instance</body></html>"
    assert response.header("Content-Type") == "text/html"


def test_dict_view_is_streamed(site):
    # The expectation of mod_python's disabled test_publisher_iterator.
    assert site.get("/tests.py/test_dict_iteration").body == b"123"


def test_generator_is_streamed_in_chunks(site):
    response = site.get("/tests.py/test_generator")
    assert response.body == b"0123456789"
    assert response.header("Content-Type") == "text/plain"
    assert response.header("Content-Length") is None  # flushed as it came
    assert len(response.chunks) >= 10


def test_stream_starting_with_a_doctype_is_html(site):
    assert site.get("/tests.py/html_stream").header("Content-Type") == "text/html"


def test_stream_items_none_and_empty_are_skipped_others_written(site):
    assert site.get("/tests.py/mixed_stream").body == b"bytes,3"


def test_items_view_is_streamed_as_pairs(site):
    assert site.get("/tests.py/items_view").body == b"('a', 1)"


def test_stream_keeps_a_content_type_set_by_the_function(site):
    response = site.get("/tests.py/generator_after_setting_type")
    assert response.header("Content-Type") == "text/csv"
    assert response.body == b"a,b\n1,2\n"


def test_head_of_a_stream_sends_no_body(site):
    response = site.request("HEAD", "/tests.py/test_generator")
    assert (response.status, response.body) == (200, b"")


def test_generator_is_sent_chunked_over_a_real_socket(site, live_server):
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(live_server(site))
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/tests.py/test_generator")
        response = connection.getresponse()
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert response.read() == b"0123456789"
    finally:
        connection.close()


def test_long_bytes_stream_starting_with_a_doctype_is_html(publisher_site):
    page = "def index(req):\n    yield b'<!DOCTYPE html>' + b' ' * 500\n    yield b'<p>x</p>'\n"
    site = publisher_site({"page.py": page})
    assert site.get("/page.py").header("Content-Type") == "text/html"
