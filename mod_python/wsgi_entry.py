"""The engine as a WSGI application for any WSGI server.

Two ways to name it:

``mod_python.wsgi_entry:application``
    reads the Apache config file named by the environment variable ``MOD_PYTHON_CONFIG``
    on its first request (once per process, thread-safe), so a server can import it
    before forking workers without loading any handler code in the parent.

``mod_python.wsgi_entry:make_application(config_path)``
    builds the engine at once; for servers that take a factory call, e.g.
    ``gunicorn 'mod_python.wsgi_entry:make_application("examples/httpd.conf")'``.

``apache.mpm_query`` answers from ``MOD_PYTHON_PROCESSES`` and ``MOD_PYTHON_THREADS`` when
they are set (the ``serve`` command sets them for its workers), else from the defaults of
``mod_python._engine.process_model``. ``MOD_PYTHON_DEFINES`` (names separated by spaces)
plays the part of httpd's ``-D NAME`` for ``<IfDefine>``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

from ._engine.app import Engine
from ._engine.config.server import ServerSettings, load_config_file
from ._engine.process_model import set_process_model

CONFIG_VARIABLE = "MOD_PYTHON_CONFIG"
PROCESSES_VARIABLE = "MOD_PYTHON_PROCESSES"
THREADS_VARIABLE = "MOD_PYTHON_THREADS"
DEFINES_VARIABLE = "MOD_PYTHON_DEFINES"


def load_settings(config_path: str, defines: Iterable[str] | None = None) -> ServerSettings:
    """Parse ``config_path`` into the server model, with server-root-relative paths resolved.

    Raises ``ConfigError`` (located at file:line) for a bad config and ``OSError`` when the
    file cannot be read.
    """
    config_path = os.path.abspath(config_path)
    settings = load_config_file(config_path, set(defines or ()))
    return settings


def build_engine(config_path: str, defines: Iterable[str] | None = None) -> Engine:
    """The engine for ``config_path`` (see ``load_settings``), ready to be called."""
    return Engine(load_settings(config_path, defines))


def apply_process_model_from_environment() -> None:
    """``set_process_model`` from MOD_PYTHON_PROCESSES / MOD_PYTHON_THREADS, when set."""
    processes = os.environ.get(PROCESSES_VARIABLE)
    threads = os.environ.get(THREADS_VARIABLE)
    if processes or threads:
        from ._engine import process_model

        set_process_model(
            int(processes) if processes else process_model.processes,
            int(threads) if threads else process_model.threads,
        )


def make_application(
    config_path: str | os.PathLike[str], defines: Iterable[str] | None = None
) -> Engine:
    """Build the engine for an Apache config file; call it as a WSGI application.

    ``defines`` default to the names in ``MOD_PYTHON_DEFINES``.
    """
    apply_process_model_from_environment()
    if defines is None:
        defines = os.environ.get(DEFINES_VARIABLE, "").split()
    return build_engine(os.fspath(config_path), defines)


class LazyApplication:
    """A WSGI application that builds the engine from ``MOD_PYTHON_CONFIG`` on first use."""

    def __init__(self, variable: str = CONFIG_VARIABLE):
        self.variable = variable
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def load(self) -> Engine:
        """Build the engine once; concurrent first requests wait for the same one."""
        engine = self._engine
        if engine is not None:
            return engine
        with self._lock:
            if self._engine is None:
                config_path = os.environ.get(self.variable)
                if not config_path:
                    raise RuntimeError(
                        f"mod_python.wsgi_entry:application needs the environment variable "
                        f"{self.variable} set to the path of an Apache config file"
                    )
                self._engine = make_application(config_path)
            return self._engine

    def __call__(self, environ: dict, start_response):
        engine = self._engine or self.load()
        return engine(environ, start_response)


class WriteCallableFallback:
    """Wraps a WSGI app for servers whose ``start_response`` returns no ``write`` callable.

    PEP 3333 requires that callable; granian returns None. Chunks written through it
    are kept and sent ahead of the returned body, so streamed output arrives whole
    (unstreamed) instead of failing.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ: dict, start_response):
        written: list[bytes] = []

        def start_response_with_write(status, headers, exc_info=None):
            write = start_response(status, headers, exc_info)
            return write if write is not None else written.append

        return body_after_writes(written, self.app(environ, start_response_with_write))


def body_after_writes(written: list[bytes], result):
    """The body to send: the chunks given to ``write()`` first, then what the app returned."""
    if not written:
        return result
    if type(result) is list:  # nothing to close: one list the server sends as it is
        return written + result
    return _written_then(written, result)


def _written_then(written: list[bytes], result):
    try:
        yield from written
        yield from result
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


application = LazyApplication()
# For granian and other servers without PEP 3333's write callable.
buffered_application = WriteCallableFallback(application)

__all__ = [
    "CONFIG_VARIABLE",
    "DEFINES_VARIABLE",
    "LazyApplication",
    "WriteCallableFallback",
    "application",
    "body_after_writes",
    "build_engine",
    "buffered_application",
    "load_settings",
    "make_application",
]
