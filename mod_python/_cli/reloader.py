"""``serve --reload``: a watcher process that restarts the server when a file changes.

The watcher runs the same ``mod_python serve`` command without ``--reload`` as a child
(marked by ``MOD_PYTHON_RELOADER_CHILD`` in its environment), scans the watched trees for
``.py``, ``.psp``, ``.conf`` and ``.htaccess`` files once a second, and on a change stops
the child with SIGTERM (its cleanups run) and starts a new one. A child that exits on its
own with an error (say, a config error) is restarted after the next change.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence

CHILD_VARIABLE = "MOD_PYTHON_RELOADER_CHILD"
WATCHED_SUFFIXES = (".py", ".psp", ".conf", ".htaccess")
SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", "site-packages", "logs"}
MAX_FILES = 20000
POLL_INTERVAL = 1.0

Snapshot = dict[str, float]


def is_reloader_child() -> bool:
    return os.environ.get(CHILD_VARIABLE) == "1"


def snapshot(paths: Iterable[str]) -> Snapshot:
    """Modification times of the watched files under ``paths`` (files or directories)."""
    found: Snapshot = {}
    for path in paths:
        if os.path.isfile(path):
            _stat_into(found, path)
            continue
        for directory, subdirectories, files in os.walk(path):
            subdirectories[:] = [
                name
                for name in subdirectories
                if not name.startswith(".")
                and name not in SKIPPED_DIRECTORIES
                and not os.path.exists(os.path.join(directory, name, "pyvenv.cfg"))
            ]
            for name in files:
                if name.endswith(WATCHED_SUFFIXES):
                    _stat_into(found, os.path.join(directory, name))
            if len(found) >= MAX_FILES:
                return found
    return found


def _stat_into(found: Snapshot, path: str) -> None:
    try:
        found[path] = os.stat(path).st_mtime
    except OSError:
        pass


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


class _Stop(Exception):
    pass


def _raise_stop(number, frame) -> None:
    raise _Stop


def run_with_reloader(command: Sequence[str], watched: Sequence[str]) -> int:
    """Run ``command`` and restart it whenever a watched file changes; until SIGINT/SIGTERM."""
    env = dict(os.environ, **{CHILD_VARIABLE: "1"})
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    child: subprocess.Popen | None = None
    print(f"mod_python: watching {', '.join(watched)} for changes", file=sys.stderr, flush=True)
    try:
        while True:
            before = snapshot(watched)
            child = subprocess.Popen(list(command), env=env)
            while True:
                time.sleep(POLL_INTERVAL)
                after = snapshot(watched)
                changes = changed_files(before, after)
                if changes:
                    names = ", ".join(changes[:3]) + (" ..." if len(changes) > 3 else "")
                    print(f"mod_python: {names} changed, restarting", file=sys.stderr, flush=True)
                    _stop_child(child)
                    break
                if child.poll() is not None:
                    # Stopped on its own (config error, crash): wait for a fix.
                    print(
                        f"mod_python: the server exited with status {child.returncode}; "
                        "waiting for a change to restart it",
                        file=sys.stderr,
                        flush=True,
                    )
                    while not changed_files(before, snapshot(watched)):
                        time.sleep(POLL_INTERVAL)
                    break
    except (_Stop, KeyboardInterrupt):
        if child is not None:
            _stop_child(child)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


__all__ = ["CHILD_VARIABLE", "is_reloader_child", "run_with_reloader", "snapshot"]
