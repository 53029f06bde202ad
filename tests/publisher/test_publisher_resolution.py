"""Which file and which object a URL publishes (SPEC 7.1; mod_python's test_publisher)."""

from __future__ import annotations

import pytest

TESTS_PAGE = """
def index(req):
    return "tests.index"

def test_publisher(req):
    return "test ok, interpreter=%s" % req.interpreter

def method(req):
    return req.method
"""

INDEX_PAGE = """
def index(req):
    return "index.index"

def foobar(req):
    return "index.foobar"
"""


@pytest.fixture
def site(publisher_site):
    return publisher_site({"tests.py": TESTS_PAGE, "index.py": INDEX_PAGE,
                           "sub/index.py": "def index(req):\n    return 'sub.index'\n",
                           "sub/leaf.py": "def index(req):\n    return 'sub.leaf'\n"})  # fmt: skip


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/tests.py", b"tests.index"),
        ("/tests.py/", b"tests.index"),
        ("/tests.py/index", b"tests.index"),
        ("/tests.py/index/", b"tests.index"),
        ("/tests", b"tests.index"),
        ("/tests/", b"tests.index"),
        ("/", b"index.index"),
        ("/index", b"index.index"),
        ("/index.py/foobar", b"index.foobar"),
        ("/foobar", b"index.foobar"),
        ("/sub/", b"sub.index"),
        ("/sub/leaf", b"sub.leaf"),
        ("/sub/leaf.py", b"sub.leaf"),
    ],
)
def test_url_maps_to_module_and_function(site, path, body):
    response = site.get(path)
    assert (response.status, response.body) == (200, body)


def test_published_function_runs_in_the_virtual_host_interpreter(site):
    response = site.get("/tests.py/test_publisher")
    assert response.body == f"test ok, interpreter={site.server_name}".encode()


def test_name_without_file_or_index_module_is_not_found(publisher_site):
    site = publisher_site({"tests.py": TESTS_PAGE})
    assert site.get("/nothing").status == 404
    assert site.get("/nothing/deeper").status == 404


def test_missing_object_is_not_found(site):
    assert site.get("/tests.py/no_such_function").status == 404


def test_name_without_file_falls_back_to_index_object_of_that_name(site):
    # /missing -> index.missing, which does not exist either
    assert site.get("/missing").status == 404


@pytest.mark.parametrize("method", ["PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND"])
def test_other_methods_are_refused_with_allow(site, method):
    response = site.request(method, "/tests.py/method")
    assert response.status == 405
    assert set(response.header("Allow").split(",")) >= {"GET", "POST", "HEAD"}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_get_and_post_are_published(site, method):
    response = site.request(method, "/tests.py/method", headers={"Content-Length": "0"})
    assert (response.status, response.body) == (200, method.encode())


def test_head_runs_the_function_and_sends_no_body(site):
    response = site.request("HEAD", "/tests.py/method")
    assert response.status == 200
    assert response.body == b""
    assert response.header("Content-Length") == "4"  # "HEAD", written and dropped


def test_add_handler_extension_is_stripped_from_the_module_name(make_site):
    conf = """
    <Directory "{docroot}">
        AddHandler mod_python .py .pub
        PythonHandler mod_python.publisher
    </Directory>
    """
    site = make_site(conf, files={"page.py": "def index(req):\n    return 'page.py'\n",
                                  "page.pub": "the .pub name maps to page.py\n"})  # fmt: skip
    assert site.get("/page.pub").body == b"page.py"
    assert site.get("/page.py").body == b"page.py"


def test_pipe_extension_handler_list(make_site):
    # mod_python's test_pipe_ext: the publisher for .py, a plain handler otherwise.
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonHandler mod_python.publisher | .py
        PythonHandler tests::simplehandler
    </Directory>
    """
    files = {"tests.py": "def pipe_ext(req):\n    return 'pipe ext'\n"
                         "def simplehandler(req):\n    req.write('test ok')\n    return 0\n"}  # fmt: skip
    site = make_site(conf, files=files)
    assert site.get("/tests.py/pipe_ext").body == b"pipe ext"
    assert site.get("/tests/anything").body == b"test ok"


def test_request_filename_becomes_the_loaded_module(publisher_site):
    site = publisher_site({"page.py": "def index(req):\n    return req.filename\n"})
    assert site.get("/page/").body == str(site.docroot / "page.py").encode()
    assert site.get("/page").body == str(site.docroot / "page.py").encode()


def test_directory_named_like_a_module_is_not_loaded(publisher_site):
    # mod_python only checks that pkg.py exists, then fails reading a directory (500).
    site = publisher_site({"index.py": INDEX_PAGE, "pkg.py/readme.txt": "a directory\n"})
    assert site.get("/pkg").status == 404


def test_add_handler_under_set_handler_none_still_publishes(make_site):
    # httpd's "SetHandler None" cancels the inherited SetHandler, not mod_mime's AddHandler.
    conf = """
    <Directory "{docroot}">
        SetHandler mod_python
        PythonHandler mod_python.publisher
    </Directory>
    <Directory "{docroot}/ext">
        SetHandler None
        AddHandler mod_python .py
    </Directory>
    """
    site = make_site(conf, files={"ext/page.py": "def index(req):\n    return 'published'\n",
                                  "ext/plain.txt": "static\n"})  # fmt: skip
    assert site.get("/ext/page.py").body == b"published"
    assert site.get("/ext/plain.txt").body == b"static\n"


def test_publisher_in_a_location_has_no_file_and_says_so(make_site):
    # A handler in <Location> skips the file mapping (mod_python's shortcut), so there is no
    # req.filename: mod_python fails with a TypeError (500); we log why.
    conf = """
    <Location /app>
        SetHandler mod_python
        PythonHandler mod_python.publisher
    </Location>
    """
    site = make_site(conf, files={"app/shop.py": "def item(req):\n    return 'item'\n"})
    response = site.get("/app/shop.py/item")
    assert response.status == 500
    assert b"Traceback" not in response.body
    assert "declare the publisher in <Directory> or <Files>, not <Location>" in site.error_log


def test_publisher_behind_an_alias(make_site, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "index.py").write_text("def index(req):\n    return 'aliased index'\n")
    conf = f"""
    Alias /pages "{pages}"
    <Directory "{pages}">
        SetHandler mod_python
        PythonHandler mod_python.publisher
    </Directory>
    """
    site = make_site(conf)
    assert site.get("/pages/").body == b"aliased index"
    assert site.get("/pages/index").body == b"aliased index"
