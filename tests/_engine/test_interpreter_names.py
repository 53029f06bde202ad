"""Which interpreter a handler runs in (SPEC 2.6), as mod_python's own tests check it."""

from __future__ import annotations

import pytest

REPORT = """
from mod_python import apache

def fixuphandler(req):
    req.write(req.interpreter)
    return apache.DONE

def handler(req):
    req.write(req.interpreter)
    return apache.OK
"""


def test_default_interpreter_is_the_server_name(make_site):
    site = make_site(
        '<Directory "{docroot}">\nSetHandler mod_python\nPythonHandler report\n</Directory>',
        {"report.py": REPORT},
    )
    assert site.get("/report.py").text == site.server_name


@pytest.mark.parametrize("uri", ["/", "/subdir/foo.py", "/subdir/"])
def test_interpreter_per_directive_is_the_directive_directory(make_site, uri):
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonInterpPerDirective On
            PythonHandler report
        </Directory>
        """,
        {"report.py": REPORT, "subdir/foo.py": ""},
    )
    assert site.get(uri).text == f"{site.docroot}/"


@pytest.mark.parametrize(
    ("uri", "suffix"),
    [("/", "/"), ("/subdir/foo.py", "/subdir/"), ("/subdir/", "/subdir/"), ("/subdir", "/subdir/")],
)
def test_interpreter_per_directory_is_the_file_directory(make_site, uri, suffix):
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonInterpPerDirectory On
            PythonFixupHandler report
        </Directory>
        """,
        {"report.py": REPORT, "subdir/foo.py": ""},
    )
    assert site.get(uri).text == f"{site.docroot}{suffix}"


def test_python_interpreter_wins_over_the_per_directory_rule(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
            SetHandler mod_python
            PythonInterpPerDirectory On
            PythonInterpreter named
            PythonHandler report
        </Directory>
        """,
        {"report.py": REPORT},
    )
    assert site.get("/report.py").text == "named"


def test_interpreters_have_independent_module_globals(make_site):
    counter = """
        from mod_python import apache

        hits = 0

        def handler(req):
            global hits
            hits += 1
            req.write("%s:%d" % (req.interpreter, hits))
            return apache.OK
        """
    site = make_site(
        """
        <Directory "{docroot}/one">
            SetHandler mod_python
            PythonInterpreter one
            PythonHandler counter
        </Directory>
        <Directory "{docroot}/two">
            SetHandler mod_python
            PythonInterpreter two
            PythonPath "[r'{docroot}/one'] + sys.path"
            PythonHandler counter
        </Directory>
        """,
        {"one/counter.py": counter, "two/x": ""},
    )
    assert site.get("/one/a").text == "one:1"
    assert site.get("/one/a").text == "one:2"
    assert site.get("/two/x").text == "two:1"
    assert site.get("/one/a").text == "one:3"
