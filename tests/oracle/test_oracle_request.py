"""What the request object tells a handler: paths, request line, config and options."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize(
    "path",
    [
        "/info/page.py",
        "/info/page.py/extra/path",
        "/info/page.py/trailing/",
        "/info/page.py?a=1&b=%20two",
        "/info/missing.py",
        "/info/missing.py/extra",
        "/info/sub/page.py",
        "/info/sub/missing.py/x/y",
        "/info/./sub/../page.py",
        "/info/a%20b.py",
        "/info//page.py",
    ],
)
def test_uri_filename_path_info_and_args(servers, path):
    servers.assert_same("GET", path)


def test_request_line_and_handler_attributes(servers):
    ours, _ = servers.assert_same("GET", "/request_line?q=1")
    assert b"phase='PythonHandler'" in ours.body


def test_request_line_attributes_for_head(servers):
    servers.assert_same("HEAD", "/request_line")


def test_options_inherited_from_the_server_and_overridden(servers):
    ours, _ = servers.assert_same("GET", "/options")
    assert b"('override_opt', 'from_location')" in ours.body
    assert b"('global_opt', 'from_server')" in ours.body


def test_option_without_value_hides_the_inherited_one(servers):
    ours, _ = servers.assert_same("GET", "/options/removed")
    assert b"global_opt" not in ours.body.split(b"\n")[0]
    assert b"local_opt" not in ours.body.split(b"\n")[0]


def test_get_config_lists_the_merged_directives(servers):
    ours, _ = servers.assert_same("GET", "/options/removed")
    assert b"('PythonDebug', '1')" in ours.body


def test_module_magic_number(servers):
    ours, _ = servers.assert_same("GET", "/magic_numbers")
    assert ours.body == b"20120211 127\n"


def test_directory_with_slash_serves_its_index(servers):
    ours, _ = servers.assert_same("GET", "/info/")
    assert ours.body == b"<p>index</p>\n"


def test_directory_without_slash_is_redirected(servers):
    ours, _ = servers.assert_same("GET", "/info?x=1")
    assert ours.status == 301 and ours.header("Location") == "http://127.0.0.1:%d/info/?x=1" % (
        ours.port
    )
