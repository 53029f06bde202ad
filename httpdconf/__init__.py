"""Apache configuration as Python objects (mod_python 3.5's ``mod_python.httpdconf``).

    config = Container(
        Listen(8080),
        Directory("/srv/site", SetHandler("mod_python"), PythonHandler("site")),
    )
    str(config)    # the httpd.conf text
    repr(config)   # Python source rebuilding the same objects

``Container(..., only_if="mod_python.version.HTTPD_VERSION[:3] == '2.4'")`` renders only
when the expression, evaluated in this package's globals, is true; ``mod_python`` (with its
``version`` module) is importable there for that purpose.
"""

from __future__ import annotations

import mod_python.version  # noqa: F401 - binds ``mod_python`` for only_if expressions

from .basic_config import basic_config, write_basic_config
from .directives import *  # noqa: F403 - one class per directive, listed in the tuples below
from .directives import (
    ADDED_PYTHON_DIRECTIVES,
    MOD_PYTHON_35_DIRECTIVES,
    WSGI_DIRECTIVES,
    NamedDirective,
)
from .nodes import Comment, Container, ContainerTag, Directive, quote_if_space
from .sections import *  # noqa: F403
from .sections import SECTION_NAMES, Section

__all__ = [
    "Directive", "Container", "ContainerTag", "Comment", "quote_if_space",
    "NamedDirective", "Section", "basic_config", "write_basic_config",
    *SECTION_NAMES, *MOD_PYTHON_35_DIRECTIVES, *ADDED_PYTHON_DIRECTIVES, *WSGI_DIRECTIVES,
]  # fmt: skip
