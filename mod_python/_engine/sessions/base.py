"""``BaseSession``: mod_python's session life cycle over a store's do_load/do_save/do_delete.

A session is a dict of the application's data plus created/accessed/timeout times. It is
found by the id in the session cookie (signed when a ``secret`` is given), locked for the
rest of the request, loaded, and saved only when the application calls ``save()``.
"""

from __future__ import annotations

import random
import time

from .. import cookies
from ..constants import APLOG_ERR, HTTP_SERVICE_UNAVAILABLE
from ..exceptions import SERVER_RETURN
from . import options as opts
from .ids import check_sid, new_sid
from .locks import SessionLocks, SessionLockTimeout, file_locks

DEFAULT_LOCK = True
CLEANUP_CHANCE = 1000  # one new or loaded session in this many starts a cleanup


def cleanup_due() -> bool:
    """True for one call in ``CLEANUP_CHANCE``, at random (mod_python's 1-in-1000 rule)."""
    return random.random() * CLEANUP_CHANCE < 1


class BaseSession(dict):
    """A session's data (the dict) and its bookkeeping; subclasses provide the store."""

    # Each object's starting values, set on the object when they change.
    _new = 1
    _created = 0.0
    _accessed = 0.0
    _timeout = 0
    _locked = 0  # how many takes of the session's lock this object holds
    _invalid = 0
    _locks: SessionLocks | None = None
    _holders: dict | None = None  # the request's sessions holding a lock, once this one did

    def __init__(self, req, sid: str | None = None, secret: str | bytes | None = None,
                 lock: int = 1, timeout: float = 0):  # fmt: skip
        # (dict.__new__ made the empty dict: no dict.__init__ call needed)
        self._req, self._secret, self._lock = req, secret, lock
        if "_settings" not in self.__dict__:  # a store's __init__ may have looked them up
            self._settings = opts.session_settings(req)
        # The holder of the locks: the first request of an internal-redirect chain.
        owner = req
        while (previous := getattr(owner, "prev", None)) is not None:
            owner = previous
        self._owner = owner

        given = sid
        if not sid:
            sid = self._sid_from_cookie()
        if sid and not check_sid(sid):
            if given:
                # Given by the application: its mistake to handle.
                raise ValueError(f"Invalid Session ID: sid={given}")
            sid = None  # from the client: ignored, a new session replaces it
        self._sid = sid

        self.init_lock()
        try:
            if self._sid:
                self.lock()
                if self.load():
                    self._new = 0
            if self._new:
                if self._sid:
                    self.unlock()
                self._sid = new_sid()
                self.lock()
                cookies.add_cookie(self._req, self.make_cookie())
                self._created = time.time()
                self._timeout = timeout or opts.DEFAULT_TIMEOUT
        except BaseException:
            self._release_all()
            raise
        self._accessed = time.time()
        # A PSP page or error page later in this request finds this session there
        # (and does not lock it a second time: MODPYTHON-175/176).
        if getattr(req, "session", None) is None:
            try:
                req.session = self
            except AttributeError:
                pass
        if cleanup_due():
            self.cleanup()

    # ---- the cookie ------------------------------------------------------------------------

    def _sid_from_cookie(self) -> str | None:
        name = self._settings.cookie_name
        if self._secret:
            # A plain cookie is refused where a signed one is expected (MODPYTHON-191).
            cookie = cookies.get_cookie(self._req, name, cookies.SignedCookie,
                                        secret=self._secret, mismatch=cookies.Cookie.IGNORE)  # fmt: skip
        else:
            cookie = cookies.get_cookie(self._req, name)
        return cookie.value if cookie is not None else None

    def make_cookie(self) -> cookies.Cookie:
        """The session cookie: the id, signed if there is a secret, with domain and path."""
        settings = self._settings
        if self._secret:
            cookie = cookies.SignedCookie(settings.cookie_name, self._sid, secret=self._secret)
        else:
            cookie = cookies.Cookie(settings.cookie_name, self._sid)
        domain = settings.get(opts.APPLICATION_DOMAIN)
        if domain is not None:
            cookie.domain = domain
        path = settings.get(opts.APPLICATION_PATH)
        if path is None:
            path = self._handler_path()
        cookie.path = path
        return cookie

    def _handler_path(self) -> str:
        """The URL path of the directory the handler was configured for, else ``/``."""
        hlist = getattr(self._req, "hlist", None)
        directory = getattr(hlist, "directory", None)
        if not directory:
            return "/"
        path = directory[len(self._req.document_root()) :]
        # Location blocks, Alias and UserDir give paths that are not URL prefixes.
        if not path or not (self._req.uri or "").startswith(path):
            return "/"
        return path

    # ---- storage ---------------------------------------------------------------------------

    def load(self) -> int:
        """Read the session from the store; 0 if it is absent, expired or unreadable."""
        state = self.do_load()
        if state is None:
            return 0
        try:
            accessed, timeout = state["_accessed"], state["_timeout"]
            if time.time() - accessed > timeout:
                return 0
            created = state["_created"]
            self.update(state["_data"])
        except (KeyError, TypeError, ValueError) as error:
            self._req.log_error(f"Session {self._sid}: malformed stored session ({error!r})",
                                APLOG_ERR)  # fmt: skip
            self.clear()
            return 0
        self._created, self._accessed, self._timeout = created, accessed, timeout
        return 1

    def save(self) -> None:
        """Store the data and times (this is what keeps the session from expiring)."""
        if not self._invalid:
            self.do_save({
                "_data": self.copy(),
                "_created": self._created,
                "_accessed": self._accessed,
                "_timeout": self._timeout,
            })  # fmt: skip

    def delete(self) -> None:
        self.do_delete()
        self.clear()

    def invalidate(self) -> None:
        """Expire the client's cookie and delete the session; later saves do nothing."""
        cookie = self.make_cookie()
        cookie.expires = 0
        cookies.add_cookie(self._req, cookie)
        self.delete()
        self._invalid = 1

    # ---- locking ---------------------------------------------------------------------------

    def init_lock(self) -> None:
        """Hook for subclasses, called before the first lock."""

    def session_locks(self) -> SessionLocks:
        """The lock table this store's sessions use (fcntl locks unless overridden)."""
        return file_locks()

    def _lock_table(self) -> SessionLocks:
        table = self._locks
        if table is None:
            table = self._locks = self.session_locks()
        return table

    def lock(self) -> None:
        """Take the session's lock for this request (again, if it holds it already)."""
        if not self._lock:
            return
        try:
            (self._locks or self._lock_table()).acquire(self._sid, self._owner,
                                                        self._settings.lock_timeout)  # fmt: skip
        except SessionLockTimeout as error:
            self._req.log_error(f"Session: {error}", APLOG_ERR)
            raise SERVER_RETURN(HTTP_SERVICE_UNAVAILABLE) from None
        self._locked += 1
        if self._locked == 1:
            if self._holders is None:
                _track(self)
            else:  # the request's list, found when this session first locked
                self._holders[id(self)] = self

    def unlock(self) -> None:
        """Give back one take of the lock; the request's last one lets others in."""
        if self._lock and self._locked:
            self._locked -= 1
            (self._locks or self._lock_table()).release(self._sid, self._owner)
            if not self._locked and self._holders:
                self._holders.pop(id(self), None)  # (_untrack, inline: once per request at least)

    def _release_all(self) -> None:
        if self._lock and self._locked:
            count, self._locked = self._locked, 0
            self._lock_table().release(self._sid, self._owner, count)
            _untrack(self)

    def __del__(self) -> None:
        if self._locked:  # (most sessions die unlocked: no call then)
            try:
                self._release_all()
            except Exception:  # noqa: BLE001 - never raise from a finaliser
                pass

    # ---- accessors -------------------------------------------------------------------------

    def is_new(self) -> bool:
        return bool(self._new)

    def id(self) -> str:
        return self._sid

    def created(self) -> float:
        return self._created

    def last_accessed(self) -> float:
        return self._accessed

    def timeout(self) -> float:
        return self._timeout

    def set_timeout(self, secs: float) -> None:
        self._timeout = secs

    def cleanup(self) -> None:
        """Start the removal of expired sessions from the store (in the background)."""
        self.do_cleanup()

    # ---- the store (subclasses) ------------------------------------------------------------

    def do_load(self) -> dict | None:
        raise NotImplementedError

    def do_save(self, state: dict) -> None:
        raise NotImplementedError

    def do_delete(self) -> None:
        raise NotImplementedError

    def do_cleanup(self) -> None:
        pass


def unlock_session_cleanup(session: BaseSession) -> None:
    """The request cleanup that frees whatever a session still holds at request end."""
    session._release_all()


# The request attribute listing its sessions that hold a lock: {id(session): session}.
_HOLDERS = "_mp_locked_sessions"


def _track(session: BaseSession) -> None:
    """Note on its request a session that now holds its lock, so the request's end releases
    it; the first such session of a request registers the one cleanup doing that. A session
    leaves the list when it gives its lock back, so nothing keeps an unlocked one alive."""
    req = session._req
    holders = getattr(req, _HOLDERS, None)
    if holders is None:
        holders = {}
        try:
            setattr(req, _HOLDERS, holders)
        except AttributeError:  # a request object that takes no attributes: one cleanup each
            req.register_cleanup(unlock_session_cleanup, session)
            return
        req.register_cleanup(release_request_sessions, holders)
    holders[id(session)] = session
    session._holders = holders


def _untrack(session: BaseSession) -> None:
    holders = session._holders
    if holders:
        holders.pop(id(session), None)


def release_request_sessions(holders: dict[int, BaseSession]) -> None:
    """The request cleanup: every session still holding its lock gives back every take."""
    while holders:
        _, session = holders.popitem()
        session._release_all()
