"""The ``PythonOption`` keys sessions read, each with the older name mod_python still honours."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from typing import Any

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
