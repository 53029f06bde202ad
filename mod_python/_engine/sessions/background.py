"""Expired-session cleanups, run in a background thread so no request waits for them.

mod_python ran them as a request cleanup of the unlucky request (1 in 1000); one run per
store at a time is enough, so a store whose cleanup is still running is not started again.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from ..constants import APLOG_ERR
from ..logs import log_error

_running: dict[object, threading.Thread] = {}
_running_lock = threading.Lock()


def start_cleanup(key: object, cleanup: Callable[[], object]) -> threading.Thread | None:
    """Run ``cleanup()`` in a daemon thread unless the cleanup of ``key`` is running."""
    with _running_lock:
        if key in _running:
            return None
        thread = threading.Thread(target=_run, args=(key, cleanup), daemon=True,
                                  name="session-cleanup")  # fmt: skip
        _running[key] = thread
    thread.start()
    return thread


def _run(key: object, cleanup: Callable[[], object]) -> None:
    try:
        cleanup()
    except Exception:  # noqa: BLE001 - a failed cleanup is only logged; it retries next time
        log_error(f"session cleanup failed: {traceback.format_exc()}", APLOG_ERR)
    finally:
        with _running_lock:
            _running.pop(key, None)


def wait_for_cleanups(timeout: float) -> bool:
    """Wait until no cleanup runs (tests, shutdown); False if some still run at ``timeout``."""
    with _running_lock:
        threads = list(_running.values())
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)
