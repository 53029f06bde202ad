"""What the publisher refuses to reach or publish (SPEC 7.2; mod_python's
test_publisher_security, CVE-2002-0185, CVE-2005-0088): a table of hostile URLs."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

import pytest

PAGE = """
import os
import re
import sys
from os import system
from os.path import join
from shutil import rmtree
import abc

from mod_python import apache, util

_SECRET_PASSWORD = "root"
__ANSWER = 42
VERSION = "1.0"
test_dict = {1: 1, 2: 2, 3: 3}
test_dict_keys = test_dict.keys
names = ["a", "b"]
upper = "text".upper
builtin_len = len
builtin_open = open
string_class = str


def index(req):
    return "index"


index.exposed = "function attribute"


class OldStyleClassTest:
    def __call__(self, req):
        return "old style"

    def traverse(self, req):
        return "old style traverse"


class InstanceTest(object):
    secret_module = os

    def __call__(self, req):
        return "instance"

    def traverse(self, req):
        return "traverse"

    @staticmethod
    def static(req):
        return "static"

    @classmethod
    def klass(cls, req):
        return "classmethod"

    @property
    def computed(self):
        return "property"

    def _private(self, req):
        return "private"


class Meta(abc.ABC):
    def __init__(self, req=None):
        pass


instance = InstanceTest()
old_instance = OldStyleClassTest()
code_object = index.__code__


def generator_function(req):
    yield "x"


generator = generator_function(None)
frame_holder = sys._getframe()
"""

# (path, status): every refusal here is what mod_python answers unless the comment says.
HOSTILE = [
    # underscore names: module globals, dunders, private methods, encoded underscores
    ("/page.py/_SECRET_PASSWORD", 403),
    ("/page.py/__ANSWER", 403),
    ("/page.py/__name__", 403),
    ("/page.py/__file__", 403),
    ("/page.py/__dict__", 403),
    ("/page.py/__builtins__", 403),
    ("/page.py/__loader__", 403),
    ("/page.py/__spec__", 403),
    ("/page.py/%5f%5fdict%5f%5f", 403),
    ("/page.py/%5FSECRET_PASSWORD", 403),
    ("/page.py/instance/_private", 403),
    ("/page.py/instance/__class__", 403),
    ("/page.py/instance/__dict__", 403),
    ("/page.py/instance/__init__", 403),
    ("/page.py/index/__globals__", 403),
    ("/page.py/index/__code__", 403),
    ("/page.py/instance/traverse/__func__", 403),
    ("/page.py/instance/traverse/__self__", 403),
    # modules imported by the page: neither published nor walked into
    ("/page.py/os", 403),
    ("/page.py/sys", 403),
    ("/page.py/re", 403),
    ("/page.py/apache", 403),
    ("/page.py/util", 403),
    ("/page.py/os/system", 403),
    ("/page.py/os/path/join", 403),
    ("/page.py/sys/modules", 403),
    ("/page.py/apache/OK", 403),
    ("/page.py/instance/secret_module", 403),
    ("/page.py/instance/secret_module/system", 403),
    # built-in functions and methods
    ("/page.py/system", 403),
    ("/page.py/builtin_len", 403),
    ("/page.py/builtin_open", 403),
    ("/page.py/upper", 403),
    ("/page.py/test_dict_keys", 403),
    ("/page.py/test_dict/keys", 403),
    ("/page.py/test_dict/clear", 403),
    ("/page.py/names/pop", 403),
    ("/page.py/VERSION/upper", 403),
    ("/page.py/VERSION/format", 403),
    # classes (calling one would instantiate it), also with a metaclass of their own
    ("/page.py/OldStyleClassTest", 403),
    ("/page.py/InstanceTest", 403),
    ("/page.py/string_class", 403),
    ("/page.py/Meta", 403),  # ABCMeta: mod_python's exact-type table lets it through
    ("/page.py/InstanceTest/traverse", 403),
    # functions, methods, code, frames and generators are not walked into
    ("/page.py/index/func_code", 403),
    ("/page.py/index/exposed", 403),
    ("/page.py/instance/traverse/func_code", 403),
    ("/page.py/old_instance/traverse/func_code", 403),
    ("/page.py/instance/traverse/im_func", 403),
    ("/page.py/code_object/co_consts", 403),
    ("/page.py/frame_holder/f_globals", 403),
    ("/page.py/generator/gi_frame", 403),
    ("/page.py/code_object", 200),  # publishable, so written with str(), as mod_python
    # library functions the page imported: not published (mod_python would call them)
    ("/page.py/join", 403),
    ("/page.py/rmtree?path=/nonexistent", 403),
    # encoded separators, dots and other malformed names
    ("/page.py/instance%2Ftraverse", 404),  # an encoded slash never separates names
    ("/page.py/instance%2etraverse", 200),  # a dot is a separator, as in mod_python
    ("/page.py/instance.traverse", 200),
    ("/page.py/instance..traverse", 404),  # mod_python: IndexError -> 500
    ("/page.py/index.", 404),  # mod_python: 500
    ("/page.py/.index", 404),  # mod_python: 500
    ("/page.py/a//b", 404),
    ("/page.py/index%00", 404),
    ("/page.py/%ff", 404),  # mod_python: UnicodeDecodeError -> 500
    ("/page.py/no_such_name", 404),
    ("/page.py/instance/no_such_name", 404),
    ("/page.py/../page.py/_SECRET_PASSWORD", 403),
    ("/page.py/instance/static", 200),
    ("/page.py/instance/klass", 200),
    ("/page.py/instance/computed", 200),
]


@pytest.fixture
def site(publisher_site):
    return publisher_site({"page.py": PAGE})


def get_as_a_server_would(site, path: str):
    """GET with PATH_INFO percent-decoded (as Latin-1 text) as cheroot passes it: an
    encoded slash stays encoded, so it cannot split a name."""
    raw_path = path.partition("?")[0]
    pieces = re.split("%2f", raw_path, flags=re.IGNORECASE)
    decoded = "%2F".join(unquote_to_bytes(piece).decode("latin-1") for piece in pieces)
    return site.get(path, environ={"PATH_INFO": decoded})


def test_the_table_is_large_enough():
    assert len([case for case in HOSTILE if case[1] != 200]) >= 40


@pytest.mark.parametrize(("path", "status"), HOSTILE, ids=[path for path, _ in HOSTILE])
def test_hostile_url_gets_its_status(site, path, status):
    response = get_as_a_server_would(site, path)
    assert response.status == status, response.body[:300]
    assert b"Traceback" not in response.body


def test_refusals_are_logged_as_warnings(site):
    site.get("/page.py/__ANSWER")
    site.get("/page.py/os/system")
    assert "Cannot traverse __ANSWER in /page.py/__ANSWER because it starts with an underscore" in (
        site.error_log
    )
    assert "Cannot traverse system in /page.py/os/system because" in site.error_log


def test_library_function_refusal_says_why(site):
    site.get("/page.py/join")
    assert "Cannot publish join in /page.py/join because it is defined outside the application" in (
        site.error_log
    )
