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
import socket
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from . import granian_worker, wsgi_entry
from ._engine.process_model import set_process_model
from .bjoern_app import BjoernApplication


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
    # Further (host, port) pairs to listen on besides host:port (several Listen lines).
    more_addresses: tuple[tuple[str, int], ...] = ()

    @property
    def addresses(self) -> tuple[tuple[str, int], ...]:
        """Every (host, port) to listen on, the first one first."""
        return ((self.host, self.port), *self.more_addresses)

    @property
    def bind_address(self) -> str:
        """``host:port``, with an IPv6 host in brackets."""
        return format_address(self.host, self.port)

    @property
    def bind_addresses(self) -> list[str]:
        return [format_address(host, port) for host, port in self.addresses]

    @property
    def url(self) -> str:
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"


def format_address(host: str, port: int) -> str:
    """``host:port``, with an IPv6 host in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


ReadyCallback = Callable[[], None]


class Backend:
    """One serving back-end; subclasses set the class attributes and implement ``run``."""

    name: ClassVar[str]
    requires: ClassVar[str]  # the top-level module of the server package
    install_hint: ClassVar[str]  # what to run when that module is missing
    multiprocess: ClassVar[bool] = False
    threaded: ClassVar[bool] = True  # False: one thread per process (the default --threads is 1)
    several_addresses: ClassVar[bool] = True  # False: one --listen address only

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
        if options.more_addresses and not self.several_addresses:
            raise BackendError(
                f"{self.name} listens on one address; use --server cheroot or gunicorn for several"
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
    """cheroot's threaded HTTP server: one process, a pool of ``threads`` workers per address."""

    name = "cheroot"
    requires = "cheroot"
    install_hint = "pip install modpython-wsgi"

    def run(self, options: ServeOptions, ready: ReadyCallback) -> None:
        from ._engine import process_cleanups

        set_process_model(1, options.threads)
        engine = wsgi_entry.build_engine(options.config_path, options.defines)
        servers = CherootServers(engine, options.threads)
        # Signals are caught before the ports open: from then on a client may see the
        # server up, and a stop request must end in servers.stop() (their worker threads
        # would otherwise keep the process alive).
        with _stop_event_on_signals() as stop:
            try:
                for host, port in options.addresses:
                    # Binds and listens: an OSError here means the address is taken.
                    servers.listen_on((host, port))
                servers.start()
                ready()
                # Wake up now and then so a serve loop that died does not leave us waiting.
                while servers.all_alive() and not stop.wait(0.5):
                    pass
            finally:
                servers.stop()
        process_cleanups.run_all()


class CherootServers:
    """One cheroot server per listening address, all calling the same engine.

    An address is either ``(host, port)``, bound here, or an already bound and listening
    socket (the daemon's master binds them once and its workers inherit them, so a
    restart never closes the port).
    """

    def __init__(self, app, threads: int, shutdown_timeout: float = 5.0):
        self.app = app
        self.threads = threads
        self.shutdown_timeout = shutdown_timeout
        self.servers: list = []
        self._threads: list[threading.Thread] = []

    def listen_on(self, address) -> None:
        """Bind (or adopt) ``address`` and start listening; OSError when it is taken."""
        from cheroot import wsgi

        from ._engine.connection_server import connection_server_for

        # An address whose server has a PythonConnectionHandler is not HTTP: a raw listener.
        server = connection_server_for(self.app, address, self.threads)
        if server is None and isinstance(address, socket.socket):
            server = _adopting_server_type()(
                address, self.app, numthreads=self.threads,
                server_name=getattr(self.app, "settings", None) and self.app.settings.server_name,
            )  # fmt: skip
        elif server is None:
            server = wsgi.Server(
                address, self.app, numthreads=self.threads,
                # cheroot's SERVER_NAME in the environ
                server_name=getattr(self.app, "settings", None) and self.app.settings.server_name,
            )  # fmt: skip
        server.shutdown_timeout = self.shutdown_timeout
        try:
            server.prepare()
        except BaseException:
            self._stop_one(server)
            raise
        self.servers.append(server)

    def start(self) -> None:
        for server in self.servers:
            thread = threading.Thread(target=server.serve, name="cheroot", daemon=True)
            thread.start()
            self._threads.append(thread)

    def all_alive(self) -> bool:
        return all(thread.is_alive() for thread in self._threads)

    def stop(self, timeout: float | None = None) -> None:
        """Stop accepting, let requests in progress finish (``timeout`` seconds at most)."""
        if timeout is not None:
            for server in self.servers:
                server.shutdown_timeout = timeout
        # One stopper per server, so the waits for requests in progress overlap.
        stoppers = [
            threading.Thread(target=self._stop_one, args=(server,), daemon=True)
            for server in self.servers
        ]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=(timeout if timeout is not None else self.shutdown_timeout) + 5)
        for thread in self._threads:
            thread.join(timeout=1)

    @staticmethod
    def _stop_one(server) -> None:
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - a server that never started has nothing to stop
            pass


_ADOPTING_SERVER = None


def _adopting_server_type():
    """cheroot's WSGI server, taught to use a listening socket it is handed (made once)."""
    global _ADOPTING_SERVER
    if _ADOPTING_SERVER is None:
        from cheroot import wsgi

        class AdoptingServer(wsgi.Server):
            """Serves on an inherited, already listening socket instead of binding one."""

            def __init__(self, listening: socket.socket, *args, **kwargs):
                super().__init__(listening.getsockname()[:2], *args, **kwargs)
                self._listening = listening

            def bind(self, family, type, proto=0):  # noqa: A002 - cheroot's signature
                # prepare() calls this in place of creating, binding and listening.
                self.socket = self._listening

        _ADOPTING_SERVER = AdoptingServer
    return _ADOPTING_SERVER


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
                    "bind": options.bind_addresses,
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
                return TcpNoDelay(wsgi_entry.build_engine(options.config_path, options.defines))

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


class TcpNoDelay:
    """Turns Nagle's algorithm off on each gunicorn connection, as httpd does on all of its.

    gunicorn leaves it on. A streamed response (the headers, each flushed chunk, the last
    chunk: several small writes, as a handler's ``req.write`` makes) then waits for the
    client's delayed ACK between writes: a hello-world handler drops from ~6,400 to ~2,300
    requests/s with wrk. Each connection's socket is set once (gthread keeps it between
    requests); a Unix socket has no Nagle and is left alone.
    """

    def __init__(self, app):
        self.app = app
        self._set = weakref.WeakSet()

    def __call__(self, environ: dict, start_response):
        sock = environ.get("gunicorn.socket")
        if sock is not None and sock not in self._set:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except (OSError, AttributeError):
                pass  # not a TCP socket
            self._set.add(sock)
        return self.app(environ, start_response)


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
    several_addresses = False

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
        if "target_loader" in inspect.signature(server.serve).parameters:
            # Each worker loads the engine through granian_worker, which also gives it a
            # leaner environ than granian's (see that module).
            server.serve(target_loader=granian_worker.load_engine)
        else:
            server.serve()


class BjoernBackend(Backend):
    """bjoern (optional): a C server on libev, one single-threaded event loop per process.

    The fastest back-end for handlers that answer quickly: no thread hand-offs, no GIL
    contention. Each of the ``processes`` workers builds its engine after the fork and
    opens its own listening socket (SO_REUSEPORT, so the kernel spreads connections
    evenly); one slow request holds up the other connections of its worker. bjoern keeps
    each request body in memory, has no read timeouts and does not answer requests
    pipelined behind another on the same connection: put a proxy in front on the open
    internet (docs/serving.md).
    """

    name = "bjoern"
    requires = "bjoern"
    install_hint = (
        "pip install modpython-wsgi[bjoern] (building it needs libev: apt-get install libev-dev)"
    )
    multiprocess = True
    threaded = False
    several_addresses = False

    def check(self, options: ServeOptions) -> None:
        super().check(options)
        if options.threads > 1:
            raise BackendError(
                "bjoern runs one thread per process; use --processes N to serve N requests "
                "at a time"
            )
        if ":" in options.host:
            raise BackendError("bjoern listens on IPv4 addresses only")

    def run(self, options: ServeOptions, ready: ReadyCallback) -> None:
        from . import prefork
        from ._engine import process_cleanups

        def make_app():
            set_process_model(options.processes, 1)
            # The write callable and response framing bjoern lacks: see bjoern_app.
            return BjoernApplication(wsgi_entry.build_engine(options.config_path, options.defines))

        try:
            serve_on_bjoern(options.host, options.port, options.processes, make_app, ready,
                            on_exit=process_cleanups.run_all)  # fmt: skip
        except prefork.WorkerFailed as failure:
            raise BackendError(str(failure)) from None


def serve_on_bjoern(
    host: str,
    port: int,
    processes: int,
    make_app: Callable[[], object],
    ready: ReadyCallback,
    on_exit: Callable[[], None] | None = None,
) -> None:
    """Serve ``make_app()`` (called in each worker, after the fork) on ``processes`` bjoern
    workers until SIGINT or SIGTERM; ``prefork.WorkerFailed`` when they cannot start."""
    import bjoern

    from . import prefork

    # Binding here first reports a port that is taken before any worker starts, and holds
    # the port for the workers (their sockets join this one's SO_REUSEPORT group).
    reuse_port = hasattr(socket, "SO_REUSEPORT")
    held = bjoern_socket(host, port, reuse_port, listen=not reuse_port)

    def serve_one_worker(announce_ready: Callable[[], None]) -> None:
        app = make_app()
        listening = bjoern_socket(host, port, reuse_port) if reuse_port else held
        if reuse_port:
            held.close()
        announce_ready()
        try:
            bjoern.server_run(listening, app)
        except KeyboardInterrupt:
            # bjoern's way to end after SIGINT: it stops accepting, answers the requests in
            # progress, waits for open connections to close, then raises this.
            pass
        finally:
            listening.close()

    supervisor = prefork.Prefork(
        processes, serve_one_worker, on_exit=on_exit, grace=BJOERN_GRACE, name="bjoern"
    )
    try:
        with _stop_event_on_signals() as stop:
            supervisor.run(ready, stop)
    finally:
        held.close()


# Seconds a stopping bjoern worker gets to answer what it is serving (cheroot's
# shutdown_timeout is the same); an idle keep-alive connection would keep it waiting.
BJOERN_GRACE = 5.0


def bjoern_socket(host: str, port: int, reuse_port: bool, listen: bool = True) -> socket.socket:
    """An IPv4 listening socket as bjoern wants it: non-blocking, Nagle off (accepted
    connections inherit TCP_NODELAY, so a streamed response is not held back by the
    client's delayed ACK), joined to the port's SO_REUSEPORT group when asked."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(1024)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


BACKENDS: dict[str, type[Backend]] = {
    backend.name: backend
    for backend in (CherootBackend, GunicornBackend, GranianBackend, BjoernBackend)
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
    "CherootServers",
    "bjoern_socket",
    "serve_on_bjoern",
    "ServeOptions",
    "format_address",
    "get_backend",
]
