"""``_apache.parse_qs`` / ``parse_qsl``: mod_python's C query-string parser (SPEC 6.1).

It differs from ``urllib.parse`` in ways legacy code can observe: ``;`` separates
pairs like ``&``; ``+`` becomes a space *before* percent-decoding (so ``%2B`` stays
``+``); a bad ``%xx`` is kept literally; ``%00`` ends the key or value; the input
itself ends at its first NUL; blank values are judged on the raw text; and ``str``
input is processed as Latin-1 bytes and the result decoded as UTF-8.

``separators`` chooses which characters split pairs. The C parser split on both ``&``
and ``;`` (the default here, so ``_apache`` stays faithful); ``mod_python.util`` passes
``"&"`` unless the site asks otherwise, as CPython does since CVE-2021-23336 (a ``;``
that one cache splits on and another does not lets an attacker poison the cache).
"""

from __future__ import annotations

import functools
import re

from .table import NOT_LATIN1

C_SEPARATORS = "&;"

# Byte membership by value: ``37 in data`` is a memchr, ``b"%" in data`` ten times slower.
_PERCENT = ord("%")

# "%xx" -> byte, for every spelling of two hex digits (what apr_isxdigit accepts).
_HEX_TO_BYTE = {
    (high + low).encode(): bytes([int(high + low, 16)])
    for high in "0123456789abcdefABCDEF"
    for low in "0123456789abcdefABCDEF"
}


def unescape_url(raw: bytes) -> bytes:
    """Apache's ``ap_unescape_url`` as mod_python uses it (return code ignored).

    Valid ``%xx`` escapes are decoded (``%2F`` included); an invalid one leaves the
    ``%`` in place and scanning resumes at the next character; the C string ends at
    the first decoded NUL.
    """
    if _PERCENT not in raw:
        return raw
    pieces = raw.split(b"%")
    decoded = [pieces[0]]
    for piece in pieces[1:]:
        byte = _HEX_TO_BYTE.get(piece[:2])
        if byte is None:
            decoded.append(b"%")
            decoded.append(piece)
        else:
            decoded.append(byte)
            decoded.append(piece[2:])
    result = b"".join(decoded)
    return result if 0 not in result else result[: result.index(0)]


def _query_bytes(qs: object) -> bytes:
    if isinstance(qs, str):
        try:
            return qs.encode("latin-1")
        except UnicodeEncodeError:
            raise TypeError(NOT_LATIN1) from None
    if isinstance(qs, bytes):
        return bytes(qs)
    raise TypeError(NOT_LATIN1)


@functools.lru_cache(maxsize=16)
def _splitter(separators: str):
    """A function splitting bytes on any of ``separators`` (plain split for one)."""
    if not separators:
        raise ValueError("at least one query string separator is needed")
    if len(separators) == 1:
        separator = separators.encode("latin-1")
        return lambda qs: qs.split(separator)
    return re.compile(b"[" + re.escape(separators.encode("latin-1")) + b"]").split


@functools.lru_cache(maxsize=16)
def _non_blank_pairs(separators: str):
    """A regex finding every ``key=value`` segment with a non-empty value.

    Matches cannot start inside a segment that has none: a start there would need an
    ``=`` before the next separator, and the segment's own start would have matched first.
    """
    if not separators:
        raise ValueError("at least one query string separator is needed")
    chars = re.escape(separators.encode("latin-1"))
    return re.compile(b"([^" + chars + b"=]*)=([^" + chars + b"]+)").findall


def byte_pairs(qs: bytes, keep_blank_values: object, separators: str) -> list[tuple[bytes, bytes]]:
    """:func:`parse_qsl` for ``bytes`` input, without its argument checks (a form body)."""
    if 0 in qs:  # the C code works on a NUL-terminated copy
        qs = qs[: qs.index(0)]
    qs = qs.replace(b"+", b" ")
    if keep_blank_values:
        pairs = []
        for segment in _splitter(separators)(qs):
            if segment:
                key, _equals, value = segment.partition(b"=")
                pairs.append((key, value))
    else:  # the common case, done by the regex engine in one pass
        pairs = _non_blank_pairs(separators)(qs)
    if _PERCENT in qs:
        pairs = [
            (
                unescape_url(key) if _PERCENT in key else key,
                unescape_url(value) if _PERCENT in value else value,
            )
            for key, value in pairs
        ]
    return pairs


def _as_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # The C module fails here without a proper exception, which Python reports as a
        # SystemError; util.FieldStorage relies on catching exactly that.
        raise SystemError(f"query string is not valid UTF-8: {error}") from error


def parse_qsl(
    qs: str | bytes, keep_blank_values: int = 0, strict_parsing: int = 0,
    separators: str = C_SEPARATORS,
) -> list[tuple[str, str]] | list[tuple[bytes, bytes]]:  # fmt: skip
    """``(key, value)`` pairs in order; ``str`` in gives ``str`` out, ``bytes`` gives ``bytes``.

    ``strict_parsing`` is accepted and ignored, as in mod_python.
    """
    text = isinstance(qs, str)
    pairs = byte_pairs(_query_bytes(qs), keep_blank_values, separators)
    if text:
        return [(_as_text(key), _as_text(value)) for key, value in pairs]
    return pairs


def parse_qs(
    qs: str | bytes, keep_blank_values: int = 0, strict_parsing: int = 0,
    separators: str = C_SEPARATORS,
) -> dict[str, list[str]] | dict[bytes, list[bytes]]:  # fmt: skip
    """Dict of key -> list of its values in order (same parsing as :func:`parse_qsl`)."""
    result: dict = {}
    for key, value in parse_qsl(qs, keep_blank_values, strict_parsing, separators):
        values = result.get(key)
        if values is None:
            result[key] = [value]
        else:
            values.append(value)
    return result
