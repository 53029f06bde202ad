"""Serving back-ends: small adapters that run the engine under a WSGI server.

Each adapter names the module it needs and imports it only inside ``run``, so choosing
one never imports the others (DESIGN decision 10). The engine knows nothing about them;
an adapter records the process model (``apache.mpm_query``) and builds the engine where
its server wants it: once in-process for cheroot, in every worker after the fork for
gunicorn and granian.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from . import wsgi_entry
from ._engine.process_model import set_process_model


class BackendError(Exception):
    """A back-end cannot serve: unknown name, options it cannot honour."""


class BackendUnavailable(BackendError):
    """The back-end's server package is not installed."""


@dataclass(frozen=True)
class ServeOptions:
    """What every back-end needs to serve one Apache config."""

    config_path: str
    host: str = "127.0.0.1"
    port: int = 8080
    processes: int = 1
    threads: int = 10
    defines: tuple[str, ...] = ()

    @property
    def bind_address(self) -> str:
        """``host:port``, with an IPv6 host in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"


ReadyCallback = Callable[[], None]


class Backend:
    """One serving back-end; subclasses set the class attributes and implement ``run``."""

    name: ClassVar[str]
    requires: ClassVar[str]  # the top-level module of the server package
    install_hint: ClassVar[str]  # what to run when that module is missing
    multiprocess: ClassVar[bool] = False

    def is_installed(self) -> bool:
        """True when the server package can be imported (checked without importing it)."""
        return importlib.util.find_spec(self.requires) is not None

    def check(self, options: ServeOptions) -> None:
        """Raise BackendError when ``options`` ask for something this back-end cannot do."""
        if options.processes > 1 and not self.multiprocess:
            raise BackendError(
                f"{self.name} serves from a single process; use --server gunicorn or "
                f"--server granian for --processes {options.processes}"
            )

    def run(self, options: ServeOptions, ready: ReadyCallback) -> None:
        """Serve in the foreground until SIGINT/SIGTERM; call ``ready()`` once listening."""
        raise NotImplementedError


@contextmanager
def _stop_event_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while the block runs (main thread only)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda number, frame: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class CherootBackend(Backend):
    """cheroot's threaded HTTP server: one process, a pool of ``threads`` workers."""

    name = "cheroot"
    requires = "cheroot"
    install_hint = "pip install modpython-wsgi"

    def run(self, options: ServeOptions, ready: ReadyCallback) -> None:
        from cheroot import wsgi

        from ._engine import process_cleanups

        set_process_model(1, options.threads)
        engine = wsgi_entry.build_engine(options.config_path, options.defines)
        server = wsgi.Server(
            (options.host, options.port),
            engine,
            numthreads=options.threads,
            server_name=engine.settings.server_name,  # cheroot's SERVER_NAME in the environ
        )
        # Signals are caught before the port opens: from then on a client may see the
        # server up, and a stop request must end in server.stop() (its worker threads
        # would otherwise keep the process alive).
        with _stop_event_on_signals() as stop:
            server.prepare()  # binds and listens: an OSError here means the address is taken
            serving = threading.Thread(target=server.serve, name="cheroot", daemon=True)
            try:
                serving.start()
                ready()
                # Wake up now and then so a serve loop that died does not leave us waiting.
                while serving.is_alive() and not stop.wait(0.5):
                    pass
            finally:
                server.stop()
                if serving.is_alive():
                    serving.join(timeout=10)
        process_cleanups.run_all()


class GunicornBackend(Backend):
    """gunicorn's pre-fork arbiter: ``processes`` workers of ``threads`` threads each."""

    name = "gunicorn"
    requires = "gunicorn"
    install_hint = "pip install modpython-wsgi[gunicorn]"
    multiprocess = True

    def run(self, options: ServeOptions, ready: ReadyCallback) -> None:
        from gunicorn.app.base import BaseApplication
        from gunicorn.errors import HaltServer

        class GunicornSite(BaseApplication):
            """Loads the engine in each worker, after the fork (gunicorn's default)."""

            def load_config(self) -> None:
                settings = {
                    "bind": [options.bind_address],
                    "workers": options.processes,
                    "threads": options.threads,
                    "proc_name": "mod_python",
                    "when_ready": lambda arbiter: ready(),
                    "post_fork": _remember_arbiter,
                    "post_worker_init": _stop_if_signalled_while_booting,
                }
                if "control_socket_disable" in self.cfg.settings:
                    # gunicorn >= 25.1 opens a control socket at one per-user path; two
                    # sites served side by side would fight over it.
                    settings["control_socket_disable"] = True
                for key, value in settings.items():
                    self.cfg.set(key, value)

            def load(self):
                set_process_model(options.processes, options.threads)
                return wsgi_entry.build_engine(options.config_path, options.defines)

        arbiter_pid = os.getpid()
        try:
            GunicornSite().run()
        except SystemExit as exit_request:
            # The arbiter ends with sys.exit(); forked workers unwind through here too and
            # must keep exiting, while the arbiter returns like the other back-ends.
            if os.getpid() != arbiter_pid:
                raise
            if exit_request.code not in (0, None):
                raise BackendError(f"gunicorn stopped with status {exit_request.code}") from None
        except HaltServer as halt:
            if os.getpid() != arbiter_pid:
                raise
            raise BackendError(f"gunicorn stopped: {halt.reason}") from None


_STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT, signal.SIGQUIT})


def _remember_arbiter(arbiter, worker) -> None:
    worker.mod_python_arbiter = arbiter


def _stop_if_signalled_while_booting(worker) -> None:
    """Honour a stop signal that reached a gunicorn worker before its own handlers did.

    Between fork and ``init_signals`` a worker still runs the arbiter's handler, which
    only queues the signal in the worker's copy of the arbiter's queue; without this
    the worker would serve on and the arbiter wait out its graceful timeout.
    """
    try:
        queue = worker.mod_python_arbiter.SIG_QUEUE
        if isinstance(queue, list):  # gunicorn before 23
            pending = list(queue)
        else:  # a queue.SimpleQueue: this copy belongs to the worker, draining it is safe
            pending = []
            while not queue.empty():
                pending.append(queue.get_nowait())
    except Exception:  # noqa: BLE001 - another gunicorn layout: keep its own behaviour
        return
    if any(sig in _STOP_SIGNALS for sig in pending):
        worker.alive = False


class GranianBackend(Backend):
    """granian (optional): Rust HTTP server, ``processes`` workers with a thread pool each."""

    name = "granian"
    requires = "granian"
    install_hint = "pip install modpython-wsgi[granian]"
    multiprocess = True

    def run(self, options: ServeOptions, ready: ReadyCallback) -> None:
        import inspect

        from granian import Granian
        from granian.constants import Interfaces

        # Workers are fresh processes: they find the config and process model in the
        # environment and build the engine lazily (mod_python.wsgi_entry:application).
        os.environ[wsgi_entry.CONFIG_VARIABLE] = os.path.abspath(options.config_path)
        os.environ[wsgi_entry.PROCESSES_VARIABLE] = str(options.processes)
        os.environ[wsgi_entry.THREADS_VARIABLE] = str(options.threads)
        os.environ[wsgi_entry.DEFINES_VARIABLE] = " ".join(options.defines)
        arguments = {
            "address": options.host,
            "port": options.port,
            "interface": Interfaces.WSGI,
            "workers": options.processes,
            "blocking_threads": options.threads,
        }
        accepted = inspect.signature(Granian).parameters
        server = Granian(
            # granian's start_response returns no write callable: use the fallback.
            "mod_python.wsgi_entry:buffered_application",
            **{key: value for key, value in arguments.items() if key in accepted},
        )
        ready()
        server.serve()


BACKENDS: dict[str, type[Backend]] = {
    backend.name: backend for backend in (CherootBackend, GunicornBackend, GranianBackend)
}
DEFAULT_BACKEND = "cheroot"


def get_backend(name: str) -> Backend:
    """The back-end registered as ``name``, checked to be installed.

    Raises BackendError for an unknown name and BackendUnavailable (with the pip command
    to run) when its server package is missing.
    """
    backend_type = BACKENDS.get(name.lower())
    if backend_type is None:
        known = ", ".join(BACKENDS)
        raise BackendError(f"unknown server {name!r} (choose from {known})")
    backend = backend_type()
    if not backend.is_installed():
        raise BackendUnavailable(f"{backend.name} is not installed: {backend.install_hint}")
    return backend


__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Backend",
    "BackendError",
    "BackendUnavailable",
    "ServeOptions",
    "get_backend",
]
