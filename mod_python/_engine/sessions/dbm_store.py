"""``DbmSession``: sessions as pickles in one DBM file, keyed by session id.

The file is mod_python's (``mp_sess.dbm`` by default, any ``dbm`` format this Python
can open), so an existing database is read as it is. DBM files allow one writer at a
time: every access takes a POSIX record lock on ``<file>.lck`` (shared to read, exclusive
to write) after a lock of this process's threads, and opens and closes the database inside it, so
other processes see each change. No lock is held while values are unpickled.
"""

from __future__ import annotations

import contextlib
import dbm
import dbm.dumb as dumb
import fcntl
import importlib
import os
import threading
import time
from collections.abc import Iterator
from types import ModuleType

from ..constants import APLOG_ERR, APLOG_NOTICE
from . import options as opts
from .background import start_cleanup
from .base import BaseSession
from .pickles import dump_state, load_state
from .process_cache import ProcessCache

DBM_FILE_MODE = 0o600


class _LockFile:
    """``<database>.lck``, opened once per process, and the lock of this process's threads.

    POSIX record locks belong to the process and are not inherited by a fork, so the
    threads queue on ``threads`` first and one descriptor serves them all.
    """

    def __init__(self, path: str):
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        self.descriptor = os.open(path, os.O_RDWR | os.O_CREAT, DBM_FILE_MODE)
        self.threads = threading.Lock()


_lock_files = ProcessCache()


def _lock_file(path: str) -> _LockFile:
    return _lock_files.get(path, lambda: _LockFile(path))


def _after_fork_in_child() -> None:
    # A thread of the parent may have held a thread lock: the child starts with fresh ones.
    for lock_file in _lock_files.values():
        lock_file.threads = threading.Lock()
    for path in list(_kept_open):
        _drop(path)


os.register_at_fork(after_in_child=_after_fork_in_child)


class _KeptOpen:
    """A ``dbm.dumb`` database this process keeps open between accesses, with what proves
    it current: the change count of the lock file and the identity of the ``.dir`` file."""

    __slots__ = ("database", "generation", "signature")

    def __init__(self, database, generation: bytes, signature: tuple | None):
        self.database, self.generation, self.signature = database, generation, signature


# Per process and database path; used and changed only under the lock file's thread lock.
_kept_open: dict[str, _KeptOpen] = {}


def _generation(descriptor: int) -> bytes:
    """The change count kept in the first 8 bytes of the lock file (empty: none yet)."""
    return os.pread(descriptor, 8, 0)


def _next_generation(descriptor: int) -> bytes:
    """Count one change (with the exclusive lock held) and return the new count."""
    count = int.from_bytes(_generation(descriptor), "big") + 1
    generation = (count % (1 << 64)).to_bytes(8, "big")
    os.pwrite(descriptor, generation, 0)
    return generation


def _dir_signature(path: str) -> tuple | None:
    """What changes whenever a ``dbm.dumb`` index is rewritten (by anyone)."""
    try:
        status = os.stat(path + ".dir")
    except FileNotFoundError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _index_entry(database, key: bytes) -> tuple | None:
    """Where a kept ``dbm.dumb`` database's index puts ``key``'s value (None: not there)."""
    return database._index.get(key)


def _keepable(database) -> bool:
    """Whether a ``dbm.dumb`` database has the internals keeping it open relies on: its
    index (a dict) and its flag saying the index differs from the index file."""
    return isinstance(getattr(database, "_index", None), dict) and hasattr(database, "_modified")


def _settle(database) -> None:
    """Mark a kept database's index as the one on disk, so that nothing (a later close, the
    garbage collector) ever writes this process's copy over a newer index file."""
    database._modified = False


def _is_kept(database) -> bool:
    return any(kept.database is database for kept in _kept_open.values())


def _drop(path: str) -> None:
    kept = _kept_open.pop(path, None)
    if kept is not None:
        _settle(kept.database)
        kept.database.close()


class DbmFile:
    """One DBM session database and the locks around each access to it.

    Most formats are opened and closed inside every access, so other processes see each
    change. ``dbm.dumb`` (pure Python, whose opening parses its whole index) is kept open
    instead: every change made here adds one to a count in the lock file, and a kept
    database is used only while that count and its index file are as it last saw them.
    """

    def __init__(self, path: str, dbm_module: ModuleType = dbm):
        self.path = path
        self.module = dbm_module

    @contextlib.contextmanager
    def _locked(self, exclusive: bool) -> Iterator[int]:
        lock_file = _lock_file(self.path + ".lck")
        with lock_file.threads:
            fcntl.lockf(lock_file.descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield lock_file.descriptor
            finally:
                fcntl.lockf(lock_file.descriptor, fcntl.LOCK_UN)

    def _format(self) -> ModuleType | None:
        """The module of the database's format; None when it does not exist yet."""
        if self.module is not dbm:
            return self.module
        # The generic ``dbm`` opener picks the format of an existing file (whichdb).
        name = dbm.whichdb(self.path)
        if name is None:
            return None
        if not name:
            raise dbm.error[0](f"db type of {self.path} could not be determined")
        return importlib.import_module(name)

    @contextlib.contextmanager
    def _opened(self, descriptor: int, create: bool) -> Iterator:
        """The database, with its lock held (None when it does not exist and ``create`` is
        false); closed at the end, unless it is a kept ``dbm.dumb`` one (see ``_commit``)."""
        kept = _kept_open.get(self.path)
        if kept is not None and (
            kept.generation != _generation(descriptor)
            or kept.signature != _dir_signature(self.path)
            or self.module not in (dbm, dumb)
        ):
            _drop(self.path)
            kept = None
        if kept is None:
            module = self._format()
            if module is None:
                if not create:
                    yield None
                    return
                self.module.open(self.path, "c", DBM_FILE_MODE).close()
                module = self._format()
            flag = "c" if create or module is dumb else "r"
            database = module.open(self.path, flag, DBM_FILE_MODE)
            if module is not dumb or not _keepable(database):
                with contextlib.closing(database):
                    yield database
                return
            kept = _kept_open[self.path] = _KeptOpen(database, b"", None)
        database = kept.database
        try:
            yield database
            if database._modified:
                database.sync()
                _settle(database)
        except BaseException:
            _drop(self.path)  # its index may be half changed: never written, reread next time
            raise
        kept.generation = _generation(descriptor)
        kept.signature = _dir_signature(self.path)

    def _changed(self, descriptor: int) -> None:
        """Count a change, so other processes reopen their kept copy."""
        generation = _next_generation(descriptor)
        kept = _kept_open.get(self.path)
        if kept is not None:
            kept.generation = generation

    def get(self, key: bytes) -> bytes | None:
        with (
            self._locked(exclusive=False) as descriptor,
            self._opened(descriptor, False) as database,
        ):
            return None if database is None else database.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        with self._locked(exclusive=True) as descriptor:
            with self._opened(descriptor, True) as database:
                kept = _is_kept(database)
                before = _index_entry(database, key) if kept else None
                database[key] = value
                if before is not None and before == _index_entry(database, key):
                    _settle(database)  # rewritten in place: the index file is already right
            self._changed(descriptor)

    def delete(self, key: bytes) -> None:
        with self._locked(exclusive=True) as descriptor:
            with self._opened(descriptor, True) as database:
                with contextlib.suppress(KeyError):
                    del database[key]
            self._changed(descriptor)

    def items(self) -> list[tuple[bytes, bytes]]:
        with (
            self._locked(exclusive=False) as descriptor,
            self._opened(descriptor, False) as database,
        ):
            return [] if database is None else [(key, database[key]) for key in database.keys()]

    def delete_unchanged(self, doomed: dict[bytes, bytes]) -> int:
        """Delete each key whose value is still the one given; the number deleted."""
        deleted = 0
        with self._locked(exclusive=True) as descriptor:
            with self._opened(descriptor, True) as database:
                for key, value in doomed.items():
                    if database.get(key) == value:
                        del database[key]
                        deleted += 1
            self._changed(descriptor)
        return deleted


def expired_entries(items: list[tuple[bytes, bytes]], now: float) -> dict[bytes, bytes]:
    """The entries whose session expired, or that are not sessions at all."""
    doomed = {}
    for key, value in items:
        try:
            state = load_state(value)
            expired = now - state["_accessed"] > state["_timeout"]
        except Exception:  # noqa: BLE001 - malformed entries go too, as in mod_python
            expired = True
        if expired:
            doomed[key] = value
    return doomed


def cleanup_dbm(database: DbmFile) -> int:
    """Remove expired sessions: read under a shared lock, judge unlocked, delete if unchanged."""
    return database.delete_unchanged(expired_entries(database.items(), time.time()))


def dbm_cleanup(data) -> None:
    """mod_python's cleanup entry point, run at once: ``data`` is (filename, server)."""
    filename, _server = data
    cleanup_dbm(DbmFile(filename))


def _dbm_module(dbmtype) -> ModuleType:
    if isinstance(dbmtype, str):
        return importlib.import_module(dbmtype)
    return dbmtype


class DbmSession(BaseSession):
    """Sessions in the DBM file ``dbm`` (or the one the options name)."""

    def __init__(self, req, dbm: str | None = None, sid: str | None = 0, secret=None,  # noqa: A002
                 dbmtype: ModuleType = dbm, timeout: float = 0, lock: int = 1):  # fmt: skip
        self._settings = opts.session_settings(req)
        if not dbm:
            dbm = self._settings.dbm_filename
        self._dbmfile = dbm
        self._dbmtype = _dbm_module(dbmtype)
        self._database = DbmFile(dbm, self._dbmtype)
        super().__init__(req, sid=sid, secret=secret, timeout=timeout, lock=lock)

    def _key(self) -> bytes:
        return self._sid.encode("ascii")

    def do_load(self) -> dict | None:
        try:
            value = self._database.get(self._key())
            return None if value is None else load_state(value)
        except Exception as error:  # noqa: BLE001 - logged; the session starts afresh
            self._req.log_error(f"DbmSession: cannot read {self._dbmfile}: {error!r}", APLOG_ERR)
            return None

    def do_save(self, state: dict) -> None:
        self._database.put(self._key(), dump_state(state))

    def do_delete(self) -> None:
        self._database.delete(self._key())

    def do_cleanup(self) -> None:
        start_cleanup(("dbm", self._dbmfile), lambda: cleanup_dbm(self._database))
        self._req.log_error("DbmSession: registered database cleanup.", APLOG_NOTICE)
