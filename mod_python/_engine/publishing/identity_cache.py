"""Facts computed once per code or function object, forgotten when the object is.

``weakref.WeakKeyDictionary`` makes a new weak reference on every lookup, which costs as
much as the check it saves on the publisher's hot path; this cache looks up by ``id()``
and confirms the hit against the weak reference it stored.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any


class IdentityCache:
    """``cache.get(obj, compute)`` -> ``compute(obj)``, computed once while ``obj`` lives."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref, Any]] = {}

    def get(self, obj: Any, compute: Callable[[Any], Any]) -> Any:
        key = id(obj)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is obj:
            return entry[1]
        value = compute(obj)
        entries = self._entries

        def forget(reference: weakref.ref, key: int = key) -> None:
            current = entries.get(key)
            if current is not None and current[0] is reference:
                del entries[key]

        entries[key] = (weakref.ref(obj, forget), value)
        return value

    def __len__(self) -> int:
        return len(self._entries)
