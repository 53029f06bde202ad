"""The four building blocks of an Apache configuration written in Python.

Each node renders twice: ``str()`` gives Apache config text, ``repr()`` gives the Python
source that rebuilds the node (``write_basic_config`` writes scripts that way). Both
renderings indent children by setting their ``indent`` attribute as they go, as
mod_python's httpdconf does, so a node shared between two trees takes the indentation of
whichever rendered it last.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

_APPEND_ERROR = (
    "appended value must be an instance of Directive, Container, ContainerTag or Comment"
)


def _flip_slashes(text: str, flipslash) -> str:
    """Apache on Windows takes forward slashes: with ``flipslash`` every ``\\`` becomes ``/``."""
    return text.replace("\\", "/") if flipslash else text


def _check_node(value) -> None:
    if not isinstance(value, (Directive, Container, ContainerTag, Comment)):
        raise TypeError(_APPEND_ERROR)


def _namespace() -> dict:
    """The globals ``only_if`` expressions see: the httpdconf package's own."""
    return vars(importlib.import_module("httpdconf"))


def quote_if_space(text: str) -> str:
    """``text`` in double quotes when it contains a space, so Apache reads it as one word."""
    return f'"{text}"' if " " in text else text


class Directive:
    """One directive line: ``name val``. The value is rendered with ``%s``, so ints work."""

    def __init__(self, name: str, val, flipslash=1):
        self.name = name
        self.val = val
        self.indent = 0
        self.flipslash = flipslash

    def __str__(self) -> str:
        line = " " * self.indent + "%s %s\n" % (self.name, self.val)
        return _flip_slashes(line, self.flipslash)

    def __repr__(self) -> str:
        source = " " * self.indent + f"{self.name}({self.val!r})"
        return _flip_slashes(source, self.flipslash)


class Container:
    """A sequence of nodes rendered one after another, optionally only when ``only_if``
    (a Python expression evaluated in httpdconf's globals) is true."""

    def __init__(self, *args, only_if: str | None = None):
        self.args = list(args)
        self.indent = 0
        self.only_if = only_if

    def append(self, value) -> None:
        _check_node(value)
        self.args.append(value)

    def __str__(self) -> str:
        if self.only_if and not eval(self.only_if, _namespace()):
            return ""
        parts = []
        for item in self.args:
            item.indent = self.indent
            parts.append(str(item))
        return "".join(parts)

    def __repr__(self) -> str:
        margin = " " * self.indent
        source = margin + "Container(" + _repr_children(self.args, self.indent + 4)
        if self.only_if:
            return source + f"\n{margin}    only_if={self.only_if!r})"
        return source + f"\n{margin})"


class ContainerTag:
    """A section: ``<tag attr>``, its children indented by two, ``</tag>``."""

    def __init__(self, tag: str, attr, args: Iterable, flipslash=1):
        self.tag = tag
        self.attr = attr
        self.args = list(args)
        self.indent = 0
        self.flipslash = flipslash

    def append(self, value) -> None:
        _check_node(value)
        self.args.append(value)

    def __str__(self) -> str:
        margin = " " * self.indent
        parts = [_flip_slashes("%s<%s %s>\n" % (margin, self.tag, self.attr), self.flipslash)]
        for item in self.args:
            item.indent = self.indent + 2
            parts.append(str(item))
        parts.append(f"{margin}</{self.tag}>\n")
        return "".join(parts)

    def __repr__(self) -> str:
        margin = " " * self.indent
        opening = _flip_slashes(f"{margin}{self.tag}({self.attr!r},", self.flipslash)
        return opening + _repr_children(self.args, self.indent + 4) + f"\n{margin})"


class Comment:
    """``# line`` for each line of ``comment``; an empty line still gets its ``# ``."""

    def __init__(self, comment: str):
        self.comment = comment
        self.indent = 0

    def __str__(self) -> str:
        margin = " " * self.indent
        return "".join(f"{margin}# {line}\n" for line in self.comment.splitlines())

    def __repr__(self) -> str:
        margin = " " * self.indent
        lines = self.comment.splitlines()
        if not lines:  # mod_python's own repr fails here; an empty comment renders nothing
            return f"{margin}Comment({self.comment!r})"
        source = margin + "Comment(" + repr(lines[0] + "\n")
        for line in lines[1:]:
            source += "\n" + margin + " " * 8 + repr(line + "\n")
        return source + ")"


def _repr_children(children: list, indent: int) -> str:
    """Each child's repr on a line of its own at ``indent``, followed by a comma."""
    parts = []
    for child in children:
        child.indent = indent
        parts.append(f"\n{child!r},")
    return "".join(parts)
