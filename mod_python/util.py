"""``mod_python.util``: form fields, query strings and redirects (SPEC 6.1).

The names legacy code imports; the work is done in ``mod_python._engine.forms`` (parsing,
limits, field classes) and ``mod_python._engine.redirects``. See docs/forms.md for the
str/bytes contract, the ``mod_python.util.*`` options and the limits.
"""

from __future__ import annotations

from ._engine import querystring as _querystring
from ._engine.forms.binding import apply_fs_data
from ._engine.forms.fields import Field, FieldList, StringField, TextField
from ._engine.forms.headers import parse_header
from ._engine.forms.storage import READ_BLOCK_SIZE, FieldStorage
from ._engine.redirects import redirect

__all__ = [
    "Field", "FieldList", "FieldStorage", "StringField", "TextField", "apply_fs_data",
    "parse_header", "parse_qs", "parse_qsl", "readBlockSize", "redirect",
]  # fmt: skip

#: mod_python's longest ``readline`` while reading multipart bodies (test suites use it).
readBlockSize = READ_BLOCK_SIZE

#: The type of ``object.__call__`` and friends, which mod_python's module also exported.
MethodWrapper = type(object.__call__)

#: Query string pair separators used when the caller does not say: ``&`` only (CPython's
#: choice since CVE-2021-23336). ``"&;"`` splits like mod_python's C parser did.
DEFAULT_SEPARATORS = "&"


def parse_qsl(qs, keep_blank_values=0, strict_parsing=0, separators=DEFAULT_SEPARATORS):
    """``(key, value)`` pairs of ``qs`` in order: str in, str out; bytes in, bytes out."""
    return _querystring.parse_qsl(qs, keep_blank_values, strict_parsing, separators)


def parse_qs(qs, keep_blank_values=0, strict_parsing=0, separators=DEFAULT_SEPARATORS):
    """Key -> list of values of ``qs``, parsed as :func:`parse_qsl` does."""
    return _querystring.parse_qs(qs, keep_blank_values, strict_parsing, separators)
