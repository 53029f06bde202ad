"""Per-session-id locks: exclusive across processes and threads, re-entrant within a request.

mod_python hashed session ids onto a handful of global mutexes, so unrelated sessions
waited for each other, a request that locked one session twice (a handler and its PSP
page, an internal redirect) deadlocked itself, and a waiter waited forever. Here:

* each id gets its own lock: an fcntl record lock on one byte of a lock file in the
  mutex directory, at an offset derived from the id (the file stays empty; record locks
  may lie past its end), or a key in a shared store such as Redis;
* the holder is the *request* (the first request of an internal-redirect chain), and a
  holder may take a lock it already holds: each take is counted and must be released;
* a waiter gives up after ``timeout`` seconds with ``SessionLockTimeout``.

fcntl locks belong to a process, so threads of one process first queue on an in-process
table (a condition variable); only the thread that wins there touches the file lock.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import random
import threading
import time
from typing import Protocol

from ..global_locks import global_locks
from .process_cache import ProcessCache

DEFAULT_LOCK_TIMEOUT = 30.0  # seconds a request waits for a session lock before failing
_LOCK_SLOTS = 1 << 40  # byte offsets: a collision between two live ids is negligible
_FIRST_POLL = 0.0005  # seconds between attempts at a lock another process holds, doubling
_LAST_POLL = 0.005  # (with jitter, so waiters of several processes do not poll in step)


class SessionLockTimeout(Exception):
    """The session's lock was not free within the lock timeout."""


class StoreLock(Protocol):
    """The cross-process half of a session lock (the in-process half is ``SessionLocks``)."""

    def acquire(self, sid: str, deadline: float) -> bool: ...

    def release(self, sid: str) -> None: ...


@functools.lru_cache(maxsize=1024)  # taken and released at least once per request each
def lock_offset(sid: str) -> int:
    """The byte of the lock file that stands for ``sid`` (the same in every process)."""
    digest = hashlib.blake2b(sid.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % _LOCK_SLOTS


def poll_until(attempt, deadline: float) -> bool:
    """Call ``attempt()`` until it returns True or ``deadline`` passes, backing off."""
    pause = _FIRST_POLL
    while True:
        if attempt():
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(pause * random.uniform(0.5, 1.5), remaining))
        pause = min(pause * 2, _LAST_POLL)


class FileRecordLock:
    """Per-id fcntl record locks on ``<mutex directory>/mpsess<tag>.lck``."""

    def __init__(self, path: str | None = None):
        if path is None:
            locks = global_locks()
            path = os.path.join(locks.directory, f"mpsess{locks.tag}.lck")
        self.path = path
        # Kept open for the life of the process: closing any descriptor of the file would
        # drop every record lock this process holds on it.
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self._descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, sid: str, deadline: float) -> bool:
        descriptor, offset = self._descriptor, lock_offset(sid)
        try:  # the usual case, at once: nobody holds it
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
            return True
        except (BlockingIOError, PermissionError):
            pass

        def attempt() -> bool:
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
            except (BlockingIOError, PermissionError):  # another process holds it
                return False
            return True

        return poll_until(attempt, deadline)

    def release(self, sid: str) -> None:
        fcntl.lockf(self._descriptor, fcntl.LOCK_UN, 1, lock_offset(sid))


class ProcessOnlyLock:
    """No cross-process half: for stores that live inside one process (MemorySession)."""

    def acquire(self, sid: str, deadline: float) -> bool:
        return True

    def release(self, sid: str) -> None:
        pass


class _Holding:
    __slots__ = ("owner", "count", "ready")

    def __init__(self, owner: object, ready: bool):
        self.owner = owner
        self.count = 1
        self.ready = ready  # the store lock is taken (the winner may still be getting it)


class SessionLocks:
    """The process's table of held session locks in front of one ``StoreLock``.

    The table's mutex is a plain lock; the condition on it is used only when a thread
    has to wait, so an uncontended take and release cost a dict lookup each.
    """

    def __init__(self, store: StoreLock):
        self.store = store
        # A store with no cross-process half is taken as soon as the table says so.
        self._process_only = isinstance(store, ProcessOnlyLock)
        self._reset()

    def _reset(self) -> None:
        self._mutex = threading.Lock()
        self._changed = threading.Condition(self._mutex)
        self._held: dict[str, _Holding] = {}
        self._waiting = 0  # threads waiting on _changed

    def acquire(self, sid: str, owner: object, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        """Take ``sid``'s lock for ``owner`` (again, if it holds it already)."""
        deadline = None  # computed only when there is something to wait for
        with self._mutex:
            holding = self._held.get(sid)
            if holding is None:
                holding = self._held[sid] = _Holding(owner, self._process_only)
            elif holding.owner is owner and holding.ready:
                holding.count += 1
                return
            else:
                deadline = time.monotonic() + timeout
                holding = self._wait_turn(sid, owner, deadline, timeout)
                if holding is None:
                    return
        if self._process_only:
            return
        # This thread won the process's turn; now wait for the other processes.
        if deadline is None:
            deadline = time.monotonic() + timeout
        try:
            taken = self.store.acquire(sid, deadline)
        except BaseException:
            self._forget(sid)
            raise
        if not taken:
            self._forget(sid)
            raise SessionLockTimeout(_timeout_message(sid, timeout))
        with self._mutex:
            holding.ready = True
            if self._waiting:
                self._changed.notify_all()

    def _wait_turn(self, sid: str, owner: object, deadline: float,
                   timeout: float) -> _Holding | None:  # fmt: skip
        """With the mutex held: wait until ``sid`` is free (a new holding for ``owner``) or
        ``owner`` holds it (None: the take was counted)."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SessionLockTimeout(_timeout_message(sid, timeout))
            self._waiting += 1
            try:
                self._changed.wait(remaining)
            finally:
                self._waiting -= 1
            holding = self._held.get(sid)
            if holding is None:
                holding = self._held[sid] = _Holding(owner, self._process_only)
                return holding
            if holding.owner is owner and holding.ready:
                holding.count += 1
                return None

    def release(self, sid: str, owner: object, count: int = 1) -> None:
        """Give back ``count`` takes of ``sid``'s lock; the last one frees it for others."""
        with self._mutex:
            holding = self._held.get(sid)
            if holding is None or holding.owner is not owner:
                return
            holding.count -= count
            if holding.count > 0:
                return
            if self._process_only:
                del self._held[sid]
                if self._waiting:
                    self._changed.notify_all()
                return
        try:
            self.store.release(sid)
        finally:
            self._forget(sid)

    def held_count(self, sid: str, owner: object) -> int:
        with self._mutex:
            holding = self._held.get(sid)
            return holding.count if holding is not None and holding.owner is owner else 0

    def _forget(self, sid: str) -> None:
        with self._mutex:
            del self._held[sid]
            if self._waiting:
                self._changed.notify_all()


def _timeout_message(sid: str, timeout: float) -> str:
    return f"session {sid} stayed locked by another request for more than {timeout:g} s"


_tables = ProcessCache()


def locks_for(key: object, make_store) -> SessionLocks:
    """The process's lock table for one store (``key`` names it; ``make_store()`` builds it)."""
    return _tables.get(key, lambda: SessionLocks(make_store()))


def file_locks() -> SessionLocks:
    """The lock table over fcntl record locks in the configured mutex directory."""
    locks = global_locks()
    return locks_for(("file", locks.directory, locks.tag), FileRecordLock)


def process_locks() -> SessionLocks:
    """The lock table of sessions no other process can see."""
    return _tables.get(_PROCESS_ONLY, _new_process_table)


_PROCESS_ONLY = ("process",)


def _new_process_table() -> SessionLocks:
    return SessionLocks(ProcessOnlyLock())


def _after_fork_in_child() -> None:
    # The child holds no fcntl locks and runs none of the parent's other threads.
    for table in _tables.values():
        table._reset()


os.register_at_fork(after_in_child=_after_fork_in_child)
