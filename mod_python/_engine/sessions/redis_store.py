"""``RedisSession``: sessions in a Redis server, shared by every process on every host.

Not in mod_python; selected with ``PythonOption session RedisSession`` and configured by
``mod_python.redis_session.url`` (default ``redis://127.0.0.1:6379/0``),
``mod_python.redis_session.key_prefix`` (default ``mp_sess:``) and
``mod_python.redis_session.lock_expiry`` (seconds, default 60). A session is the same
pickle the other stores keep, under ``<prefix><id>`` with the session's timeout as the
key's expiry, so Redis removes expired sessions itself. Its lock is the key
``<prefix>lock:<id>``, taken with SET NX and an expiry (a crashed holder's lock frees
itself) and released only by the holder that set it.
"""

from __future__ import annotations

import math
import secrets

from ..constants import APLOG_ERR, APLOG_NOTICE
from . import options as opts
from .base import BaseSession
from .locks import SessionLocks, locks_for, poll_until
from .pickles import dump_state, load_state
from .process_cache import ProcessCache

DEFAULT_URL = "redis://127.0.0.1:6379/0"
DEFAULT_KEY_PREFIX = "mp_sess:"
DEFAULT_LOCK_EXPIRY = 60.0  # seconds: a lock outlives its holder by at most this much

# Deletes the lock only if it still holds our token (it may have expired and been retaken).
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""

_clients = ProcessCache()


def redis_client(url: str):
    """One client (with its connection pool) per URL and process."""

    def connect():
        import redis  # imported on first use: only sites using RedisSession need it

        return redis.Redis.from_url(url)

    return _clients.get(url, connect)


class RedisStoreLock:
    """The cross-process half of a session lock: one Redis key per session id."""

    def __init__(self, client, prefix: str, expiry: float):
        self.client = client
        self.prefix = prefix
        self.expiry_ms = max(1, int(expiry * 1000))
        self._tokens: dict[str, str] = {}
        self._release = client.register_script(_RELEASE_SCRIPT)

    def _key(self, sid: str) -> str:
        return f"{self.prefix}lock:{sid}"

    def acquire(self, sid: str, deadline: float) -> bool:
        token = secrets.token_hex(16)

        def attempt() -> bool:
            return bool(self.client.set(self._key(sid), token, nx=True, px=self.expiry_ms))

        if not poll_until(attempt, deadline):
            return False
        self._tokens[sid] = token
        return True

    def release(self, sid: str) -> None:
        token = self._tokens.pop(sid, None)
        if token is not None:
            self._release(keys=[self._key(sid)], args=[token])


class RedisSession(BaseSession):
    """Sessions in Redis at ``url`` (or the one the options name)."""

    def __init__(self, req, sid: str | None = 0, secret=None, timeout: float = 0, lock: int = 1,
                 url: str | None = None):  # fmt: skip
        self._settings = settings = opts.session_settings(req)
        self._url = url or settings.get(opts.REDIS_URL, DEFAULT_URL)
        self._prefix = settings.get(opts.REDIS_KEY_PREFIX, DEFAULT_KEY_PREFIX)
        self._lock_expiry = opts.seconds_option(settings.options, opts.REDIS_LOCK_EXPIRY,
                                                DEFAULT_LOCK_EXPIRY)  # fmt: skip
        self._client = redis_client(self._url)
        super().__init__(req, sid=sid, secret=secret, timeout=timeout, lock=lock)

    def session_locks(self) -> SessionLocks:
        return locks_for(
            ("redis", self._url, self._prefix),
            lambda: RedisStoreLock(self._client, self._prefix, self._lock_expiry),
        )

    def _key(self) -> str:
        return self._prefix + self._sid

    def do_load(self) -> dict | None:
        value = self._client.get(self._key())
        if value is None:
            return None
        try:
            return load_state(value)
        except Exception as error:  # noqa: BLE001 - logged; the session starts afresh
            self._req.log_error(f"RedisSession: unreadable session {self._sid}: {error!r}",
                                APLOG_ERR)  # fmt: skip
            return None

    def do_save(self, state: dict) -> None:
        # The store forgets the session when it would have expired anyway.
        expiry = max(1, math.ceil(float(state["_timeout"])))
        self._client.set(self._key(), dump_state(state), ex=expiry)

    def do_delete(self) -> None:
        self._client.delete(self._key())

    def do_cleanup(self) -> None:
        self._req.log_error("RedisSession: expired sessions are removed by Redis itself.",
                            APLOG_NOTICE)  # fmt: skip
