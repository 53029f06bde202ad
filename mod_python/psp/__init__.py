"""``mod_python.psp``: Python Server Pages with mod_python's syntax, in pure Python.

The names legacy code and pages use: ``PSP``, ``PSPInterface``, ``parse``, ``parsestring``,
``handler`` (``PythonHandler mod_python.psp``) and the cache helpers. The work is done in
``parser`` (template -> Python source), ``cache`` (compiled code), ``page`` (running a page)
and ``code_view`` (the debug view). A page runs in a copy of this module's globals, as in
mod_python, so the modules imported here are visible to pages without an import.
"""

from __future__ import annotations

import dbm  # noqa: F401 - visible to pages, as in mod_python
import marshal  # noqa: F401 - visible to pages, as in mod_python
import os  # noqa: F401 - visible to pages, as in mod_python
import sys  # noqa: F401 - visible to pages, as in mod_python
import tempfile
import types  # noqa: F401 - visible to pages, as in mod_python
from html import escape  # noqa: F401 - visible to pages, as in mod_python

import _apache  # noqa: F401 - visible to pages, as in mod_python
from mod_python import _psp, apache  # noqa: F401 - visible to pages, as in mod_python

from .cache import (
    FileCache,
    HitsCache,
    code2str,
    dbm_cache_get,
    dbm_cache_store,
    dbm_cache_type,
    dbm_types,
    mem_fcache,
    mem_scache,
    str2code,
)
from .page import PSP, PSPInterface, path_split
from .page_handler import handler
from .parser import parse, parsestring

PY2 = False
tempdir = tempfile.gettempdir()

__all__ = [
    "PSP",
    "PSPInterface",
    "FileCache",
    "HitsCache",
    "code2str",
    "dbm_cache_get",
    "dbm_cache_store",
    "dbm_cache_type",
    "dbm_types",
    "handler",
    "mem_fcache",
    "mem_scache",
    "parse",
    "parsestring",
    "path_split",
    "str2code",
]
