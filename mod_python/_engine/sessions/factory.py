"""``Session(req)``: the session class the configuration names, or the one the request has.

A request that already has a session (a handler made it, or the request before an
internal redirect did) gets that same object back, its lock taken once more for the
caller, so the caller's ``unlock()`` never frees a lock someone else still relies on.
"""

from __future__ import annotations

from .. import process_model
from ..constants import AP_MPMQ_IS_FORKED, AP_MPMQ_IS_THREADED, AP_MPMQ_MAX_DAEMONS
from . import options as opts
from .base import BaseSession
from .dbm_store import DbmSession
from .file_store import FileSession
from .memory_store import MemorySession
from .redis_store import RedisSession

SESSION_TYPES: dict[str, type[BaseSession]] = {
    "FileSession": FileSession,
    "DbmSession": DbmSession,
    "MemorySession": MemorySession,
    "RedisSession": RedisSession,
}


def default_session_type() -> str:
    """mod_python's choice by process model: memory for one threaded process, else DBM."""
    threaded = process_model.mpm_query(AP_MPMQ_IS_THREADED)
    forked = process_model.mpm_query(AP_MPMQ_IS_FORKED)
    daemons = process_model.mpm_query(AP_MPMQ_MAX_DAEMONS)
    if threaded and (not forked or daemons == 1):
        return "MemorySession"
    return "DbmSession"


def session_class(req) -> type[BaseSession]:
    """The class ``PythonOption session`` (or the process model) picks for ``req``."""
    name = opts.session_settings(req).get(opts.SESSION_TYPE) or default_session_type()
    try:
        return SESSION_TYPES[name]
    except KeyError:
        raise Exception(f"Unknown session type {name}") from None  # noqa: TRY002 - as mod_python


def existing_session(req) -> BaseSession | None:
    """The live session of ``req`` or of a request it was internally redirected from."""
    while req is not None:
        session = getattr(req, "session", None)
        if isinstance(session, BaseSession) and not session._invalid:
            return session
        req = getattr(req, "prev", None)
    return None


def Session(req, sid: str | None = 0, secret=None, timeout: float = 0,  # noqa: N802
            lock: int = 1) -> BaseSession:  # fmt: skip
    """A session for ``req``: the one it has already, else a new one of the configured type."""
    if not sid:
        session = existing_session(req)
        if session is not None:
            session.lock()  # one more take, for the caller to give back
            if getattr(req, "session", None) is None:
                req.session = session
            return session
    return session_class(req)(req, sid=sid, secret=secret, timeout=timeout, lock=lock)
