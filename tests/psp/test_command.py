"""``mod_python psp FILE``: the generated code on stdout, errors as one line and exit 1."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mod_python.cli import main
from mod_python.psp import parsestring


def test_psp_command_prints_the_generated_code(tmp_path, capsys):
    template = "<%\nfor i in range(2):\n%>\nrow <%= i %>\n"
    (tmp_path / "page.psp").write_text(template)
    assert main(["psp", str(tmp_path / "page.psp")]) == 0
    assert capsys.readouterr().out == parsestring(template)


def test_psp_command_resolves_includes_beside_the_template(tmp_path, capsys, monkeypatch):
    (tmp_path / "page.psp").write_text('[<%@ include file="part.inc" %>]')
    (tmp_path / "part.inc").write_text("included")
    monkeypatch.chdir("/")
    assert main(["psp", str(tmp_path / "page.psp")]) == 0
    assert capsys.readouterr().out == 'req.write("""[included]""",0)\n'


def test_psp_command_on_a_missing_file_exits_1(tmp_path, capsys):
    assert main(["psp", str(tmp_path / "missing.psp")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("mod_python: cannot read ") and "missing.psp" in error


def test_psp_command_on_an_include_cycle_exits_1(tmp_path, capsys):
    (tmp_path / "loop.psp").write_text('<%@ include file="loop.psp" %>')
    assert main(["psp", str(tmp_path / "loop.psp")]) == 1
    assert "include cycle" in capsys.readouterr().err


def test_psp_command_has_help_with_an_example(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["psp", "--help"])
    assert stopped.value.code == 0
    assert "mod_python psp" in capsys.readouterr().out


def test_psp_command_runs_as_a_program(tmp_path):
    (tmp_path / "page.psp").write_text("hello <%= 1 %>")
    result = subprocess.run(
        [sys.executable, "-m", "mod_python.cli", "psp", str(tmp_path / "page.psp")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0
    assert (
        result.stdout == 'req.write("""hello """,0); req.write(str( 1 ),0); req.write("""""",0)\n'
    )
