"""``Content-Type``/``Content-Disposition`` values split into a main value and parameters."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

# One ";"-separated item: quoted strings may hold ";" (mod_python split on every ";",
# which cut a filename like "a;b.txt" in two).
_ITEM = re.compile(rb'(?:[^;"]|"(?:[^"\\]|\\.)*"?)+')


def split_header(line: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The lower-cased main value and the ``(name, raw value)`` parameters, unquoted."""
    items = [item.strip() for item in _ITEM.findall(line)]
    if not line.lstrip().startswith(b";"):
        main = items.pop(0).lower() if items else b""
    else:
        main = b""
    params = []
    for item in items:
        name, equals, value = item.partition(b"=")
        if not equals:
            continue
        value = value.strip()
        if len(value) >= 2 and value[:1] == value[-1:] == b'"':
            value = value[1:-1]
        params.append((name.strip().lower(), value))
    return main, params


def parse_header(line: bytes) -> tuple[bytes, dict[bytes, str]]:
    """mod_python's ``util.parse_header``: bytes in; main value bytes, parameters Latin-1."""
    if not isinstance(line, bytes):
        raise TypeError("parse_header() only accepts bytes")
    main, params = split_header(line)
    return main, {name: value.decode("latin-1") for name, value in params}


def text_parameters(params: list[tuple[bytes, bytes]], charset: str) -> dict[str, str]:
    """Parameters as ``str`` for the str-everywhere mode: values in ``charset``.

    RFC 5987/2231 extended values (``filename*=UTF-8''r%C3%A9sum%C3%A9.txt``) are decoded
    and take the place of the plain parameter of the same name.
    """
    result: dict[str, str] = {}
    extended: dict[str, str] = {}
    for raw_name, raw_value in params:
        name = raw_name.decode("latin-1")
        if name.endswith("*"):
            encoding, _, rest = raw_value.decode("latin-1").partition("'")
            _language, _, quoted = rest.partition("'")
            try:
                extended[name[:-1]] = unquote_to_bytes(quoted).decode(
                    encoding or charset, "replace"
                )
                continue
            except LookupError:
                pass
        result[name] = raw_value.decode(charset, "replace")
    result.update(extended)
    return result
