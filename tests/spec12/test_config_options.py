"""mod_python's per-request tests of configuration, options, interpreters and early phases.

SPEC 12.2 #29, 30, 34-44: each test builds the original test's virtual host (selected by the
``Host:`` header, as test.py does) and asserts what the original asserted.
"""

from __future__ import annotations

import sys

import pytest

from .conftest import directory_conf


def vhost(name: str, *lines: str, directory: tuple[str, ...] = ()) -> str:
    """A name-based virtual host ``name`` holding ``lines`` and a Directory of the docroot."""
    inner = "\n".join(lines)
    return (
        f"<VirtualHost *>\nServerName {name}\n{inner}\n{directory_conf(*directory)}</VirtualHost>\n"
    )


def test_req_server_get_config_sees_server_and_directory_levels(spec_site):
    site = spec_site(
        vhost(
            "test_req_server_get_config",
            "PythonDebug On",
            directory=(
                "SetHandler mod_python",
                "PythonHandler tests::req_server_get_config",
                "PythonDebug Off",
            ),
        )
    )
    response = site.get("/tests.py", headers={"Host": "test_req_server_get_config"})
    assert response.text == repr(("1", "0"))


def test_req_server_get_options_of_main_base_vhost_and_request(spec_site):
    site = spec_site(
        vhost(
            "test_req_server_get_options",
            "PythonOption global 1",
            "PythonOption override 1",
            directory=(
                "SetHandler mod_python",
                "PythonHandler tests::req_server_get_options",
                "PythonOption override 2",
                "PythonOption local 1",
            ),
        )
    )
    response = site.get("/tests.py", headers={"Host": "test_req_server_get_options"})
    assert response.text == repr(
        {
            "main": ["0", "0", "0"],
            "base": ["0", "0", "0"],
            "server": ["1", "1", "0"],
            "request": ["1", "2", "1"],
        }
    )


def test_sys_argv_is_mod_python(spec_site, make_site):
    site = make_site(
        directory_conf("SetHandler mod_python", "PythonHandler argv"),
        {"argv.py": "import sys\ndef handler(req):\n    req.write(repr(sys.argv))\n    return 0\n"},
    )
    before = list(sys.argv)
    assert site.get("/argv.py").text == "['mod_python']"
    assert sys.argv == before  # the test process's own argv is left alone


OPTION_CASES = {
    # test_PythonOption (defined in test.py but never run): only the global option.
    "PythonOption": ((), "[('PythonOptionTest', 'sample_value')]"),
    "PythonOption_override": (
        ("PythonOption PythonOptionTest new_value", 'PythonOption PythonOptionTest2 "new_value2"'),
        "[('PythonOptionTest', 'new_value'), ('PythonOptionTest2', 'new_value2')]",
    ),
    "PythonOption_remove": (
        ('PythonOption PythonOptionTest ""', "PythonOption PythonOptionTest2 new_value2"),
        "[('PythonOptionTest2', 'new_value2')]",
    ),
    "PythonOption_remove2": (
        (
            "PythonOption PythonOptionTest",
            "PythonOption PythonOptionTest3 new_value3",
            "PythonOption PythonOptionTest2 new_value2",
        ),
        "[('PythonOptionTest2', 'new_value2'), ('PythonOptionTest3', 'new_value3')]",
    ),
}


@pytest.mark.parametrize(("name", "case"), OPTION_CASES.items(), ids=list(OPTION_CASES))
def test_PythonOption_directory_values_over_the_global_one(spec_site, name, case):
    directory_options, expected = case
    site = spec_site(
        "PythonOption PythonOptionTest sample_value\n"
        + vhost(
            f"test_{name}",
            directory=(
                "SetHandler mod_python",
                "PythonHandler tests::PythonOption_items",
                *directory_options,
            ),
        )
    )
    assert site.get("/tests.py", headers={"Host": f"test_{name}"}).text == expected


@pytest.mark.parametrize("uri", ["/", "/subdir/foo.py", "/subdir/"])
def test_interpreter_per_directive_is_the_docroot(spec_site, uri):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "PythonInterpPerDirective On",
            "PythonFixupHandler tests::interpreter",
        ),
        files={"subdir/foo.py": ""},
    )
    assert site.get(uri).text == f"{site.docroot}/"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [("/", ""), ("/subdir/foo.py", "subdir/"), ("/subdir/", "subdir/"), ("/subdir", "subdir/")],
)
def test_interpreter_per_directory_is_the_file_directory(spec_site, uri, expected):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "PythonInterpPerDirectory On",
            "PythonFixupHandler tests::interpreter",
        ),
        files={"subdir/foo.py": ""},
    )
    assert site.get(uri).text == f"{site.docroot}/{expected}"


def test_util_fieldstorage_lists_bytes_names_and_values(spec_site):
    site = spec_site(
        directory_conf("SetHandler mod_python", "PythonHandler tests::util_fieldstorage")
    )
    response = site.post(
        "/tests.py",
        b"spam=1&spam=2&eggs=3&bacon=4",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    # On Python 3 mod_python keeps urlencoded names and values as bytes (SPEC 13).
    assert response.text == (
        "[Field(b'spam', b'1'), Field(b'spam', b'2'), Field(b'eggs', b'3'), Field(b'bacon', b'4')]"
    )


def test_postreadrequest_handler_at_vhost_level(spec_site):
    site = spec_site(
        vhost(
            "test_postreadrequest",
            "PythonPath \"[r'{docroot}'] + sys.path\"",
            "SetHandler mod_python",
            "PythonPostReadRequestHandler tests::postreadrequest",
            "PythonDebug On",
        )
    )
    response = site.get("/tests.py", headers={"Host": "test_postreadrequest"})
    assert (response.status, response.text) == (200, "test ok")
    assert "VALUE = '" in site.error_log
    assert "ITEM = ('TEST2', '\"')" in site.error_log


def test_trans_handler_filename_is_served_by_apache(spec_site):
    site = spec_site(
        vhost(
            "test_trans",
            "PythonPath \"[r'{docroot}'] + sys.path\"",
            "PythonTransHandler tests::trans",
        )
    )
    response = site.get("/anything", headers={"Host": "test_trans"})
    assert response.status == 200
    assert response.text.startswith(" #")


DUMMY_MODULE = """
from mod_python import apache

apache.log_error("dummymodule is being imported")


def function():
    apache.log_error("dummymodule::function called")
    apache.main_server.get_options()["dummymodule::function"] = "1"
"""


def test_import_runs_python_import_once_in_the_named_interpreter(spec_site):
    site = spec_site(
        "PythonPath \"[r'{docroot}'] + sys.path\"\n"
        "PythonImport dummymodule test_import\n"
        "PythonImport dummymodule::function test_import\n"
        + directory_conf(
            "SetHandler mod_python",
            "PythonInterpreter test_import",
            "PythonHandler tests::import_test",
        ),
        files={"dummymodule.py": DUMMY_MODULE},
    )
    assert site.get("/tests.py").text == repr((1, True, True))
    assert site.error_log.count("dummymodule is being imported") == 1
