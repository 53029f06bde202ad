"""``mod_python.apache``: the names legacy handlers import, over the engine.

Importable anywhere: with no server running, ``main_server`` is None and
``interpreter`` is "main_interpreter".
"""

from __future__ import annotations

import copy
import io
import os
import sys
import types

from ._engine import constants as _constants
from ._engine.constants import *  # noqa: F403 - the constants are part of this module's API
from ._engine.exceptions import SERVER_RETURN
from ._engine.finfo import stat
from ._engine.importer import import_module, module_mtime, resolve_object
from ._engine.interpreters import MAIN_INTERPRETER, current_interpreter
from ._engine.logs import log_error as _log_to_main
from ._engine.process_cleanups import register as _register_process_cleanup
from ._engine.table import table

make_table = table

_phase_handler_names = dict(_constants.PHASE_DEFAULT_FUNCTIONS)
_status_values = {}  # filled below from the engine's phase table

_engine = None
_main_server = None
_defines: set[str] = set()


def _set_main_server(server, engine) -> None:
    """Called by the engine at start-up (what ``apache.init`` did inside httpd)."""
    global _engine, _main_server
    _engine = engine
    _main_server = server
    _defines.clear()
    _defines.update(getattr(engine.settings, "defines", ()) or ())


def init(name: str, server):
    """Kept for compatibility: mod_python called it when creating an interpreter."""
    _set_main_server(server, _engine)
    sys.argv = ["mod_python"]
    return None


def log_error(message, level=APLOG_ERR, server=None):  # noqa: F405
    """Log to ``server``'s error log, or the main server's when None."""
    if message is None:
        return None
    if server is None:
        _log_to_main(message, level)
        return None
    if not hasattr(server, "log_error") or not hasattr(server, "get_options"):
        raise TypeError("bad argument type for built-in operation")
    server.log_error(message, level)
    return None


def register_cleanup(callable, data=None):  # noqa: A002 - mod_python's parameter name
    """Run ``callable(data)`` when this process exits (httpd: when the child exits)."""
    _register_process_cleanup(callable, data)


def exists_config_define(name: str) -> bool:
    """True when the server was started with ``-D<name>`` (or a ``Define``)."""
    return name in _defines


def server_root() -> str:
    if _engine is None:
        return os.getcwd()
    return _engine.settings.server_root or os.getcwd()


def config_tree() -> list:
    if _engine is None:
        return []
    return copy.deepcopy(_engine.settings.config_tree)


def mpm_query(code):
    """What the serving process model looks like; see the engine's serving back-end."""
    if not isinstance(code, int):
        raise TypeError("The argument must be an integer")
    from ._engine.process_model import mpm_query as query

    return query(code)


def build_cgi_env(req) -> table:
    req.add_cgi_vars()
    env = req.subprocess_env.copy()
    if req.path_info and req.uri.endswith(req.path_info):
        env["SCRIPT_NAME"] = req.uri[: -len(req.path_info)]
    else:
        env["SCRIPT_NAME"] = req.uri
    env["GATEWAY_INTERFACE"] = "Python-CGI/1.1"
    auth = req.headers_in.get("Authorization")
    if auth is not None:
        env["HTTP_AUTHORIZATION"] = auth
    return env


class NullIO:
    """A file that ignores writes and reads as empty."""

    def tell(self):
        return 0

    def read(self, n=-1):
        return ""

    def readline(self, length=None):
        return ""

    def readlines(self):
        return []

    def write(self, s):
        pass

    def writelines(self, lines):
        pass

    def seek(self, pos, mode=0):
        pass

    def isatty(self):
        return 0

    def flush(self):
        pass

    def close(self):
        pass

    def detach(self):
        pass


class CGIStdin(NullIO):
    """``sys.stdin`` for CGI scripts: the request body, read through ``req.read``."""

    def __init__(self, req):
        self.req = req
        self._buffer = b""

    def read(self, n=-1):
        if n < 0:
            data, self._buffer = self._buffer + self.req.read(), b""
            return data
        while len(self._buffer) < n:
            chunk = self.req.read(min(65536, n - len(self._buffer)))
            if not chunk:
                break
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def readline(self, n=-1):
        while b"\n" not in self._buffer:
            chunk = self.req.read(65536)
            if not chunk:
                break
            self._buffer += chunk
        end = self._buffer.find(b"\n") + 1 or len(self._buffer)
        if n >= 0:
            end = min(end, n)
        line, self._buffer = self._buffer[:end], self._buffer[end:]
        return line

    def readlines(self):
        lines = []
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)


class CGIStdout(NullIO):
    """``sys.stdout`` for CGI scripts: parses the header block, then writes the body."""

    def __init__(self, req):
        self.req = req
        self._headers_done = False
        self._pending = ""
        self._count = 0

    def write(self, s):
        if not isinstance(s, str):
            s = s.decode("latin-1") if isinstance(s, (bytes, bytearray)) else str(s)
        self._count += len(s)
        if self._headers_done:
            self.req.write(s)
            return
        self._pending += s
        for separator in ("\r\n\r\n", "\n\n"):
            end = self._pending.find(separator)
            if end >= 0:
                break
        else:
            return
        block, body = self._pending[:end], self._pending[end + len(separator) :]
        self._pending = ""
        self._headers_done = True
        for line in block.splitlines():
            if not line:
                continue
            if ":" not in line:
                raise ValueError(f"Invalid CGI header line: {line!r}")
            name, value = (part.strip() for part in line.split(":", 1))
            lower = name.lower()
            if lower == "status":
                self.req.status = int(value.split()[0])
            elif lower == "content-type":
                self.req.content_type = value
            else:
                self.req.headers_out.add(name, value)
        if body:
            self.req.write(body)

    def tell(self):
        return self._count


def setup_cgi(req):
    saved_env = os.environ.copy()
    saved_stdin, saved_stdout = sys.stdin, sys.stdout
    os.environ.update(dict(build_cgi_env(req).items()))
    sys.stdout = CGIStdout(req)
    sys.stdin = CGIStdin(req)
    sys.argv = []
    return saved_env, saved_stdin, saved_stdout


def restore_nocgi(env, si, so):
    """Put back what ``setup_cgi`` replaced (stdin and stdout the right way round)."""
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = si
    sys.stdout = so


class _ApacheModule(types.ModuleType):
    """Lets ``apache.interpreter`` and ``apache.main_server`` follow the running request."""

    @property
    def interpreter(self) -> str:
        return current_interpreter().name

    @property
    def main_server(self):
        return _main_server


sys.modules[__name__].__class__ = _ApacheModule


def _fill_status_values() -> None:
    from ._engine.phases import PHASES

    for directive, continue_set in PHASES.items():
        _status_values[_phase_handler_names[directive]] = sorted(continue_set)


_fill_status_values()

__all__ = [
    name for name in dir() if not name.startswith("_") and name not in ("io", "os", "sys", "types")
]
_ = (io, MAIN_INTERPRETER, import_module, module_mtime, resolve_object, stat, SERVER_RETURN)
