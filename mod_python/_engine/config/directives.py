"""The directive registry: every directive the engine understands, declared once.

Each entry names the contexts it is allowed in and how it applies its arguments to the
section being built. The config builder, error messages and (later) ``mod_python check``
all read this table, so they cannot disagree. The directives themselves are declared in
python_directives.py (mod_python's), httpd_directives.py (Apache's), wsgi_directives.py
(mod_wsgi's) and unsupported.py (accepted without their effect); importing this module
registers them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .dirconfig import DirConfig
from .parser import Directive

# Where a directive may appear (Apache's RSRC_CONF / OR_ALL / ACCESS_CONF groups).
SERVER = "server"  # main server config or <VirtualHost>
SECTION = "section"  # <Directory>, <Location>, <Files> and their *Match forms
HTACCESS = "htaccess"
ANYWHERE = frozenset({SERVER, SECTION, HTACCESS})
SERVER_ONLY = frozenset({SERVER})
SERVER_AND_SECTIONS = frozenset({SERVER, SECTION})


@dataclass
class SectionScope:
    """What a directive applies to: the section's DirConfig plus where it sits."""

    config: DirConfig
    context: str  # SERVER, SECTION or HTACCESS
    directory: str | None  # recorded handler directory (SPEC 1.2), trailing "/"
    is_location: bool = False
    directory_pattern: re.Pattern | None = None
    server: object = None  # the ServerSettings being built (for server-level directives)
    # Inside <Limit m ...> / <LimitExcept m ...>: (methods, is_except); Require honours it.
    limit: tuple[frozenset[str], bool] | None = None
    # Inside <RequireAll>/<RequireAny>/<RequireNone>: where Require rules are collected.
    require_sink: list | None = None
    # In a .htaccess file: the AllowOverride classes in force there, and where its <Files>
    # sections go.
    overrides: frozenset[str] | None = None
    files_sink: list | None = None
    # Records a ConfigWarning for a node: warn(node, message).
    warn: Callable | None = None


@dataclass(frozen=True)
class DirectiveSpec:
    name: str
    contexts: frozenset[str]
    apply: Callable[[Directive, SectionScope], None]
    min_args: int = 0
    max_args: int | None = None
    # The AllowOverride class a .htaccess needs for it ("all" = any class will do), or None.
    override: str | None = "all"
    # Set for directives accepted without their effect: reported at start and by `check`.
    warning: str | None = None


REGISTRY: dict[str, DirectiveSpec] = {}


def directive(name: str, contexts=ANYWHERE, min_args: int = 0, max_args: int | None = None,
              override: str | None = "all", warning: str | None = None):  # fmt: skip
    def register(function):
        REGISTRY[name.lower()] = DirectiveSpec(
            name, frozenset(contexts), function, min_args, max_args, override, warning
        )
        return function

    return register


def flag(node: Directive) -> str:
    """An On/Off argument as mod_python stores it: "1" or "0"."""
    if len(node.args) != 1 or node.args[0].lower() not in ("on", "off"):
        raise node.error("must be On or Off")
    return "1" if node.args[0].lower() == "on" else "0"


# Registration happens on import; these modules import the names above.
from . import (  # noqa: E402, F401
    httpd_directives,
    python_directives,
    unsupported,
    wsgi_directives,
)
