"""Child-exit cleanups (``apache.register_cleanup``, ``server.register_cleanup``).

httpd runs them when a child process's pool is destroyed; we run them when the process
exits (atexit) or when the engine is shut down explicitly.
"""

from __future__ import annotations

import atexit
import threading

from .constants import APLOG_ERR
from .logs import log_error

_lock = threading.Lock()
_cleanups: list[tuple[object, object]] = []


def register(callable, data=None) -> None:  # noqa: A002
    with _lock:
        _cleanups.append((callable, data))


def run_all() -> None:
    """Run every registered cleanup once, last registered first; errors are only logged."""
    with _lock:
        pending = _cleanups[::-1]
        _cleanups.clear()
    for callable, data in pending:  # noqa: A001
        try:
            callable(data)
        except Exception as error:  # noqa: BLE001 - a cleanup must never stop the others
            log_error(f"python_cleanup: Error calling cleanup object {callable}", APLOG_ERR)
            log_error(f"    {type(error).__name__}: {error}", APLOG_ERR)


atexit.register(run_all)
