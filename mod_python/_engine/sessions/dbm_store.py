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


os.register_at_fork(after_in_child=_after_fork_in_child)


class DbmFile:
    """One DBM session database and the locks around each access to it."""

    def __init__(self, path: str, dbm_module: ModuleType = dbm):
        self.path = path
        self.module = dbm_module

    @contextlib.contextmanager
    def _locked(self, exclusive: bool) -> Iterator[None]:
        lock_file = _lock_file(self.path + ".lck")
        with lock_file.threads:
            fcntl.lockf(lock_file.descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.lockf(lock_file.descriptor, fcntl.LOCK_UN)

    def _open(self, flag: str):
        # The generic ``dbm`` opener picks the format of an existing file (whichdb).
        return self.module.open(self.path, flag, DBM_FILE_MODE)

    def _open_existing(self):
        """The database opened read-only, or None when it does not exist yet."""
        if self.module is dbm:
            if dbm.whichdb(self.path) is None:
                return None
            return dbm.open(self.path, "r")
        try:
            return self.module.open(self.path, "r")
        except FileNotFoundError:
            return None

    def get(self, key: bytes) -> bytes | None:
        with self._locked(exclusive=False):
            database = self._open_existing()
            if database is None:
                return None
            with contextlib.closing(database):
                return database.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        with self._locked(exclusive=True), contextlib.closing(self._open("c")) as database:
            database[key] = value

    def delete(self, key: bytes) -> None:
        with self._locked(exclusive=True), contextlib.closing(self._open("c")) as database:
            with contextlib.suppress(KeyError):
                del database[key]

    def items(self) -> list[tuple[bytes, bytes]]:
        with self._locked(exclusive=False):
            database = self._open_existing()
            if database is None:
                return []
            with contextlib.closing(database):
                return [(key, database[key]) for key in database.keys()]

    def delete_unchanged(self, doomed: dict[bytes, bytes]) -> int:
        """Delete each key whose value is still the one given; the number deleted."""
        deleted = 0
        with self._locked(exclusive=True), contextlib.closing(self._open("c")) as database:
            for key, value in doomed.items():
                if database.get(key) == value:
                    del database[key]
                    deleted += 1
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
        if not dbm:
            options = req.get_options()
            dbm = opts.option(options, opts.DBM_FILENAME)
            if not dbm:
                dbm = os.path.join(opts.directory_option(options, opts.DBM_DIRECTORY),
                                   "mp_sess.dbm")  # fmt: skip
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
