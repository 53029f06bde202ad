"""What mod_wsgi does once per process, before the first request.

WSGIPythonPath and a daemon's python-path (``site.addsitedir``, so ``.pth`` files count),
WSGIPythonHome and python-home (checked, with mod_wsgi 4.3.2's warnings), WSGIPythonEggs,
WSGIRestrictStdin/Stdout/Signal (they apply to code of WSGI scripts, not to the server),
then the WSGIImportScript preloads.

Python is already running here, so a Python home cannot be switched; a home that is not
the running interpreter's is reported rather than silently ignored.
"""

from __future__ import annotations

import os
import signal
import site
import sys

from .. import logs
from ..constants import APLOG_ERR, APLOG_WARNING
from .content import HANDLER_NAME
from .groups import in_script, load_script

_signal_guard_installed = False


def start_wsgi(settings, log) -> None:
    """Apply the process-wide mod_wsgi settings of ``settings`` (the main server);
    ``log(message, level)`` writes to the main error log."""
    records = [settings, *settings.vhosts]
    if not any(record.config.wsgi for record in records) and not _uses_wsgi_scripts(records):
        return
    wsgi = settings.config.wsgi
    pid = os.getpid()
    for directory in wsgi.get("python_path", ()):
        site.addsitedir(directory)
    homes = [wsgi["python_home"]] if "python_home" in wsgi else []
    for options in wsgi.get("daemon_processes", {}).values():
        for directory in filter(None, options.get("python-path", "").split(":")):
            site.addsitedir(directory)
        if options.get("python-home"):
            homes.append(options["python-home"])
    for home in homes:
        for message in python_home_warnings(home, pid):
            log(message, APLOG_WARNING)
    if "python_eggs" in wsgi:
        os.environ["PYTHON_EGG_CACHE"] = wsgi["python_eggs"]
    if wsgi.get("restrict_stdin") and not isinstance(sys.stdin, _Restricted):
        sys.stdin = _Restricted("sys.stdin", sys.stdin)
    if wsgi.get("restrict_stdout") and not isinstance(sys.stdout, _Restricted):
        sys.stdout = _Restricted("sys.stdout", sys.stdout)
    if wsgi.get("restrict_signal", True):
        _guard_signals()
    # A virtual host's config includes the main server's preloads: each is loaded once.
    preloads = {entry: None for record in records
                for entry in record.config.wsgi.get("import_scripts", ())}  # fmt: skip
    for path, _process_group, group in preloads:
        _preload(path, "" if group == "%{GLOBAL}" else group, wsgi, log, pid)


def _uses_wsgi_scripts(records) -> bool:
    return any(rule.handler == HANDLER_NAME for s in records for rule in s.alias_rules)


def python_home_warnings(home: str, pid: int) -> list[str]:
    """mod_wsgi 4.3.2 checks that the home is a directory it can reach; we also say when it
    is not the environment of the Python that is running."""
    try:
        is_directory = os.path.isdir(home) and os.access(home, os.R_OK | os.X_OK)
        exists = os.path.exists(home)
    except OSError:
        is_directory = exists = False
    if not exists:
        return [f"mod_wsgi (pid={pid}): Unable to stat Python home {home}. Python interpreter "
                "may not be able to be initialized correctly. Verify the supplied path and "
                "access permissions for whole of the path."]  # fmt: skip
    if not is_directory:
        return [f"mod_wsgi (pid={pid}): Python home {home} is not a directory. Python "
                "interpreter may not be able to be initialized correctly. Verify the supplied "
                "path."]  # fmt: skip
    running = {os.path.realpath(sys.prefix), os.path.realpath(sys.exec_prefix)}
    if os.path.realpath(home) not in running:
        return [f"mod_wsgi (pid={pid}): Python home {home} is not the home of the running "
                f"Python ({sys.prefix}): start the server with that environment's Python "
                "to use it."]  # fmt: skip
    return []


def _preload(path: str, group: str, wsgi: dict, log, pid: int) -> None:
    try:
        load_script(path, group, case_sensitive=wsgi.get("case_sensitivity", True),
                    optimize=wsgi.get("python_optimize", -1))  # fmt: skip
    except Exception as error:  # noqa: BLE001 - logged; start-up goes on, as in mod_wsgi
        log(f"mod_wsgi (pid={pid}): Failed to exec Python script file '{path}'.", APLOG_ERR)
        log(f"mod_wsgi (pid={pid}): {type(error).__name__}: {error}", APLOG_ERR)


class _Restricted:
    """sys.stdin/sys.stdout under WSGIRestrictStdin/Stdout On: any use by a WSGI script is
    an error, as in mod_wsgi; the server's own code (the command line) still has the
    stream."""

    def __init__(self, name: str, stream):
        self._name = name
        self._stream = stream

    def __getattr__(self, attribute: str):
        if in_script.get():
            raise OSError(f"{self._name} access restricted by mod_wsgi")
        return getattr(self._stream, attribute)


def _guard_signals() -> None:
    """WSGIRestrictSignal On (the default): a script's signal.signal() call is ignored and
    logged (main error log), so an application cannot take over the server's signals."""
    global _signal_guard_installed
    if _signal_guard_installed:
        return
    _signal_guard_installed = True
    original = signal.signal

    def guarded(signalnum, handler):
        if in_script.get():
            logs.log_error(f"mod_wsgi (pid={os.getpid()}): Callback registration for signal "
                           f"{int(signalnum)} ignored.", APLOG_WARNING)  # fmt: skip
            return signal.getsignal(signalnum)
        return original(signalnum, handler)

    signal.signal = guarded


__all__ = ["python_home_warnings", "start_wsgi"]
