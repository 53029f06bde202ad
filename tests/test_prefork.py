"""The pre-fork supervisor: workers started and awaited, replaced when they die, stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mod_python import prefork


def pids_in(directory) -> set[int]:
    return {int(path.name) for path in directory.iterdir() if path.name.isdigit()}


def wait_for(condition, deadline: float = 10.0) -> None:
    end = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.02)


def alive(pid: int) -> bool:
    """Running: neither gone nor a zombie waiting for its parent to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def recording_worker(directory, *, ignore_stop: bool = False):
    """A worker that records its pid, says it is ready, and serves until SIGINT."""

    def main(announce_ready) -> None:
        stopped = threading.Event()
        if ignore_stop:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        else:
            signal.signal(signal.SIGINT, lambda *_: stopped.set())
        (directory / str(os.getpid())).write_text("")
        announce_ready()
        while not stopped.wait(0.05):
            pass

    return main


class Supervised:
    """A supervisor run in a thread, as ``serve`` runs it; started once its workers are ready."""

    def __init__(self, supervisor: prefork.Prefork):
        self.supervisor = supervisor
        self.stop_event = threading.Event()
        ready = threading.Event()
        self.failure: list[BaseException] = []

        def target() -> None:
            try:
                supervisor.run(ready.set, self.stop_event)
            except BaseException as error:  # noqa: BLE001 - handed to the test
                self.failure.append(error)

        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()
        assert ready.wait(20), self.failure

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(20)
        assert not self.thread.is_alive() and not self.failure


def test_ready_is_called_once_every_worker_listens_and_stop_ends_them(tmp_path):
    running = Supervised(prefork.Prefork(3, recording_worker(tmp_path), grace=5))
    pids = pids_in(tmp_path)
    assert len(pids) == 3  # each announced only after recording itself
    running.stop()
    assert not any(alive(pid) for pid in pids)


def test_a_worker_that_dies_while_serving_is_replaced(tmp_path):
    running = Supervised(prefork.Prefork(2, recording_worker(tmp_path), grace=5))
    first = pids_in(tmp_path)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(pids_in(tmp_path)) == 3)
    replacement = (pids_in(tmp_path) - first).pop()
    workers = set(running.supervisor.workers)
    assert alive(replacement) and workers == first - {victim} | {replacement}
    running.stop()
    assert not alive(replacement)


def test_a_worker_failing_before_it_is_ready_stops_the_server_with_its_status(tmp_path):
    def broken(announce_ready) -> None:
        raise RuntimeError("no such config")

    supervisor = prefork.Prefork(2, broken, grace=5, name="test")
    with pytest.raises(prefork.WorkerFailed, match=r"test worker \d+ ended with status 1 before"):
        supervisor.run(lambda: pytest.fail("ready without workers"), threading.Event())
    assert supervisor.workers == {}


def exit_recorder(directory):
    """An on_exit hook that leaves a file named for the worker that ran it."""
    exits = directory / "exits"
    exits.mkdir()
    return exits, lambda: (exits / str(os.getpid())).write_text("")


def test_on_exit_runs_once_in_each_worker_that_stops(tmp_path):
    pids = tmp_path / "pids"
    pids.mkdir()
    exits, on_exit = exit_recorder(tmp_path)
    Supervised(prefork.Prefork(2, recording_worker(pids), grace=5, on_exit=on_exit)).stop()
    assert pids_in(exits) == pids_in(pids)


def test_a_worker_still_serving_after_the_grace_time_ends_itself_with_its_cleanups(tmp_path):
    pids = tmp_path / "pids"
    pids.mkdir()
    exits, on_exit = exit_recorder(tmp_path)
    worker = recording_worker(pids, ignore_stop=True)  # like bjoern with an idle connection
    running = Supervised(prefork.Prefork(1, worker, grace=0.5, on_exit=on_exit))
    (pid,) = pids_in(pids)
    started = time.monotonic()
    running.stop()
    assert not alive(pid) and time.monotonic() - started >= 0.5
    assert pids_in(exits) == {pid}


def test_workers_stop_when_the_supervisor_dies(tmp_path):
    """The lifeline's end-of-file also comes when the supervisor is killed outright."""
    script = tmp_path / "supervise.py"
    script.write_text(
        "import os, sys, threading\n"
        "sys.path[:0] = [%r]\n"
        "from test_prefork import recording_worker\n"
        "from pathlib import Path\n"
        "from mod_python import prefork\n"
        "directory = Path(sys.argv[1])\n"
        "prefork.Prefork(2, recording_worker(directory), grace=5).run(\n"
        "    lambda: (directory / 'ready').write_text(''), threading.Event())\n"
        % str(Path(__file__).parent)
    )
    pids = tmp_path / "pids"
    pids.mkdir()
    supervisor = subprocess.Popen([sys.executable, str(script), str(pids)])
    try:
        wait_for((pids / "ready").exists, deadline=30)
        workers = {int(name) for name in os.listdir(pids) if name.isdigit()}
        assert len(workers) == 2
        os.kill(supervisor.pid, signal.SIGKILL)
        supervisor.wait(10)
        wait_for(lambda: not any(alive(pid) for pid in workers), deadline=10)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def test_workers_that_keep_dying_at_once_are_not_replaced_forever(tmp_path, monkeypatch):
    monkeypatch.setattr(prefork, "QUICK_DEATHS_ALLOWED", 2)
    marker = tmp_path / "first-ready"

    def dies_once_ready(announce_ready) -> None:
        announce_ready()
        if not marker.exists():
            marker.write_text("")
            time.sleep(2)  # the first worker outlives the start-up, then all die at once
        os._exit(3)

    supervisor = prefork.Prefork(1, dies_once_ready, grace=1)
    with pytest.raises(prefork.WorkerFailed, match="keep dying as soon as they start"):
        supervisor.run(lambda: None, threading.Event())
