"""``mod_python check``: every problem with file:line, and mod_wsgi's Python home check."""

from __future__ import annotations

import sys

import pytest
from cli.sites import make_site, run

from mod_python._cli.check import check, python_home_problem

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"
OTHER = f"{sys.version_info[0]}.{sys.version_info[1] + 1}"


def test_a_good_config_is_syntax_ok(tmp_path):
    result = run("check", str(make_site(tmp_path / "site")))
    assert (result.returncode, result.stdout, result.stderr) == (0, "Syntax OK\n", "")


def test_every_bad_directive_is_reported_with_its_line(tmp_path):
    conf = make_site(tmp_path / "site", extra="PythonDebug maybe\nFrobnicate on\n")
    lines = len(conf.read_text().splitlines())
    result = run("check", str(conf))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{conf}:{lines - 1}: PythonDebug")
    assert errors[1].startswith(f"{conf}:{lines}: ") and "Frobnicate" in errors[1]
    assert result.stdout.endswith("2 errors, 0 warnings\n")


def test_missing_config_is_an_error(tmp_path):
    result = run("check", str(tmp_path / "nowhere.conf"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path / 'nowhere.conf'}: ")


def make_file(path):
    path.write_text("")
    return path


def make_directory(path):
    path.mkdir()
    return path


def make_venv(path, version: str):
    path.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {version}.4\n")
    return path


def make_prefix(path, version: str):
    (path / "lib" / f"python{version}").mkdir(parents=True)
    (path / "lib" / f"python{version}" / "os.py").write_text("")
    return path


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda p: p / "missing", "does not exist"),
        (lambda p: make_file(p / "file"), "is not a directory"),
        (lambda p: make_directory(p / "empty"), "is not a Python installation"),
        (lambda p: make_venv(p / "venv", OTHER), f"virtual environment for Python {OTHER}"),
        (lambda p: make_prefix(p / "prefix", OTHER), f"is for Python {OTHER}, not"),
        (lambda p: make_venv(p / "venv", RUNNING), None),
        (lambda p: make_prefix(p / "prefix", RUNNING), None),
    ],
)
def test_python_home_problem(tmp_path, build, expected):
    problem = python_home_problem(str(build(tmp_path)))
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


def test_wsgi_python_home_directives_are_checked_wherever_they_are(tmp_path):
    good = make_venv(tmp_path / "good", RUNNING)
    conf = make_site(
        tmp_path / "site",
        extra=(
            f"WSGIPythonHome {tmp_path / 'missing'}\n"
            "<VirtualHost *:80>\n"
            f"    WSGIDaemonProcess site threads=2 python-home={make_venv(tmp_path / 'old', OTHER)}\n"
            f"    WSGIDaemonProcess other python-home={good}\n"
            "</VirtualHost>\n"
        ),
    )  # fmt: skip
    lines = len(conf.read_text().splitlines())
    warnings = [p for p in check(str(conf)).problems if "Python home" in p.message]
    assert [(p.line, p.directive, p.is_error) for p in warnings] == [
        (lines - 4, "WSGIPythonHome", False),
        (lines - 2, "WSGIDaemonProcess", False),
    ]
    assert str(warnings[0]).startswith(f"{conf}:{lines - 4}: warning: WSGIPythonHome: Python home")
