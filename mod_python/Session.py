"""``mod_python.Session``: the session API legacy applications import.

Thin by design: the classes live in ``mod_python._engine.sessions``; see docs/sessions.md.
"""

from __future__ import annotations

import hashlib
import re

from ._engine.sessions.background import wait_for_cleanups
from ._engine.sessions.base import CLEANUP_CHANCE, DEFAULT_LOCK, BaseSession, unlock_session_cleanup
from ._engine.sessions.dbm_store import DbmSession, dbm_cleanup
from ._engine.sessions.factory import Session
from ._engine.sessions.file_store import (
    DFT_CLEANUP_TIME_LIMIT,
    DFT_FAST_CLEANUP,
    DFT_GRACE_PERIOD,
    DFT_VERIFY_CLEANUP,
    FS_STAT_VERSION,
    FileSession,
    filesession_cleanup,
    make_filesession_dirs,
)
from ._engine.sessions.ids import SID_PATTERN, check_sid, new_sid
from ._engine.sessions.locks import SessionLockTimeout
from ._engine.sessions.memory_store import MemorySession, mem_cleanup
from ._engine.sessions.options import COOKIE_NAME, DEFAULT_TIMEOUT, TEMP_DIRECTORY, true_or_false
from ._engine.sessions.redis_store import RedisSession

DFT_TIMEOUT = DEFAULT_TIMEOUT
DFT_LOCK = DEFAULT_LOCK
tempdir = TEMP_DIRECTORY
validate_sid_re = re.compile(SID_PATTERN.pattern + "$")

__all__ = [
    "BaseSession", "DbmSession", "FileSession", "MemorySession", "RedisSession", "Session",
    "SessionLockTimeout", "COOKIE_NAME", "DFT_TIMEOUT", "DFT_LOCK", "CLEANUP_CHANCE",
    "DFT_FAST_CLEANUP", "DFT_VERIFY_CLEANUP", "DFT_GRACE_PERIOD", "DFT_CLEANUP_TIME_LIMIT",
    "FS_STAT_VERSION", "tempdir", "true_or_false", "md5_hash", "unlock_session_cleanup",
    "make_filesession_dirs", "dbm_cleanup", "filesession_cleanup", "mem_cleanup",
    "wait_for_cleanups",
]  # fmt: skip


def md5_hash(text: str | bytes) -> str:
    """Hex MD5 of ``text`` (Latin-1 for str), as mod_python's helper of that name."""
    if isinstance(text, str):
        text = text.encode("latin-1")
    return hashlib.md5(text).hexdigest()


def _check_sid(sid) -> bool:
    return check_sid(sid)


def _new_sid(req=None) -> str:
    return new_sid()
