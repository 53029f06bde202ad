"""``mod_python.Cookie``: the cookie API legacy applications import.

Thin by design: the classes and helpers live in ``mod_python._engine.cookies``.
"""

from __future__ import annotations

from ._engine.cookies import (
    Cookie,
    CookieError,
    MarshalCookie,
    SignedCookie,
    add_cookie,
    get_cookie,
    get_cookies,
    metaCookie,
    parse_pairs,
)

__all__ = [
    "Cookie",
    "CookieError",
    "MarshalCookie",
    "SignedCookie",
    "add_cookie",
    "get_cookie",
    "get_cookies",
    "metaCookie",
]


def _parse_cookie(text, Class=Cookie, names=None) -> dict:  # noqa: N803 - mod_python's names
    """mod_python's internal parser entry point: ``{name: Class(name, value)}``."""
    return {name: Class(name, value) for name, value in parse_pairs(text, names)}
