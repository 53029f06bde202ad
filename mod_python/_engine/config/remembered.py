"""Values worked out once per merged config section and kept between requests.

A merged config (``DirConfig``) never changes once the engine has built it, so whatever is
read from it alone (parsed options, limits, settings) can be worked out once. Tables of such
values are keyed by ``id(config)`` (with whatever else the value depends on) and keep the
config itself in the entry: its id cannot be reused while the entry lives, and a hit is
confirmed by identity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def remembered(
    table: dict, key: Any, config: object, limit: int, compute: Callable[..., T], *args: Any
) -> T:
    """``compute(*args)``, worked out once per ``key`` while ``config`` is the one it was for.

    ``table`` maps key -> (config, value). It is emptied when it holds ``limit`` entries:
    only sites with .htaccess files, whose configs are made per request, ever fill one.
    """
    found = table.get(key)
    if found is not None and found[0] is config:
        return found[1]
    value = compute(*args)
    if len(table) >= limit:
        table.clear()
    table[key] = (config, value)
    return value


__all__ = ["remembered"]
