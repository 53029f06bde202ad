"""``MemorySession``: sessions in a dict of this process (so only for one-process servers)."""

from __future__ import annotations

import time

from ..constants import APLOG_NOTICE
from .background import start_cleanup
from .base import BaseSession
from .locks import SessionLocks, process_locks


def mem_cleanup(sessions: dict) -> None:
    """Drop the expired (or malformed) sessions of ``sessions``."""
    now = time.time()
    for sid, state in list(sessions.items()):
        try:
            expired = now - state["_accessed"] > state["_timeout"]
        except (KeyError, TypeError):
            expired = True
        if expired and sessions.get(sid) is state:  # not saved again meanwhile
            sessions.pop(sid, None)


class MemorySession(BaseSession):
    """Sessions kept in ``MemorySession.sdict``, shared by every thread of the process."""

    sdict: dict[str, dict] = {}
    # The sessions are this process's alone: so is their lock table, which lives as long
    # as the process (a fork resets it in place), so every session starts with it.
    _locks: SessionLocks | None = process_locks()

    # mod_python's order of arguments here: timeout before lock (BaseSession's is the reverse).
    def __init__(self, req, sid: str | None = 0, secret=None, timeout: float = 0, lock: int = 1):
        BaseSession.__init__(self, req, sid, secret, lock, timeout)

    def session_locks(self) -> SessionLocks:
        return process_locks()

    def do_load(self) -> dict | None:
        return MemorySession.sdict.get(self._sid)

    def do_save(self, state: dict) -> None:
        MemorySession.sdict[self._sid] = state

    def do_delete(self) -> None:
        MemorySession.sdict.pop(self._sid, None)

    def do_cleanup(self) -> None:
        start_cleanup(("memory",), lambda: mem_cleanup(MemorySession.sdict))
        self._req.log_error("MemorySession: registered session cleanup.", APLOG_NOTICE)
