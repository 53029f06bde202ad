"""The published-page cache (SPEC 7.4; mod_python's disabled test_publisher_cache)."""

from __future__ import annotations

import builtins
import os
import sys
import threading

from mod_python._engine.interpreters import running_in
from mod_python._engine.publishing.pages import PageCache, execute_page

COUNTER = """
import time
loaded_at = time.monotonic()
version = "{version}"

def index(req):
    return "%s %r" % (version, loaded_at)
"""


def _bump_mtime(path, seconds: int = 2) -> None:
    status = os.stat(path)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + seconds * 1_000_000_000))


def test_module_is_executed_once_while_the_file_is_unchanged(publisher_site):
    site = publisher_site({"page.py": COUNTER.format(version="v1")})
    first = site.get("/page.py").text
    assert site.get("/page.py").text == first


def test_changed_file_is_executed_again(publisher_site):
    site = publisher_site({"page.py": COUNTER.format(version="v1")})
    assert site.get("/page.py").text.startswith("v1 ")
    path = site.write("page.py", COUNTER.format(version="v2"))
    _bump_mtime(path)
    assert site.get("/page.py").text.startswith("v2 ")


def test_rewrite_with_the_same_mtime_but_another_size_is_seen(publisher_site):
    site = publisher_site({"page.py": COUNTER.format(version="v1")})
    path = site.docroot / "page.py"
    before = os.stat(path)
    site.get("/page.py")
    site.write("page.py", COUNTER.format(version="version two"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert site.get("/page.py").text.startswith("version two ")


def test_autoreload_off_keeps_the_first_module(publisher_site):
    site = publisher_site({"page.py": COUNTER.format(version="v1")}, extra="PythonAutoReload Off")
    assert site.get("/page.py").text.startswith("v1 ")
    _bump_mtime(site.write("page.py", COUNTER.format(version="v2")))
    assert site.get("/page.py").text.startswith("v1 ")


def test_each_directory_keeps_its_own_autoreload_setting(publisher_site):
    site = publisher_site(
        {
            "kept/page.py": COUNTER.format(version="v1"),
            "fresh/page.py": COUNTER.format(version="v1"),
        },
        conf='<Directory "{docroot}/kept">\n    PythonAutoReload Off\n</Directory>\n',
    )
    assert [site.get(f"/{name}/page.py").text[:3] for name in ("kept", "fresh")] == ["v1 "] * 2
    for name in ("kept", "fresh"):
        _bump_mtime(site.write(f"{name}/page.py", COUNTER.format(version="v2")))
    answers = [site.get(f"/{name}/page.py").text[:3] for name in ("kept", "fresh", "kept")]
    assert answers == ["v1 ", "v2 ", "v1 "]


def test_loading_and_reloading_are_logged_with_debug_on(publisher_site):
    site = publisher_site({"page.py": COUNTER.format(version="v1")}, debug="On")
    site.get("/page.py")
    path = site.docroot / "page.py"
    assert f"Publisher loading page {path}" in site.error_log
    _bump_mtime(site.write("page.py", COUNTER.format(version="v2")))
    site.get("/page.py")
    assert f"Publisher reloading page {path}" in site.error_log


def test_pages_are_not_entered_in_sys_modules(publisher_site):
    site = publisher_site({"lonely_page_name.py": "def index(req):\n    return __name__\n"})
    name = site.get("/lonely_page_name.py").text
    assert name.endswith("_lonely_page_name_py")
    assert name not in sys.modules
    assert "lonely_page_name" not in sys.modules


def test_same_file_name_in_two_directories_are_two_modules(publisher_site):
    site = publisher_site(
        {"a/index.py": "WHO = 'a'\ndef index(req):\n    return WHO\n",
         "b/index.py": "WHO = 'b'\ndef index(req):\n    return WHO\n"}
    )  # fmt: skip
    assert (site.get("/a/").text, site.get("/b/").text) == ("a", "b")
    assert (site.get("/a/").text, site.get("/b/").text) == ("a", "b")


def test_module_file_is_set_and_tracebacks_name_the_page(publisher_site):
    page = "def index(req):\n    return __file__\n\ndef boom(req):\n    raise KeyError('x')\n"
    site = publisher_site({"page.py": page})
    assert site.get("/page.py").text == str(site.docroot / "page.py")
    site.get("/page.py/boom")
    assert f'File "{site.docroot / "page.py"}", line 5, in boom' in site.error_log


def test_syntax_error_is_a_500_and_the_next_request_tries_again(publisher_site):
    site = publisher_site({"page.py": "def index(req:\n"})
    assert site.get("/page.py").status == 500
    assert "SyntaxError" in site.error_log
    _bump_mtime(site.write("page.py", "def index(req):\n    return 'fixed'\n"))
    assert site.get("/page.py").text == "fixed"


def test_sibling_module_in_the_handler_directory_is_importable(publisher_site):
    site = publisher_site(
        {"page.py": "import pub_sibling_helper\ndef index(req):\n"
                    "    return pub_sibling_helper.VALUE\n",
         "pub_sibling_helper.py": "VALUE = 'from the sibling'\n"}
    )  # fmt: skip
    try:
        assert site.get("/page.py").text == "from the sibling"
    finally:
        sys.modules.pop("pub_sibling_helper", None)


def test_import_module_with_the_page_directory_reaches_a_subdirectory_sibling(publisher_site):
    page = (
        "import os\nfrom mod_python import apache\n"
        "helper = apache.import_module('pub_sub_helper', path=[os.path.dirname(__file__)])\n"
        "def index(req):\n    return helper.VALUE\n"
    )
    site = publisher_site({"sub/page.py": page, "sub/pub_sub_helper.py": "VALUE = 'sub'\n"})
    try:
        assert site.get("/sub/page.py").text == "sub"
    finally:
        sys.modules.pop("pub_sub_helper", None)


def test_page_cache_is_per_interpreter(tmp_path):
    path = tmp_path / "page.py"
    path.write_text("STATE = []\n")
    cache = PageCache()
    with running_in("pub-cache-a"):
        first = cache.load(_QuietRequest(), str(path), autoreload=True, debug=False)
        again = cache.load(_QuietRequest(), str(path), autoreload=True, debug=False)
    with running_in("pub-cache-b"):
        other = cache.load(_QuietRequest(), str(path), autoreload=True, debug=False)
    assert first is again
    assert other is not first


class _QuietRequest:
    def log_error(self, *args):
        pass


def test_concurrent_first_requests_execute_the_page_once(tmp_path):
    path = tmp_path / "page.py"
    path.write_text(
        "import time\nimport builtins\n"
        "builtins.pub_cache_runs = getattr(builtins, 'pub_cache_runs', 0) + 1\n"
        "time.sleep(0.05)\n"
    )
    cache = PageCache()

    builtins.pub_cache_runs = 0
    modules = []
    start = threading.Barrier(8)

    def load():
        start.wait()
        modules.append(cache.load(_QuietRequest(), str(path), autoreload=True, debug=False))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    try:
        assert builtins.pub_cache_runs == 1
        assert len(modules) == 8 and all(module is modules[0] for module in modules)
    finally:
        del builtins.pub_cache_runs


def test_execute_page_gives_a_fresh_module_each_time(tmp_path):
    path = tmp_path / "p.py"
    path.write_text("X = []\n")
    first, second = execute_page(str(path)), execute_page(str(path))
    assert first is not second and first.X is not second.X


def test_missing_file_or_directory_is_no_page_and_takes_no_entry(tmp_path):
    cache = PageCache()
    (tmp_path / "dir.py").mkdir()
    for name in ("gone.py", "dir.py", "nul\0.py"):
        assert cache.load(_QuietRequest(), str(tmp_path / name), True, False) is None
    assert all(not table for table in cache._tables.values())


def test_deleted_page_is_not_found(publisher_site):
    site = publisher_site({"page.py": "def index(req):\n    return 'here'\n"})
    assert site.get("/page.py").status == 200
    (site.docroot / "page.py").unlink()
    assert site.get("/page.py").status == 404


def test_page_cache_indexed_by_request_as_in_mod_python(publisher_site):
    page = (
        "from mod_python import publisher\n"
        "def index(req):\n"
        "    return repr(publisher.page_cache[req] is publisher.page_cache[req])\n"
    )
    site = publisher_site({"page.py": page})
    assert site.get("/page.py").text == "True"
