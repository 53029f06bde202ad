"""Compiled-page caches: in memory by hits, on disk in a DBM file, and precompiled siblings.

mod_python kept two per-process caches of code objects (SPEC 8.2): pages from strings keyed by
the string, pages from files keyed by file name and checked against the file's mtime; both
hold 512 entries and, when full, drop the least-hit entries down to 75%. Ours are the same
and also safe under threads. A file entry also remembers the files the page includes, so an
edited include recompiles the page (mod_python only looked at the page's own mtime).
"""

from __future__ import annotations

import dbm
import importlib.util
import marshal
import os
import threading
from types import CodeType
from typing import Any

# (path, mtime) of every file a compiled page was built from, the page itself excluded.
Dependencies = tuple[tuple[str, float], ...]

CACHE_SIZE = 512  # entries, as in mod_python
KEEP_FRACTION = 0.75  # a full cache is trimmed to this share of its size


def dependencies_current(dependencies: Dependencies) -> bool:
    """True when no included file changed (or vanished) since the page was compiled."""
    for path, mtime in dependencies:
        try:
            if os.path.getmtime(path) != mtime:
                return False
        except OSError:
            return False
    return True


class HitsCache:
    """A bounded mapping that counts hits and, when full, forgets the least-hit entries."""

    def __init__(self, size: int = CACHE_SIZE):
        self.cache: dict[Any, list] = {}  # key -> [hits, value, ...]
        self.size = size
        self._lock = threading.Lock()

    def store(self, key: Any, val: Any) -> None:
        with self._lock:
            self.cache[key] = [1, val]
            self._trim()

    def get(self, key: Any) -> Any:
        # No lock for a lookup: reading a dict is atomic, and the only write, the hit count,
        # merely ranks entries for the next trim (a count lost to a race changes nothing else).
        entry = self.cache.get(key)
        if entry is None:
            return None
        entry[0] += 1
        return entry[1]

    def clean(self) -> None:
        """Drop the least-hit entries until the cache is 75% full."""
        with self._lock:
            self._drop_least_hit()

    def _trim(self) -> None:
        if len(self.cache) > self.size:
            self._drop_least_hit()

    def _drop_least_hit(self) -> None:
        surplus = len(self.cache) - int(self.size * KEEP_FRACTION)
        if surplus <= 0:
            return
        by_hits = sorted(self.cache.items(), key=lambda item: item[1][0])
        for key, _entry in by_hits[:surplus]:
            del self.cache[key]


class FileCache(HitsCache):
    """Code objects of page files, valid while the page and its includes keep their mtimes.

    Entries are ``[hits, code, mtime, dependencies]``.
    """

    def store(self, filename: str, mtime: float, code: CodeType,
              dependencies: Dependencies = ()) -> None:  # fmt: skip
        with self._lock:
            self.cache[filename] = [1, code, mtime, dependencies]
            self._trim()

    def get(self, filename: str, mtime: float) -> CodeType | None:
        # Lock-free lookup, as in HitsCache.get; only dropping a stale entry takes the lock.
        entry = self.cache.get(filename)
        if entry is None:
            return None
        if entry[2] != mtime or (entry[3] and not dependencies_current(entry[3])):
            with self._lock:
                if self.cache.get(filename) is entry:
                    del self.cache[filename]
            return None
        entry[0] += 1
        return entry[1]


mem_scache = HitsCache()
mem_fcache = FileCache()


class StripedLocks:
    """A fixed set of locks picked by key, so two threads never compile the same page twice."""

    def __init__(self, count: int = 64):
        self._locks = [threading.Lock() for _ in range(count)]

    def for_key(self, key: Any) -> threading.Lock:
        return self._locks[hash(key) % len(self._locks)]


# ---- serialised code: precompiled files and the DBM cache -------------------------------------

# Marshalled code only loads into the Python that wrote it: every record starts with its magic.
_MAGIC = importlib.util.MAGIC_NUMBER


def code2str(c: CodeType) -> bytes:
    """A code object as bytes (marshal, prefixed with this Python's magic number)."""
    return _MAGIC + marshal.dumps(c)


def str2code(s: bytes) -> CodeType:
    """The code object ``code2str`` made; ValueError for data from another Python or not code."""
    if not s.startswith(_MAGIC):
        raise ValueError("not compiled by this Python version")
    code = marshal.loads(s[len(_MAGIC) :])
    if not isinstance(code, CodeType):
        raise ValueError("not a code object")
    return code


def precompiled_sibling(filename: str) -> str:
    """mod_python's name for a precompiled page: the extension's last letter replaced by "c"."""
    name, extension = os.path.splitext(filename)
    return name + extension[:-1] + "c"


def precompiled_get(filename: str, mtime: float) -> CodeType | None:
    """The code in the page's precompiled sibling, when there is one at least as new."""
    compiled_name = precompiled_sibling(filename)
    try:
        if os.path.getmtime(compiled_name) < mtime:
            return None
        with open(compiled_name, "rb") as compiled:
            return str2code(compiled.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None


dbm_types: dict[str, Any] = {}  # dbm file -> the dbm module that reads it


def dbm_cache_type(dbmfile: str):
    """The dbm module that reads ``dbmfile`` (the default one for a file not yet created)."""
    known = dbm_types.get(dbmfile)
    if known is not None:
        return known
    kind = dbm.whichdb(dbmfile)
    if not kind:
        return dbm
    module = importlib.import_module(kind)
    dbm_types[dbmfile] = module
    return module


def _with_dbm_lock(srv, action):
    # Global mutex 0, with no key: the index mod_python reserves for its DBM files.
    from _apache import _global_lock, _global_unlock

    _global_lock(srv, None, 0)
    try:
        return action()
    finally:
        _global_unlock(srv, None, 0)


def dbm_cache_store(srv, dbmfile: str, filename: str, mtime: float, val: CodeType,
                    dependencies: Dependencies = ()) -> None:  # fmt: skip
    """Store a page's code in the DBM cache file, under the server's global DBM lock."""
    record = _MAGIC + marshal.dumps((mtime, tuple(dependencies), val))

    def write() -> None:
        with dbm_cache_type(dbmfile).open(dbmfile, "c") as database:
            database[filename.encode("utf-8", "surrogateescape")] = record

    _with_dbm_lock(srv, write)


def dbm_cache_get(srv, dbmfile: str, filename: str, mtime: float) -> CodeType | None:
    """The page's code from the DBM cache file if it was stored for this mtime, else None."""

    def read() -> bytes | None:
        with dbm_cache_type(dbmfile).open(dbmfile, "c") as database:
            return database.get(filename.encode("utf-8", "surrogateescape"))

    record = _with_dbm_lock(srv, read)
    if not record or not record.startswith(_MAGIC):
        return None
    try:
        cached_mtime, dependencies, code = marshal.loads(record[len(_MAGIC) :])
    except (ValueError, EOFError, TypeError):
        return None
    if cached_mtime != mtime or not isinstance(code, CodeType):
        return None
    if not dependencies_current(dependencies):
        return None
    return code
