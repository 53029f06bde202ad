"""Objects built once per process and key (lock tables, lock files, Redis clients)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any


class ProcessCache:
    """A dict filled on first use, safe for the process's threads and across fork."""

    def __init__(self) -> None:
        self._items: dict[Any, Any] = {}
        self._lock = threading.Lock()
        # Another thread may hold the lock at fork: the child needs one nobody holds.
        os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        """The object for ``key``, built by ``make()`` the first time it is asked for."""
        item = self._items.get(key)
        if item is None:
            with self._lock:
                item = self._items.get(key)
                if item is None:
                    item = self._items[key] = make()
        return item

    def values(self) -> list[Any]:
        return list(self._items.values())
