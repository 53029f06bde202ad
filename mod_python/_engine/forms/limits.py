"""The bounds a form parse runs under, and the ``PythonOption`` names that change them.

Every option is read per request from ``req.get_options()`` (so it can differ per
directory); sizes are bytes, optionally with a ``K``, ``M`` or ``G`` suffix (powers of 1024).
``LimitRequestBody`` is honoured too: the smaller of it and ``max_body_size`` applies.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace

OPTION_PREFIX = "mod_python.util."

_TRUE = {"on", "1", "true", "yes"}
_FALSE = {"off", "0", "false", "no", ""}
_SIZE_SUFFIXES = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


@dataclass(frozen=True)
class FormLimits:
    """What one ``FieldStorage`` may accept; each field is also a PythonOption of that name."""

    #: ``On``: every name and value is ``str`` (file contents stay bytes); ``Off``: the
    #: original's Python 3 contract (body names and values are bytes).
    str_fields: bool = False
    #: Characters that separate query string pairs; ``"&;"`` is what mod_python's C parser did.
    query_separators: str = "&"
    #: Most fields a body may carry (urlencoded pairs or multipart parts); more is 413.
    max_fields: int = 1000
    #: Most bytes of field values held in memory at once (urlencoded bodies, text parts,
    #: small uploads before they spill to disk); more is 413.
    max_memory_size: int = 16 << 20
    #: Largest body accepted (413 beyond); 0 means no limit of our own.
    max_body_size: int = 1 << 30
    #: Largest header block of one multipart part; more is 413.
    max_header_size: int = 16 << 10
    #: An upload is kept in memory up to this size, then moved to a temporary file.
    spool_threshold: int = 256 << 10
    #: Where upload temporary files go (empty: Python's ``tempfile`` default).
    temp_directory: str = ""
    #: Bytes asked of ``req.read`` at a time.
    read_block_size: int = 256 << 10

    @classmethod
    def from_options(cls, options, limit_request_body: int | None = None) -> FormLimits:
        """Defaults overridden by ``mod_python.util.*`` options; ``LimitRequestBody`` caps the body."""
        relevant = ()
        if options:
            relevant = tuple(
                (key.lower(), value)
                for key, value in options.items()
                if key[:16].lower() == OPTION_PREFIX
            )
        return _limits_for(relevant, limit_request_body or 0)


@functools.lru_cache(maxsize=64)
def _limits_for(options: tuple[tuple[str, str], ...], limit_request_body: int) -> FormLimits:
    """The limits for one set of options (cached: a site has few distinct sets)."""
    given = dict(options)
    values = {}
    for spec in fields(FormLimits):
        raw = given.get(OPTION_PREFIX + spec.name)
        if raw is None:
            continue
        default = spec.default
        if isinstance(default, bool):
            values[spec.name] = _flag(spec.name, raw)
        elif isinstance(default, int):
            values[spec.name] = _size(spec.name, raw)
        else:
            values[spec.name] = raw
    limits = replace(FormLimits(), **values)
    if not limits.query_separators or not set(limits.query_separators) <= {"&", ";"}:
        raise ValueError(
            f"PythonOption {OPTION_PREFIX}query_separators must be '&', ';' or '&;',"
            f" not {limits.query_separators!r}"
        )
    if limit_request_body:
        body = limits.max_body_size
        limits = replace(
            limits, max_body_size=min(body, limit_request_body) if body else limit_request_body
        )
    return limits


def _flag(name: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"PythonOption {OPTION_PREFIX}{name} must be On or Off, not {raw!r}")


def _size(name: str, raw: str) -> int:
    text = raw.strip().lower()
    scale = _SIZE_SUFFIXES.get(text[-1:], 1) if text else 1
    if scale != 1:
        text = text[:-1]
    try:
        value = int(text) * scale
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(
            f"PythonOption {OPTION_PREFIX}{name} must be a size in bytes (K, M, G allowed),"
            f" not {raw!r}"
        )
    return value
