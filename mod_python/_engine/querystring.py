"""``_apache.parse_qs`` / ``parse_qsl``: mod_python's C query-string parser (SPEC 6.1).

It differs from ``urllib.parse`` in ways legacy code can observe: ``;`` separates
pairs like ``&``; ``+`` becomes a space *before* percent-decoding (so ``%2B`` stays
``+``); a bad ``%xx`` is kept literally; ``%00`` ends the key or value; the input
itself ends at its first NUL; blank values are judged on the raw text; and ``str``
input is processed as Latin-1 bytes and the result decoded as UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .table import NOT_LATIN1

_PAIR_SEPARATOR = re.compile(rb"[&;]")

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
    if b"%" not in raw:
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
    nul = result.find(b"\0")
    return result if nul < 0 else result[:nul]


def _query_bytes(qs: object) -> bytes:
    if isinstance(qs, str):
        try:
            return qs.encode("latin-1")
        except UnicodeEncodeError:
            raise TypeError(NOT_LATIN1) from None
    if isinstance(qs, bytes):
        return bytes(qs)
    raise TypeError(NOT_LATIN1)


def _raw_pairs(qs: bytes, keep_blank_values: object) -> Iterator[tuple[bytes, bytes]]:
    nul = qs.find(b"\0")
    if nul >= 0:  # the C code works on a NUL-terminated copy
        qs = qs[:nul]
    for segment in _PAIR_SEPARATOR.split(qs.replace(b"+", b" ")):
        if not segment:
            continue
        key, _equals, value = segment.partition(b"=")
        if value or keep_blank_values:
            yield unescape_url(key), unescape_url(value)


def _as_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # The C module fails here without a proper exception, which Python reports as a
        # SystemError; util.FieldStorage relies on catching exactly that.
        raise SystemError(f"query string is not valid UTF-8: {error}") from error


def parse_qsl(
    qs: str | bytes, keep_blank_values: int = 0, strict_parsing: int = 0
) -> list[tuple[str, str]] | list[tuple[bytes, bytes]]:
    """``(key, value)`` pairs in order; ``str`` in gives ``str`` out, ``bytes`` gives ``bytes``.

    ``strict_parsing`` is accepted and ignored, as in mod_python.
    """
    text = isinstance(qs, str)
    pairs = _raw_pairs(_query_bytes(qs), keep_blank_values)
    if text:
        return [(_as_text(key), _as_text(value)) for key, value in pairs]
    return list(pairs)


def parse_qs(
    qs: str | bytes, keep_blank_values: int = 0, strict_parsing: int = 0
) -> dict[str, list[str]] | dict[bytes, list[bytes]]:
    """Dict of key -> list of its values in order (same parsing as :func:`parse_qsl`)."""
    result: dict = {}
    for key, value in parse_qsl(qs, keep_blank_values, strict_parsing):
        values = result.get(key)
        if values is None:
            result[key] = [value]
        else:
            values.append(value)
    return result
