"""``PythonHandler mod_python.cgihandler``: run CGI scripts inside the server (SPEC 9.4).

The script named by the request (``SCRIPT_FILENAME`` in ``req.subprocess_env`` when set,
else ``req.filename``) is executed as a fresh module on every request, with the CGI
environment in ``os.environ``, the request body on ``sys.stdin`` and ``sys.stdout``
parsed as CGI output: a header block (``Status:``, ``Content-Type:``, any other header)
up to the first blank line, then the body, streamed to the client as it is written.

Thread safety. A CGI script expects a process of its own: its working directory, its
environment and its stdin/stdout. The working directory and ``os.environ`` are process
wide, so scripts run one at a time, under one lock, as in mod_python. Unlike mod_python,
the stdio and environment swap is seen by the script's thread only: ``sys.stdout``,
``sys.stdin`` and ``os.environ`` are replaced, while a script runs, by stand-ins that
route the running script's thread to its CGI streams and every other thread (handlers
serving other requests meanwhile) to the real ones, so no other request's ``print`` can
end up in a CGI response, and nothing is left replaced afterwards.

Differences from mod_python, on purpose:

* ``os.environ`` is not emptied for the whole process at import (that would take PATH,
  HOME and TMPDIR away from every other handler); the script sees the CGI variables only.
* ``sys.exit()`` / ``sys.exit(0)`` in a script ends it normally, as it would end a CGI
  process (mod_python reports the SystemExit as a handler error); another exit status is
  reported as an error.
* Modules imported since this module are forgotten before each script runs so that a
  script's own helper modules are executed again (mod_python's rule), but only
  application modules: the standard library, installed packages and mod_python itself
  stay loaded (dropping them would break the server running in the same process).
* The request body on ``sys.stdin`` is bytes (mod_python's Python 3 port fails there).
* The script's module is in ``sys.modules`` only while it runs: a script named like a
  library module (``json.py``) does not replace that module for the whole process.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import threading
from collections.abc import Iterator, MutableMapping

from . import apache
from ._engine.importer import _is_user_module

# One script at a time: the working directory and os.environ are shared by all threads.
_lock = threading.Lock()

# Modules loaded before this one are never forgotten.
_modules_before = frozenset(sys.modules)


class _ThreadRouted:
    """Stands in for ``sys.stdout``/``sys.stdin`` while a script runs: attribute access
    from the script's thread reaches its CGI stream, from any other thread the original."""

    def __init__(self, original, replacement, owner: int):
        self._original = original
        self._replacement = replacement
        self._owner = owner

    def _target(self):
        return self._replacement if threading.get_ident() == self._owner else self._original

    def __getattr__(self, name: str):
        return getattr(self._target(), name)


class _ThreadRoutedEnviron(MutableMapping):
    """Stands in for ``os.environ`` while a script runs: the script's thread sees the CGI
    variables, every other thread the process environment."""

    def __init__(self, original, cgi_variables: dict[str, str], owner: int):
        self._original = original
        self._cgi_variables = cgi_variables
        self._owner = owner

    def _target(self):
        return self._cgi_variables if threading.get_ident() == self._owner else self._original

    def __getitem__(self, key):
        return self._target()[key]

    def __setitem__(self, key, value) -> None:
        self._target()[key] = value

    def __delitem__(self, key) -> None:
        del self._target()[key]

    def __iter__(self) -> Iterator:
        return iter(list(self._target()))

    def __len__(self) -> int:
        return len(self._target())

    def copy(self) -> dict:
        return dict(self._target())


def _forget_application_modules() -> None:
    """Drop the application modules loaded since this module, so that the helper modules
    a script imports are executed again with it."""
    for name, module in list(sys.modules.items()):
        if name not in _modules_before and module is not None and _is_user_module(name, module):
            sys.modules.pop(name, None)


def _script_path(req) -> str:
    env = req.subprocess_env
    return env["script_filename"] if "script_filename" in env else req.filename


def _run_script(path: str, module_name: str) -> None:
    """Execute the script file as module ``module_name`` (its ``__name__``, as in mod_python)."""
    loader = importlib.machinery.SourceFileLoader(module_name, path)
    spec = importlib.util.spec_from_file_location(module_name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module  # visible to the script while it runs, as an import
    try:
        loader.exec_module(module)
    except SystemExit as exit_request:
        if exit_request.code not in (None, 0):
            raise RuntimeError(
                f"CGI script {path} exited with status {exit_request.code}"
            ) from None
    finally:
        if previous is None:
            sys.modules.pop(module_name, None)
        else:
            sys.modules[module_name] = previous


# The engine keeps these as the Latin-1 view of the URI's bytes (PEP 3333); a CGI script
# sees them decoded, as os.environ decodes a real process environment (UTF-8, with
# surrogateescape for bytes that are not UTF-8), which is what mod_python's scripts saw.
_PATH_VARIABLES = ("REQUEST_URI", "SCRIPT_NAME", "PATH_INFO", "REDIRECT_URL")


def _decode_path_variables(variables: dict[str, str]) -> None:
    for key in _PATH_VARIABLES:
        value = variables.get(key)
        if value is not None and not value.isascii():
            variables[key] = value.encode("latin-1").decode("utf-8", "surrogateescape")


def handler(req) -> int:
    """Run the requested CGI script; OK, or 404 when the script file does not exist."""
    path = _script_path(req)
    if not path:
        raise apache.SERVER_RETURN(apache.HTTP_NOT_FOUND)
    directory, filename = os.path.split(os.path.abspath(path))
    module_name = os.path.splitext(filename)[0]
    with _lock:
        # Under the lock, so that no script is importing while modules are dropped.
        _forget_application_modules()
        if not os.path.isfile(path):
            raise apache.SERVER_RETURN(apache.HTTP_NOT_FOUND)
        owner = threading.get_ident()
        saved = (os.getcwd(), sys.stdout, sys.stdin, os.environ, sys.argv)
        cgi_variables = {key: str(value) for key, value in apache.build_cgi_env(req).items()}
        _decode_path_variables(cgi_variables)
        try:
            # The CGI spec: the script runs in its own directory.
            os.chdir(directory)
            sys.stdout = _ThreadRouted(saved[1], apache.CGIStdout(req), owner)
            sys.stdin = _ThreadRouted(saved[2], apache.CGIStdin(req), owner)
            # Replaced on purpose, restored below: the routing stand-in, not a new environment.
            os.environ = _ThreadRoutedEnviron(saved[3], cgi_variables, owner)  # noqa: B003
            sys.argv = []  # what mod_python gives scripts (the cgi module reads it)
            _run_script(os.path.join(directory, filename), module_name)
        finally:
            os.chdir(saved[0])
            sys.stdout, sys.stdin, os.environ, sys.argv = saved[1:]
    return apache.OK


__all__ = ["handler"]
