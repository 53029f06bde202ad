"""Apache-style error logging: one line per message, with time, level, pid and client.

The format follows httpd 2.4's default ErrorLogFormat:
``[Sat Nov 21 06:23:25.123456 2026] [mod_python:error] [pid 1:tid 2] [client 127.0.0.1:5] msg``.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from typing import TextIO

from .constants import APLOG_DEBUG, APLOG_ERR, APLOG_WARNING

LEVEL_NAMES = ("emerg", "alert", "crit", "error", "warn", "notice", "info", "debug")

LEVELS_BY_NAME = {name: number for number, name in enumerate(LEVEL_NAMES)}
LEVELS_BY_NAME["warning"] = APLOG_WARNING


# Control characters but newline and tab: a CR, an ESC sequence or a NUL taken from a request
# (a URL, a header) must not rewrite or hide what a terminal or log viewer shows (httpd escapes
# them too, CVE-2003-0020). A newline still starts a new entry, which carries its own prefix.
_UNSAFE_IN_LOG = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _escape_for_log(text: str) -> str:
    return _UNSAFE_IN_LOG.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def level_from_name(name: str) -> int:
    """``LogLevel`` value (``warn``, ``debug``, ``info`` ...) -> syslog number."""
    try:
        return LEVELS_BY_NAME[name.lower().split(":")[-1].strip()]
    except KeyError:
        raise ValueError(f"LogLevel: unknown level {name!r}") from None


def _timestamp(now: float) -> str:
    local = time.localtime(now)
    micro = int((now - int(now)) * 1_000_000)
    return time.strftime("%a %b %d %H:%M:%S", local) + f".{micro:06d} " + str(local.tm_year)


class ErrorLog:
    """One error log destination (a file path or a stream) with its LogLevel."""

    def __init__(
        self, path: str | None = None, level: int = APLOG_WARNING, stream: TextIO | None = None
    ):
        self.path = path
        self.level = level
        self._stream = stream
        self._lock = threading.Lock()

    def _open(self) -> TextIO:
        if self._stream is None:
            if self.path is None:
                return sys.stderr
            directory = os.path.dirname(self.path)
            if directory:
                os.makedirs(directory, exist_ok=True)
            self._stream = open(self.path, "a", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
        return self._stream

    def write(self, message: str, level: int = APLOG_ERR, client: str | None = None,
              module: str = "mod_python") -> None:  # fmt: skip
        """Log ``message`` when ``level`` passes this log's LogLevel.

        Level 0 (APLOG_EMERG) is treated as "not given" and logged at ERR, as mod_python does.
        """
        if message is None:
            return
        if not level:
            level = APLOG_ERR
        if level > self.level:
            return
        name = LEVEL_NAMES[level] if 0 <= level < len(LEVEL_NAMES) else "debug"
        prefix = f"[{_timestamp(time.time())}] [{module}:{name}] [pid {os.getpid()}:tid {threading.get_ident()}] "
        if client:
            prefix += f"[client {client}] "
        text = str(message)
        if _UNSAFE_IN_LOG.search(text):
            text = _escape_for_log(text)
        lines = "".join(prefix + line + "\n" for line in text.split("\n"))
        with self._lock:
            stream = self._open()
            stream.write(lines)
            stream.flush()

    def close(self) -> None:
        if self._stream is not None and self.path is not None:
            self._stream.close()
            self._stream = None


# The main server's log. An Engine replaces it with its configured ErrorLog at start-up;
# until then messages go to stderr at a level that lets everything through.
main_log = ErrorLog(level=APLOG_DEBUG)


def set_main_log(log: ErrorLog) -> None:
    global main_log
    main_log = log


def log_error(message: str | None, level: int = APLOG_ERR) -> None:
    """Write to the main server's error log (``apache.log_error`` with no server)."""
    main_log.write(message, level)
