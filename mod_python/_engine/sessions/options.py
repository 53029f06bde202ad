"""The ``PythonOption`` keys sessions read, each with the older name mod_python still honours."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from ..config.remembered import remembered
from .locks import DEFAULT_LOCK_TIMEOUT

COOKIE_NAME = "pysid"
DEFAULT_TIMEOUT = 30 * 60  # seconds of inactivity before a session expires
TEMP_DIRECTORY = tempfile.gettempdir()

# (current name, pre-3.3 name or None): the first one present wins.
SESSION_TYPE = ("mod_python.session.session_type", "session")
COOKIE_NAME_KEYS = ("mod_python.session.cookie_name", "session_cookie_name")
APPLICATION_DOMAIN = ("mod_python.session.application_domain",)
APPLICATION_PATH = ("mod_python.session.application_path", "ApplicationPath")
# Ours: seconds a request waits for a session's lock before it fails with 503.
LOCK_TIMEOUT = ("mod_python.session.lock_timeout",)
DBM_FILENAME = ("mod_python.dbm_session.database_filename", "session_dbm")
DBM_DIRECTORY = (
    "mod_python.dbm_session.database_directory",
    "mod_python.session.database_directory",
    "session_directory",
)
FILE_DIRECTORY = (
    "mod_python.file_session.database_directory",
    "mod_python.session.database_directory",
    "session_directory",
)
FAST_CLEANUP = ("mod_python.file_session.enable_fast_cleanup", "session_fast_cleanup")
VERIFY_CLEANUP = ("mod_python.file_session.verify_session_timeout", "session_verify_cleanup")
GRACE_PERIOD = ("mod_python.file_session.cleanup_grace_period", "session_grace_period")
CLEANUP_TIME_LIMIT = ("mod_python.file_session.cleanup_time_limit", "session_cleanup_time_limit")
# Ours: the Redis store.
REDIS_URL = ("mod_python.redis_session.url",)
REDIS_KEY_PREFIX = ("mod_python.redis_session.key_prefix",)
REDIS_LOCK_EXPIRY = ("mod_python.redis_session.lock_expiry",)

# FileSession's cleanup defaults (mod_python's values and names).
DFT_FAST_CLEANUP = True
DFT_VERIFY_CLEANUP = True
DFT_GRACE_PERIOD = 240  # seconds an expired session is spared (a request may be saving it)
DFT_CLEANUP_TIME_LIMIT = 2  # seconds one cleanup run may take; 0 = no limit


_ABSENT = object()


def option(options: Mapping[str, Any], names: tuple[str, ...], default: Any = None) -> Any:
    """The value of the first of ``names`` present in ``options``, else ``default``."""
    for name in names:
        value = options.get(name, _ABSENT)
        if value is not _ABSENT:
            return value
    return default


def true_or_false(value: Any) -> bool:
    """mod_python's reading of a boolean option: yes/true/1 or no/false/0 (any case)."""
    if isinstance(value, str):
        value = value.lower()
    if value in ("yes", "true", "1", 1, True):
        return True
    if value in ("no", "false", "0", 0, None, False):
        return False
    raise ValueError(f"not a boolean option value: {value!r}")


def seconds_option(options: Mapping[str, Any], names: tuple[str, ...], default: float) -> float:
    """A number of seconds from ``options``; a value that is not a number is a ValueError."""
    value = option(options, names)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"PythonOption {names[0]} must be a number of seconds, not {value!r}")


def directory_option(options: Mapping[str, Any], names: tuple[str, ...]) -> str:
    """A directory from ``options``, else the system's temporary directory."""
    return os.fspath(option(options, names, TEMP_DIRECTORY))


class OptionValues(dict):
    """PythonOption values by lower-cased name: names match in any case, as in the table
    ``req.get_options()`` returns (an Apache table)."""

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


class SessionSettings:
    """The session options of one configuration, each parsed on first use and then kept.

    A session reads several options on every request; the engine's configuration objects
    live for the server's life, so the parsing is done once per configuration section.
    """

    def __init__(self, options: Iterable[tuple[str, Any]]):
        # An empty value is an option unset (PythonOption name "" in a deeper section).
        self.options = OptionValues((name.lower(), value) for name, value in options
                                    if value != "")  # fmt: skip

    def get(self, names: tuple[str, ...], default: Any = None) -> Any:
        return option(self.options, names, default)

    @cached_property
    def cookie_name(self) -> str:
        return self.get(COOKIE_NAME_KEYS, COOKIE_NAME)

    @cached_property
    def lock_timeout(self) -> float:
        return seconds_option(self.options, LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT)

    @cached_property
    def file_directory(self) -> str:
        """Where FileSession's ``mp_sess`` directory lives."""
        return os.path.join(directory_option(self.options, FILE_DIRECTORY), "mp_sess")

    @cached_property
    def file_cleanup(self) -> tuple[bool, bool, int, int]:
        """FileSession's cleanup settings: fast, verify, grace period, time limit."""
        return (
            true_or_false(self.get(FAST_CLEANUP, DFT_FAST_CLEANUP)),
            true_or_false(self.get(VERIFY_CLEANUP, DFT_VERIFY_CLEANUP)),
            int(self.get(GRACE_PERIOD, DFT_GRACE_PERIOD)),
            int(self.get(CLEANUP_TIME_LIMIT, DFT_CLEANUP_TIME_LIMIT)),
        )

    @cached_property
    def dbm_filename(self) -> str:
        filename = self.get(DBM_FILENAME)
        if filename:
            return filename
        return os.path.join(directory_option(self.options, DBM_DIRECTORY), "mp_sess.dbm")


_SETTINGS_CACHE_LIMIT = 1024  # configurations remembered (more only with .htaccess files)
_by_config: dict[int, tuple[object, SessionSettings]] = {}


def session_settings(req: Any) -> SessionSettings:
    """The parsed session options in force for ``req``.

    Cached per configuration object of the engine's requests (whose options come from
    PythonOption lines only); any other request-like object's are read afresh each time.
    """
    config = getattr(req, "_config", None)
    if config is None:
        return SessionSettings(req.get_options().items())
    # From the configuration itself, not the request's table, which the application may
    # change: such a change must not outlive its request.
    return remembered(_by_config, id(config), config, _SETTINGS_CACHE_LIMIT, _settings_of, config)


def _settings_of(config: Any) -> SessionSettings:
    return SessionSettings(config.option_items())
