"""``mp_hlist``: the cursor over the handler list of the running phase (SPEC 5.5)."""

from __future__ import annotations

from collections.abc import Sequence

from .config.dirconfig import HandlerEntry


class hlist:  # noqa: N801 - the type name mod_python reports
    __slots__ = ("_entries", "_index", "_directories")

    def __init__(self, entries: Sequence[HandlerEntry], directories: Sequence[str | None]):
        # The running list: add_handler for this phase appends to it. Tuples (the config's
        # own list, shared by every request) are copied on the first append only.
        self._entries = entries
        self._directories = directories
        self._index = 0

    def _current(self) -> HandlerEntry | None:
        return self._entries[self._index] if self._index < len(self._entries) else None

    @property
    def handler(self) -> str | None:
        entry = self._current()
        return entry.handler if entry else None

    @property
    def directory(self) -> str | None:
        if self._current() is None:
            return None
        return self._directories[self._index]

    @property
    def is_location(self) -> int | None:
        entry = self._current()
        return int(entry.is_location) if entry else None

    @property
    def silent(self) -> int | None:
        entry = self._current()
        return int(entry.silent) if entry else None

    def next(self) -> None:
        if self._index < len(self._entries):
            self._index += 1

    def _append(self, entry: HandlerEntry, directory: str | None) -> None:
        if type(self._entries) is tuple:
            self._entries = list(self._entries)
        if type(self._directories) is tuple:
            self._directories = list(self._directories)
        self._entries.append(entry)
        self._directories.append(directory)

    def __repr__(self) -> str:
        entry = self._current()
        if entry is None:
            return "{}"
        parts = [f"'handler':{entry.handler!r}"]
        if self.directory is not None:
            parts.append(f"'directory':{self.directory!r}")
        parts.append(f"'is_location':{bool(entry.is_location)}")
        parts.append(f"'silent':{int(entry.silent)}")
        return "{" + ",".join(parts) + "}"
