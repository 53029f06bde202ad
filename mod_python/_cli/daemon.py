"""Daemon mode: ``start``, ``stop``, ``restart`` and ``graceful`` over the config's PidFile.

A *master* process binds every ``Listen`` address once and forks *workers*: each builds
the engine from the configuration the master loaded and serves the inherited sockets with
cheroot. The master never runs handler code; it only waits for signals and children.

    TERM, INT  stop: workers finish the requests in progress (GRACEFUL_TIMEOUT at most),
               run their child-exit cleanups, exit; then the master removes the PidFile
    USR1       graceful restart: reread the config, start new workers on the same sockets,
               let the old ones finish their requests in progress and exit
    HUP        restart: reread the config, start new workers, stop the old ones at once

Because the sockets belong to the master, a restart never closes a port: connections
arriving meanwhile wait in the listen backlog for a new worker.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import signal
import socket
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

from .._engine.config.parser import ConfigError
from .._engine.config.server import ServerSettings, load_config_file
from .._engine.constants import APLOG_ERR, APLOG_NOTICE, APLOG_WARNING
from .._engine.logs import ErrorLog, level_from_name
from ..backends import format_address
from ..prefork import describe_exit, signal_if_alive
from .addresses import Address, listen_addresses

GRACEFUL_TIMEOUT = 10.0  # seconds a stopping worker gives the requests in progress
START_TIMEOUT = 60.0  # seconds `start` waits for the workers to be serving
STOP_TIMEOUT = 30.0  # seconds `stop` waits for the master before killing its process group
MASTER_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGCHLD)
NOT_A_FILE_LOGS = ("", "stderr", "/dev/stderr")


class DaemonError(Exception):
    """A daemon command cannot go on; the message is for the user."""


@dataclass(frozen=True)
class DaemonOptions:
    """How to run a config in daemon mode."""

    config_path: str
    defines: tuple[str, ...] = ()
    processes: int = 1
    threads: int = 10
    detach: bool = True  # False: run the master in the foreground (httpd -X, tests)


# ---- the pid file ---------------------------------------------------------------------------


def read_pid_file(path: str) -> int | None:
    """The pid written in ``path``; None when the file is missing or holds no number."""
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            text = handle.read().strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DaemonError(f"cannot read pid file {path}: {error.strerror}") from None
    return int(text) if text.isdigit() and int(text) > 0 else None


def process_is_running(pid: int) -> bool:
    """True when ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rpartition(")")[2].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


@dataclass
class Status:
    """What the pid file says about a config's server."""

    pid_file: str
    pid: int | None  # the pid written in the file
    running: bool

    @property
    def stale(self) -> bool:
        return self.pid is not None and not self.running

    def describe(self) -> str:
        if self.running:
            return f"mod_python (pid {self.pid}) already running"
        if self.pid is None:
            return "mod_python (no pid file) not running"
        return f"mod_python (pid {self.pid}?) not running"


def status_of(settings: ServerSettings) -> Status:
    pid = read_pid_file(settings.pid_file)
    return Status(settings.pid_file, pid, pid is not None and process_is_running(pid))


def _write_pid_file(path: str, pid: int) -> None:
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temporary = f"{path}.{pid}.tmp"
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(f"{pid}\n")
    os.replace(temporary, path)


def _remove_pid_file(path: str, pid: int) -> None:
    """Remove ``path`` if it still names ``pid`` (a newer server may have replaced it)."""
    try:
        if read_pid_file(path) == pid:
            os.unlink(path)
    except (OSError, DaemonError):
        pass


# ---- sockets ----------------------------------------------------------------------------------


def bind_sockets(addresses: Sequence[Address]) -> dict[Address, socket.socket]:
    """Bind and listen on every address; OSError (naming the address) when one is taken."""
    bound: dict[Address, socket.socket] = {}
    try:
        for address in addresses:
            bound[address] = _bind(address)
    except OSError:
        for sock in bound.values():
            sock.close()
        raise
    return bound


def _bind(address: Address) -> socket.socket:
    host, port = address
    try:
        infos = socket.getaddrinfo(
            host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        raise OSError(errno.EADDRNOTAVAIL, f"cannot listen on {format_address(host, port)}: "
                      f"{error.strerror}") from None  # fmt: skip
    family, kind, proto, _, sockaddr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and host in ("::", ""):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(sockaddr)
        sock.listen(socket.SOMAXCONN)
    except OSError as error:
        sock.close()
        raise OSError(
            error.errno, f"cannot listen on {format_address(host, port)}: {error.strerror}"
        ) from None
    sock.set_inheritable(True)
    return sock


# ---- start ----------------------------------------------------------------------------------


def load(options: DaemonOptions) -> ServerSettings:
    """The config's settings; ConfigError / DaemonError with a message for the user."""
    try:
        return load_config_file(options.config_path, set(options.defines))
    except OSError as error:
        raise DaemonError(f"cannot read {options.config_path}: {error.strerror or error}") from None


def start(options: DaemonOptions, settings: ServerSettings, say=print) -> int:
    """Start the server described by ``settings``; return the exit status for the command.

    Refuses (status 1) when the pid file names a running server; a stale pid file is
    replaced. Detached, it returns once the workers serve (0) or failed to (1).
    """
    status = status_of(settings)
    if status.running:
        say(status.describe(), file=sys.stderr)
        return 1
    if status.stale:
        say(
            f"mod_python: removing stale pid file {settings.pid_file} (pid {status.pid} is not "
            f"running)",
            file=sys.stderr,
        )
        _remove_pid_file(settings.pid_file, status.pid)
    try:
        addresses = listen_addresses(settings)
    except ValueError as error:
        raise DaemonError(str(error)) from None
    sockets = bind_sockets(addresses)  # OSError: the caller reports it
    master = Master(options, settings, sockets)
    if not options.detach:
        return master.run(notify_fd=None)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the daemon
        code = 1
        try:
            os.close(read_end)
            os.setsid()
            if os.fork() != 0:
                os._exit(0)
            # A group of its own, led by the master (as Apache's parent leads its children):
            # `stop` can then kill the master and every worker with killpg(master pid).
            os.setpgid(0, 0)
            _detach_stdio(settings)
            code = master.run(notify_fd=write_end)
        except BaseException:  # noqa: BLE001 - the daemon must never return into the caller
            traceback.print_exc()
        finally:
            _exit(code)
    os.close(write_end)
    for sock in sockets.values():
        sock.close()
    os.waitpid(child, 0)
    report = _read_report(read_end, START_TIMEOUT)
    os.close(read_end)
    word, _, rest = report.partition(" ")
    if word == "ready":
        where = ", ".join(format_address(*address) for address in addresses)
        say(f"mod_python started (pid {rest.strip()}), listening on {where}")
        return 0
    if word == "error":
        say(f"mod_python: {rest.strip()}", file=sys.stderr)
    else:
        say(
            f"mod_python: the server did not report that it is serving within "
            f"{START_TIMEOUT:.0f} s; see {error_log_path(settings) or 'the error log'}",
            file=sys.stderr,
        )
    return 1


def _read_report(fd: int, timeout: float) -> str:
    """What the daemon wrote to the start pipe, up to a newline, EOF or ``timeout``."""
    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").split("\n", 1)[0]


def error_log_path(settings: ServerSettings) -> str | None:
    """The error log file, or None when the log is not a plain file (stderr, pipe, syslog)."""
    path = settings.error_log
    if path in NOT_A_FILE_LOGS or path.startswith(("|", "syslog")):
        return None
    return path


def _detach_stdio(settings: ServerSettings) -> None:  # pragma: no cover - runs in the daemon
    """stdin from /dev/null; stdout and stderr (prints, tracebacks) to the error log file."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    path = error_log_path(settings)
    target = null
    if path is not None:
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            target = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError:
            target = null
    os.dup2(target, 1)
    os.dup2(target, 2)
    if target != null:
        os.close(target)
    os.close(null)
    # Relative paths the engine did not resolve are taken from ServerRoot, as in httpd.
    root = settings.server_root or os.path.dirname(os.path.abspath(settings.pid_file))
    try:
        os.chdir(root)
    except OSError:
        os.chdir("/")


def _exit(code: int) -> None:  # pragma: no cover - runs in forked processes
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001, S110 - nothing left to report to
            pass
    os._exit(code)


# ---- stop, restart --------------------------------------------------------------------------


def stop(settings: ServerSettings, timeout: float = STOP_TIMEOUT, say=print) -> int:
    """Stop the server: SIGTERM to the master, wait, then SIGKILL its process group."""
    status = status_of(settings)
    if not status.running:
        say(status.describe())
        if status.stale:
            _remove_pid_file(settings.pid_file, status.pid)
        return 0
    pid = status.pid
    os.kill(pid, signal.SIGTERM)
    if _wait_for_exit(pid, settings.pid_file, timeout):
        say(f"mod_python (pid {pid}) stopped")
        return 0
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _wait_for_exit(pid, settings.pid_file, 5.0)
    _remove_pid_file(settings.pid_file, pid)
    say(f"mod_python (pid {pid}) did not stop within {timeout:g} s: killed", file=sys.stderr)
    return 0


def _wait_for_exit(pid: int, pid_file: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_is_running(pid):
            return True
        if read_pid_file(pid_file) != pid and not process_is_running(pid):
            return True
        time.sleep(0.05)
    return not process_is_running(pid)


def restart(options: DaemonOptions, settings: ServerSettings, graceful: bool, say=print) -> int:
    """Signal a running master to restart (USR1 graceful, HUP immediate); start if stopped."""
    status = status_of(settings)
    if not status.running:
        say("mod_python not running, trying to start", file=sys.stderr)
        return start(options, settings, say)
    os.kill(status.pid, signal.SIGUSR1 if graceful else signal.SIGHUP)
    kind = "graceful restart" if graceful else "restart"
    say(f"mod_python (pid {status.pid}): {kind} requested")
    return 0


# ---- the master ---------------------------------------------------------------------------


@dataclass
class Worker:
    pid: int
    generation: int
    started: float
    ready: bool = False


@dataclass
class Master:
    """The process that owns the sockets and the pid file and keeps the workers running."""

    options: DaemonOptions
    settings: ServerSettings
    sockets: dict[Address, socket.socket]
    workers: dict[int, Worker] = field(default_factory=dict)
    generation: int = 1

    def run(self, notify_fd: int | None) -> int:
        """Serve until told to stop; the status to exit with."""
        self.pid = os.getpid()
        self.notify_fd = notify_fd
        self.log = self._open_log(self.settings)
        self._wake_read, self._wake_write = _nonblocking_pipe()
        self._ready_read, self._ready_write = _nonblocking_pipe()
        self._ready_buffer = b""
        previous = {sig: signal.signal(sig, _note_signal) for sig in MASTER_SIGNALS}
        previous_wakeup = signal.set_wakeup_fd(self._wake_write)
        try:
            try:
                _write_pid_file(self.settings.pid_file, self.pid)
            except OSError as error:
                self._notify(f"error cannot write the pid file {self.settings.pid_file}: "
                             f"{error.strerror}")  # fmt: skip
                return 1
            self.log.write(
                f"mod_python daemon configured -- resuming normal operations "
                f"(config {self.options.config_path}, {self.options.processes} x "
                f"{self.options.threads} threads)",
                APLOG_NOTICE,
                module="mpm_mod_python",
            )
            for _ in range(self.options.processes):
                self._spawn()
            return self._loop()
        finally:
            signal.set_wakeup_fd(previous_wakeup)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            for fd in (self._wake_read, self._wake_write, self._ready_read, self._ready_write):
                os.close(fd)
            for sock in self.sockets.values():
                sock.close()
            _remove_pid_file(self.settings.pid_file, self.pid)

    def _open_log(self, settings: ServerSettings) -> ErrorLog:
        path = error_log_path(settings)
        try:
            level = max(level_from_name(settings.log_level), APLOG_NOTICE)
        except ValueError:
            level = APLOG_NOTICE
        return ErrorLog(path, level) if path else ErrorLog(None, level)

    def _note(self, message: str, level: int = APLOG_NOTICE) -> None:
        self.log.write(message, level, module="mpm_mod_python")

    # ---- the loop --------------------------------------------------------------------------

    def _loop(self) -> int:
        notified = self.notify_fd is None
        while True:
            try:
                readable, _, _ = select.select([self._wake_read, self._ready_read], [], [], 1.0)
            except InterruptedError:
                readable = []
            signals = self._drain_signals() if self._wake_read in readable else []
            if self._ready_read in readable:
                self._read_ready_reports()
            failed = self._reap()
            if not notified:
                first = [w for w in self.workers.values() if w.generation == 1]
                if failed and any(w.generation == 1 for w in failed):
                    self._notify(
                        "error a worker exited before serving; see "
                        f"{error_log_path(self.settings) or 'the error log'}"
                    )
                    self._stop_workers(list(self.workers.values()), graceful=False)
                    return 1
                if first and all(w.ready for w in first):
                    self._notify(f"ready {self.pid}")
                    notified = True
            for sig in signals:
                if sig in (signal.SIGTERM, signal.SIGINT):
                    name = "SIGTERM" if sig == signal.SIGTERM else "SIGINT"
                    self._note(f"caught {name}, shutting down")
                    self._stop_workers(list(self.workers.values()), graceful=True)
                    if not notified:
                        self._notify("error stopped before serving")
                    return 0
                if sig in (signal.SIGHUP, signal.SIGUSR1):
                    self._restart(graceful=sig == signal.SIGUSR1)
            self._respawn_missing()

    def _notify(self, message: str) -> None:
        if self.notify_fd is None:
            return
        try:
            os.write(self.notify_fd, (message + "\n").encode())
            os.close(self.notify_fd)
        except OSError:
            pass
        self.notify_fd = None

    def _drain_signals(self) -> list[int]:
        received: list[int] = []
        while True:
            try:
                data = os.read(self._wake_read, 256)
            except BlockingIOError:
                break
            if not data:
                break
            received.extend(data)
        # SIGCHLD only wakes the loop up; the reaping happens on every turn.
        return [sig for sig in received if sig != signal.SIGCHLD]

    def _read_ready_reports(self) -> None:
        while True:
            try:
                data = os.read(self._ready_read, 4096)
            except BlockingIOError:
                break
            if not data:
                break
            self._ready_buffer += data
        *lines, self._ready_buffer = self._ready_buffer.split(b"\n")
        for line in lines:
            text = line.decode("ascii", "replace").split()
            if len(text) == 2 and text[0].isdigit() and text[1] == "ready":
                worker = self.workers.get(int(text[0]))
                if worker is not None:
                    worker.ready = True

    def _reap(self) -> list[Worker]:
        """Collect exited workers; those that died unasked are returned."""
        died: list[Worker] = []
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            worker = self.workers.pop(pid, None)
            if worker is None:
                continue
            if worker.generation == self.generation:
                self._note(
                    f"child pid {pid} exit {describe_exit(status)}, starting a new one",
                    APLOG_WARNING
                    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status)
                    else APLOG_NOTICE,
                )
                died.append(worker)
        return died

    def _respawn_missing(self) -> None:
        current = [w for w in self.workers.values() if w.generation == self.generation]
        recent = [w for w in current if time.monotonic() - w.started < 1.0]
        # At most one new worker per second while they keep dying: no fork storm.
        if len(current) < self.options.processes and not (recent and not recent[-1].ready):
            self._spawn()

    # ---- workers ---------------------------------------------------------------------------

    def _spawn(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, MASTER_SIGNALS)
        try:
            pid = os.fork()
        except OSError as error:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            self._note(f"cannot fork a worker: {error}", APLOG_ERR)
            return
        if pid == 0:  # pragma: no cover - runs in the worker
            code = 1
            try:
                code = self._worker(blocked)
            except BaseException:  # noqa: BLE001 - a worker never returns into the master
                traceback.print_exc()
            finally:
                _exit(code)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.workers[pid] = Worker(pid, self.generation, time.monotonic())

    def _worker(self, blocked: set) -> int:  # pragma: no cover - runs in the worker
        signal.set_wakeup_fd(-1)
        for fd in (self._wake_read, self._wake_write, self._ready_read):
            os.close(fd)
        if self.notify_fd is not None:
            os.close(self.notify_fd)
        return run_worker(
            self.settings,
            list(self.sockets.values()),
            self.options.processes,
            self.options.threads,
            self._ready_write,
            blocked,
            master_pid=self.pid,
        )

    def _stop_workers(self, workers: list[Worker], graceful: bool) -> None:
        """Ask ``workers`` to stop; wait for them (bounded), then kill what is left."""
        for worker in workers:
            signal_if_alive(worker.pid, signal.SIGTERM if graceful else signal.SIGINT)
        deadline = time.monotonic() + (GRACEFUL_TIMEOUT if graceful else 1.0) + 5.0
        pending = {worker.pid for worker in workers}
        while pending and time.monotonic() < deadline:
            for pid in list(pending):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    pending.discard(pid)
                    self.workers.pop(pid, None)
            if pending:
                time.sleep(0.02)
        for pid in pending:
            self._note(f"child pid {pid} still did not exit, sending a SIGKILL", APLOG_ERR)
            signal_if_alive(pid, signal.SIGKILL)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            self.workers.pop(pid, None)

    def _restart(self, graceful: bool) -> None:
        kind = "Graceful restart" if graceful else "SIGHUP received.  Attempting to restart"
        self._note(f"{kind} requested, doing restart" if graceful else kind)
        try:
            settings = load_config_file(self.options.config_path, set(self.options.defines))
            addresses = listen_addresses(settings)
            sockets = {a: s for a, s in self.sockets.items() if a in addresses}
            sockets.update(bind_sockets([a for a in addresses if a not in self.sockets]))
        except (ConfigError, OSError, ValueError) as error:
            self._note(f"restart failed, still serving the previous configuration: {error}",
                       APLOG_ERR)  # fmt: skip
            return
        for address, sock in self.sockets.items():
            if address not in sockets:
                sock.close()
        old = list(self.workers.values())
        self.settings, self.sockets = settings, sockets
        self.log = self._open_log(settings)
        self.generation += 1
        if graceful:
            # The new workers take over the sockets; the old ones finish what they serve.
            for _ in range(self.options.processes):
                self._spawn()
            for worker in old:
                signal_if_alive(worker.pid, signal.SIGTERM)
        else:
            self._stop_workers(old, graceful=False)
            for _ in range(self.options.processes):
                self._spawn()
        self._note("mod_python daemon configured -- resuming normal operations")


def _note_signal(number, frame) -> None:
    """Python-level handler: the wakeup fd already carries the signal number."""


def _nonblocking_pipe() -> tuple[int, int]:
    read_end, write_end = os.pipe()
    for fd in (read_end, write_end):
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    return read_end, write_end


# ---- a worker -------------------------------------------------------------------------------


def run_worker(settings: ServerSettings, sockets: list[socket.socket], processes: int,
               threads: int, ready_fd: int, blocked: set, master_pid: int) -> int:  # fmt: skip
    """Serve ``sockets`` until SIGTERM (graceful) or SIGINT (at once); the exit status.

    Runs in a forked worker: builds the engine (handler code is imported here, never in
    the master), reports ``<pid> ready`` on ``ready_fd``, and runs the child-exit cleanups
    (``apache.register_cleanup``) before exiting.
    """
    from .._engine import process_cleanups
    from .._engine.app import Engine
    from .._engine.process_model import set_process_model
    from ..backends import CherootServers

    wake_read, wake_write = _nonblocking_pipe()
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGTERM, _note_signal)
    signal.signal(signal.SIGINT, _note_signal)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    set_process_model(processes, threads)
    engine = Engine(settings)
    servers = CherootServers(engine, threads, GRACEFUL_TIMEOUT)
    for sock in sockets:
        servers.listen_on(sock)
    servers.start()
    os.write(ready_fd, f"{os.getpid()} ready\n".encode())
    os.close(ready_fd)
    graceful = True
    while servers.all_alive():
        readable, _, _ = select.select([wake_read], [], [], 1.0)
        if not readable:
            if os.getppid() != master_pid:  # the master is gone: do not serve unsupervised
                break
            continue
        received = os.read(wake_read, 256)
        if signal.SIGINT in received:
            graceful = False
            break
        if signal.SIGTERM in received:
            break
    servers.stop(GRACEFUL_TIMEOUT if graceful else 0.5)
    process_cleanups.run_all()
    return 0


__all__ = [
    "DaemonError",
    "DaemonOptions",
    "GRACEFUL_TIMEOUT",
    "Master",
    "Status",
    "bind_sockets",
    "load",
    "read_pid_file",
    "restart",
    "start",
    "status_of",
    "stop",
]
