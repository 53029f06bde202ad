"""``mod_python check``: every problem of a config, located at file:line.

Errors come from the config engine (``check_config_file`` keeps going after a bad
directive). Warnings add what the engine does not look at: a DocumentRoot that does not
exist, and mod_wsgi's Python home check (``WSGIPythonHome``, ``WSGIDaemonProcess ...
python-home=``): the directory must exist and be a Python installation or virtual
environment of the running Python's version.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from .._engine.config.parser import ConfigError, Directive, parse_config
from .._engine.config.server import ServerSettings, check_config_file
from .addresses import config_addresses

_MAX_INCLUDE_DEPTH = 16


@dataclass(frozen=True)
class Problem:
    """One line of the report: an error or a warning at file:line."""

    file: str
    line: int | None
    directive: str | None
    message: str
    is_error: bool

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"{self.directive}: " if self.directive else ""
        kind = "" if self.is_error else "warning: "
        return f"{where}: {kind}{what}{self.message}"


@dataclass
class Report:
    settings: ServerSettings | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def summary(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        if not errors:
            return "Syntax OK" + (f" ({_count(warnings, 'warning')})" if warnings else "")
        return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def check(config_path: str, defines=()) -> Report:
    """Parse and validate ``config_path``; never raises for a bad config."""
    config_path = os.path.abspath(config_path)
    settings, errors, warnings = check_config_file(config_path, set(defines))
    problems = [_from_error(error) for error in errors]
    problems += [Problem(w.file, w.line, w.directive, w.message, False) for w in warnings]
    if settings is not None:
        problems += _settings_problems(settings, config_path)
    if errors == [] or settings is not None:
        problems += python_home_problems(config_path)
    return Report(settings, problems)


def _from_error(error: ConfigError) -> Problem:
    return Problem(error.file or "<config>", error.line, error.directive, error.message, True)


def _settings_problems(settings: ServerSettings, config_path: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        config_addresses(settings)
    except ValueError as error:
        problems.append(Problem(config_path, None, None, str(error), True))
    for record in [settings, *settings.vhosts]:
        root = record.document_root
        if root and not os.path.isdir(root):
            where = record.defn_name or config_path
            line = record.defn_line_number or None
            problems.append(Problem(where, line, "DocumentRoot", f"{root} does not exist", False))
    return problems


# ---- mod_wsgi's Python home check ------------------------------------------------------------


def python_home_problems(config_path: str) -> list[Problem]:
    """Warnings for WSGIPythonHome / python-home= naming a directory unusable as Python home."""
    problems: list[Problem] = []
    base = os.path.dirname(config_path)
    for node in _walk_file(config_path, base, 0):
        key = node.key
        if key == "wsgipythonhome" and node.args:
            path = node.args[0]
        elif key == "wsgidaemonprocess":
            path = next(
                (arg.partition("=")[2] for arg in node.args[1:] if arg.startswith("python-home=")),
                None,
            )
        else:
            continue
        if path is None:
            continue
        resolved = path if os.path.isabs(path) else os.path.join(base, path)
        message = python_home_problem(resolved)
        if message:
            problems.append(Problem(node.file, node.line, node.name, message, False))
    return problems


def python_home_problem(path: str, version: tuple[int, int] | None = None) -> str | None:
    """Why ``path`` cannot be the Python home of this Python, or None when it can."""
    major, minor = version or sys.version_info[:2]
    wanted = f"{major}.{minor}"
    if not os.path.exists(path):
        return f"Python home {path} does not exist"
    if not os.path.isdir(path):
        return f"Python home {path} is not a directory"
    if not os.access(path, os.R_OK | os.X_OK):
        return f"Python home {path} is not accessible"
    venv_config = os.path.join(path, "pyvenv.cfg")
    if os.path.isfile(venv_config):
        found = _venv_version(venv_config)
        if found and found != wanted:
            return (
                f"Python home {path} is a virtual environment for Python {found}, "
                f"not the running Python {wanted}"
            )
        return None
    libraries = sorted(
        name
        for name in _listdir(os.path.join(path, "lib"))
        if re.fullmatch(r"python\d+\.\d+t?", name)
    )
    if f"python{wanted}" in libraries or os.path.isfile(os.path.join(path, "Lib", "os.py")):
        return None
    if libraries:
        found = ", ".join(name.removeprefix("python") for name in libraries)
        return f"Python home {path} is for Python {found}, not the running Python {wanted}"
    return (
        f"Python home {path} is not a Python installation or virtual environment "
        f"(no pyvenv.cfg, no lib/python{wanted})"
    )


def _venv_version(venv_config: str) -> str | None:
    """``major.minor`` from a pyvenv.cfg's ``version``/``version_info`` line."""
    try:
        with open(venv_config, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition("=")
                if key.strip().lower() in ("version", "version_info"):
                    match = re.match(r"\s*(\d+)\.(\d+)", value)
                    if match:
                        return f"{match.group(1)}.{match.group(2)}"
    except OSError:
        return None
    return None


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _walk_file(path: str, base: str, depth: int) -> Iterator[Directive]:
    """Every directive of ``path`` and the files it Includes, containers' children too."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            tree = parse_config(handle.read(), path)
    except (OSError, ConfigError):
        return
    yield from _walk(tree, base, depth)


def _walk(nodes: list[Directive], base: str, depth: int) -> Iterator[Directive]:
    for node in nodes:
        if node.key == "serverroot" and node.args and depth == 0:
            root = node.args[0]
            base = root if os.path.isabs(root) else os.path.join(base, root)
        yield node
        if node.children:
            yield from _walk(node.children, base, depth)
        elif node.key in ("include", "includeoptional") and node.args and depth < 16:
            pattern = node.args[0]
            pattern = pattern if os.path.isabs(pattern) else os.path.join(base, pattern)
            for included in sorted(glob.glob(pattern)):
                if os.path.isfile(included):
                    yield from _walk_file(included, base, depth + 1)


__all__ = ["Problem", "Report", "check", "python_home_problem", "python_home_problems"]
