"""The global mutexes behind ``_apache._global_lock`` (sessions, PSP and DBM caches).

mod_python creates a fixed set of APR global mutexes in the parent process, shared by
every worker process and thread (SPEC 0.1, 6.3). Each of ours is two locks taken in
order: a ``threading.Lock`` for the threads of this process, then an exclusive
``fcntl.lockf`` lock on the file ``<directory>/mpmtx<tag><n>`` for the other
processes (POSIX record locks belong to a process, so they cannot tell its threads
apart on their own).

Lock 0 is reserved for DBM session files and PSP's cache and is only taken by index;
a key picks one of the others by a hash that is the same in every process.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
import zlib
from typing import Any

DEFAULT_LOCK_COUNT = 8  # mod_python's --with-max-locks default


def default_tag(directory: str) -> str:
    """A tag shared by every worker of one server: from the user id and the directory."""
    where = os.path.realpath(directory).encode("utf-8", "surrogateescape")
    return f"{os.getuid()}_{zlib.crc32(where):08x}_"


class GlobalLocks:
    """``count`` cross-process, cross-thread mutexes backed by files in ``directory``."""

    def __init__(self, directory: str, count: int = DEFAULT_LOCK_COUNT, tag: str | None = None):
        if count < 2:
            raise ValueError(f"at least 2 global mutex locks are needed, not {count}")
        self.directory = directory
        self.count = count
        self.tag = default_tag(directory) if tag is None else tag
        # Lock files are opened on first use and kept open: closing any descriptor of a
        # file drops every fcntl lock this process holds on it.
        self._descriptors: dict[int, int] = {}
        self._reset_process_state()

    def _reset_process_state(self) -> None:
        """Fresh thread-side state: at start-up and in a forked child, which holds no locks."""
        self._files_lock = threading.Lock()
        self._thread_locks = [threading.Lock() for _ in range(self.count)]
        self._holders: list[int | None] = [None] * self.count

    def path(self, index: int) -> str:
        """The lock file of mutex ``index``."""
        return os.path.join(self.directory, f"mpmtx{self.tag}{index}")

    def index_for(self, key: Any, index: int = -1) -> int:
        """The mutex used for ``key``: ``index`` itself, or a stable hash of ``str(key)``."""
        if index == -1:
            if key is None:
                return 0
            digest = zlib.crc32(str(key).encode("utf-8", "surrogatepass"))
            return digest % (self.count - 1) + 1
        if not 0 <= index < self.count:
            raise ValueError(
                f"Lock index {index} is out of range for number of global mutex locks "
                f"({self.count})"
            )
        return index

    def _descriptor(self, index: int) -> int:
        descriptor = self._descriptors.get(index)
        if descriptor is None:
            with self._files_lock:
                descriptor = self._descriptors.get(index)
                if descriptor is None:
                    os.makedirs(self.directory, exist_ok=True)
                    descriptor = os.open(self.path(index), os.O_RDWR | os.O_CREAT, 0o600)
                    self._descriptors[index] = descriptor
        return descriptor

    def _check_not_held(self, index: int) -> None:
        if self._holders[index] == threading.get_ident():
            # APR mutexes are not recursive: this would deadlock the thread forever.
            raise RuntimeError(f"global mutex lock {index} is already held by this thread")

    def acquire(self, key: Any, index: int = -1) -> None:
        """Block until mutex ``index_for(key, index)`` is held by this thread."""
        index = self.index_for(key, index)
        self._check_not_held(index)
        descriptor = self._descriptor(index)
        thread_lock = self._thread_locks[index]
        thread_lock.acquire()
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX)
        except BaseException:
            thread_lock.release()
            raise
        self._holders[index] = threading.get_ident()

    def try_acquire(self, key: Any, index: int = -1) -> bool:
        """Take the mutex if no other thread or process holds it; True on success."""
        index = self.index_for(key, index)
        self._check_not_held(index)
        descriptor = self._descriptor(index)
        thread_lock = self._thread_locks[index]
        if not thread_lock.acquire(blocking=False):
            return False
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):  # EAGAIN / EACCES: another process has it
            thread_lock.release()
            return False
        except BaseException:
            thread_lock.release()
            raise
        self._holders[index] = threading.get_ident()
        return True

    def release(self, key: Any, index: int = -1) -> None:
        """Release a mutex this thread holds; anything else is a RuntimeError."""
        index = self.index_for(key, index)
        if self._holders[index] != threading.get_ident():
            raise RuntimeError(
                f"global mutex lock {index} cannot be released: it is not held by this thread"
            )
        self._holders[index] = None
        try:
            fcntl.lockf(self._descriptors[index], fcntl.LOCK_UN)
        finally:
            self._thread_locks[index].release()

    def close(self) -> None:
        """Close the lock files (releasing any lock this process still holds)."""
        with self._files_lock:
            for descriptor in self._descriptors.values():
                os.close(descriptor)
            self._descriptors.clear()


_locks: GlobalLocks | None = None
_configure_lock = threading.Lock()


def configure_global_locks(
    directory: str | None = None, count: int = DEFAULT_LOCK_COUNT, tag: str | None = None
) -> GlobalLocks:
    """Set up the process's global mutexes (``PythonOption mod_python.mutex_directory``,
    ``mod_python.mutex_locks``); called by the engine at start-up, before forking workers.
    """
    global _locks
    new_locks = GlobalLocks(tempfile.gettempdir() if directory is None else directory, count, tag)
    with _configure_lock:
        old_locks, _locks = _locks, new_locks
    if old_locks is not None:
        old_locks.close()
    return new_locks


def global_locks() -> GlobalLocks:
    """The configured mutexes, or the defaults (temp directory, 8 locks) on first use."""
    global _locks
    locks = _locks
    if locks is None:
        with _configure_lock:
            if _locks is None:
                _locks = GlobalLocks(tempfile.gettempdir())
            locks = _locks
    return locks


def _global_lock(server: Any, key: Any, index: int = -1) -> None:
    """Block until the global mutex for ``key`` (or ``index``) is held; ``server`` is unused."""
    global_locks().acquire(key, index)


def _global_trylock(server: Any, key: Any, index: int = -1) -> bool:
    """Take the global mutex for ``key`` (or ``index``) if it is free; True on success."""
    return global_locks().try_acquire(key, index)


def _global_unlock(server: Any, key: Any, index: int = -1) -> None:
    """Release the global mutex for ``key`` (or ``index``) held by this thread."""
    global_locks().release(key, index)


def _after_fork_in_child() -> None:
    # Locks held by the parent's threads are not held in the child (fcntl locks are not
    # inherited, and the other threads do not exist here), so start from a clean slate.
    if _locks is not None:
        _locks._reset_process_state()


os.register_at_fork(after_in_child=_after_fork_in_child)
