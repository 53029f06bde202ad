"""A small pre-fork supervisor, for back-ends whose server runs one event loop per process.

The supervisor forks ``processes`` workers, each of which builds what it serves and opens
its own listening socket, then says it is ready over a pipe. Once all are ready the
supervisor calls ``ready()`` and watches them: a worker that dies is replaced. A worker
that dies before it is ready (a config error, a port it cannot open) stops the whole
server with ``WorkerFailed``.

Stopping goes through a "lifeline" pipe whose write end only the supervisor holds: when
it closes it (on a stop request, or because it died), every worker sees end-of-file in a
watcher thread, sends itself ``stop_signal`` (the server's own way to finish the requests
in progress and stop), and gives it ``grace`` seconds. An event-loop server also waits for
idle keep-alive connections to close, which may be never; past the grace time the watcher
ends the worker itself. Either way ``on_exit`` (child-exit cleanups) runs once before the
worker exits, as when an httpd child ends. Workers the supervisor still sees after that
are killed.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable

# Run in the worker, after the fork; it calls its argument once it listens, then serves
# until the stop signal and returns.
WorkerMain = Callable[[Callable[[], None]], None]

# Workers that keep dying within this many seconds of their start are not restarted forever.
QUICK_DEATH = 1.0
QUICK_DEATHS_ALLOWED = 5


class WorkerFailed(Exception):
    """A worker ended before it was ready, or kept dying as soon as it was replaced."""


class Prefork:
    def __init__(self, processes: int, worker_main: WorkerMain, *,
                 stop_signal: int = signal.SIGINT, grace: float = 10.0,
                 on_exit: Callable[[], None] | None = None, start_timeout: float = 120.0,
                 name: str = "worker") -> None:  # fmt: skip
        self.processes = processes
        self.worker_main = worker_main
        self.stop_signal = stop_signal
        self.grace = grace
        self.on_exit = on_exit
        self.start_timeout = start_timeout
        self.name = name
        self.workers: dict[int, float] = {}  # pid -> when it was started
        self._lifeline: tuple[int, int] | None = None  # (read end, write end)

    def run(self, ready: Callable[[], None], stop: threading.Event) -> None:
        """Serve until ``stop`` is set; every worker is gone when this returns."""
        self._lifeline = os.pipe()
        try:
            self._start_all()
            ready()
            self._watch(stop)
        finally:
            self._stop_all()

    # ---- starting ----------------------------------------------------------------------------

    def _start_all(self) -> None:
        reader, writer = os.pipe()
        try:
            for _ in range(self.processes):
                self._fork(ready_fd=writer, close_in_child=(reader,))
            os.close(writer)
            writer = -1
            self._wait_until_ready(reader)
        finally:
            os.close(reader)
            if writer >= 0:
                os.close(writer)

    def _fork(self, ready_fd: int | None, close_in_child: tuple[int, ...] = ()) -> None:
        pid = os.fork()
        if pid:
            self.workers[pid] = time.monotonic()
            return
        self._worker_process(ready_fd, close_in_child)  # never returns

    def _wait_until_ready(self, reader: int) -> None:
        """Read one byte per worker; fail if a worker dies first or none comes in time."""
        waiting = self.processes
        deadline = time.monotonic() + self.start_timeout
        while waiting:
            readable, _, _ = select.select([reader], [], [], 0.1)
            if readable:
                got = os.read(reader, waiting)
                waiting -= len(got)
                if not got and waiting:  # every write end closed: someone left silently
                    self._raise_for_dead_worker()
                continue
            self._raise_for_dead_worker()
            if time.monotonic() > deadline:
                raise WorkerFailed(
                    f"{self.name} workers did not start listening within {self.start_timeout:g} s"
                )

    def _raise_for_dead_worker(self) -> None:
        for pid, status, _ in self._reap():
            raise WorkerFailed(
                f"{self.name} worker {pid} ended with {describe_exit(status)} before it was ready "
                "(its error is above)"
            )

    # ---- in the worker ------------------------------------------------------------------

    def _worker_process(self, ready_fd: int | None, close_in_child: tuple[int, ...]) -> None:
        status = 0
        finished = threading.Lock()
        try:
            # The supervisor's handlers only set its own stop event. A worker gets Python's
            # usual ones back: SIGINT raises KeyboardInterrupt (what bjoern's loop relies
            # on; with SIG_DFL it crashes), SIGTERM ends the process.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            lifeline, supervisor_end = self._lifeline
            for fd in (*close_in_child, supervisor_end):
                os.close(fd)
            threading.Thread(
                target=self._wait_for_stop, args=(lifeline, finished), daemon=True
            ).start()

            def announce_ready() -> None:
                if ready_fd is not None:
                    os.write(ready_fd, b"r")
                    os.close(ready_fd)

            self.worker_main(announce_ready)
        except KeyboardInterrupt:
            pass  # the stop signal arrived outside the server's own loop: a clean stop
        except BaseException:  # noqa: BLE001 - reported here, the supervisor sees the status
            traceback.print_exc()
            status = 1
        self._exit_worker(finished, status)

    def _wait_for_stop(self, lifeline: int, finished: threading.Lock) -> None:
        """The watcher thread: on end-of-file, stop the server, then end it if it lingers."""
        while os.read(lifeline, 1):
            pass
        os.kill(os.getpid(), self.stop_signal)
        time.sleep(self.grace)
        self._exit_worker(finished, 0)

    def _exit_worker(self, finished: threading.Lock, status: int) -> None:
        """Run ``on_exit`` once (whichever thread comes first) and end the process."""
        finished.acquire()  # the second thread here waits for the first to end the process
        try:
            if self.on_exit is not None:
                self.on_exit()
        except BaseException:  # noqa: BLE001 - the worker is ending either way
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)

    # ---- watching and stopping ------------------------------------------------------------

    def _watch(self, stop: threading.Event) -> None:
        quick_deaths = 0
        while not stop.wait(0.2):
            for pid, status, started in self._reap():
                quick_deaths = quick_deaths + 1 if time.monotonic() - started < QUICK_DEATH else 0
                if quick_deaths > QUICK_DEATHS_ALLOWED:
                    raise WorkerFailed(
                        f"{self.name} workers keep dying as soon as they start (the last, "
                        f"{pid}, ended with {describe_exit(status)})"
                    )
                print(f"mod_python: {self.name} worker {pid} ended with {describe_exit(status)}; starting "
                      "another", file=sys.stderr, flush=True)  # fmt: skip
                self._fork(ready_fd=None)

    def _stop_all(self) -> None:
        if self._lifeline is not None:
            for fd in self._lifeline:  # end-of-file for every worker: stop
                os.close(fd)
            self._lifeline = None
        deadline = time.monotonic() + self.grace + 5  # the workers' own grace, and then some
        while self.workers and time.monotonic() < deadline:
            if not self._reap():
                time.sleep(0.05)
        for pid in list(self.workers):
            signal_if_alive(pid, signal.SIGKILL)
        while self.workers:
            pid, _ = os.waitpid(next(iter(self.workers)), 0)
            self.workers.pop(pid, None)

    def _reap(self) -> list[tuple[int, int, float]]:
        """The workers that have ended since the last call: (pid, wait status, start time)."""
        ended = []
        for pid in list(self.workers):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                ended.append((pid, status, self.workers.pop(pid)))
        return ended


def signal_if_alive(pid: int, number: int) -> None:
    """Send ``number`` to ``pid``; a process already gone is not an error."""
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


def describe_exit(status: int) -> str:
    """A wait status in words: ``status 1``, ``signal 9``."""
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"status {os.waitstatus_to_exitcode(status)}"


__all__ = ["Prefork", "WorkerFailed", "WorkerMain", "describe_exit", "signal_if_alive"]
