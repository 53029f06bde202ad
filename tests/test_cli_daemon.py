"""Daemon mode end to end, through the installed ``mod_python`` console script:
start -> request -> graceful restart with a request in flight -> restart -> stop, and the
error paths (missing file, bad directive, address in use, stale pid file, already running)."""

from __future__ import annotations

import os
import socket
import subprocess
import threading

import pytest
from cli.sites import get, kill_daemon, make_site, port_of, run, wait_for

from mod_python._cli import daemon


@pytest.fixture
def site(tmp_path):
    conf = make_site(tmp_path / "site")
    yield conf
    kill_daemon(tmp_path / "site" / "logs" / "httpd.pid")


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped): surely not running."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def worker_other_than(port: int, worker: int) -> int | None:
    """The pid of the worker that answered, if not ``worker`` (None for it or no answer)."""
    try:
        answered = int(get(port, timeout=15)[2].split()[0])
    except OSError:  # the connection went to a worker that was stopping
        return None
    return answered if answered != worker else None


def test_start_request_graceful_restart_stop(site):
    root = site.parent.parent
    pid_file = root / "logs" / "httpd.pid"
    pid_file.parent.mkdir()
    pid_file.write_text(f"{dead_pid()}\n")  # a stale pid file from an unclean shutdown
    port = port_of(site)

    started = run("start", str(site))
    assert started.returncode == 0, started.stderr
    assert "removing stale pid file" in started.stderr
    master = int(pid_file.read_text())
    assert started.stdout.startswith(f"mod_python started (pid {master}), listening on 127.0.0.1:")

    status, headers, body = get(port)
    assert status == 200 and "Python" in headers["server"]
    first_worker = int(body.split()[0])
    assert first_worker != master
    # The master leads the group of its workers: stop's last resort, killpg(master), ends all.
    assert os.getpgid(master) == os.getpgid(first_worker) == master

    again = run("start", str(site))
    assert again.returncode == 1
    assert f"mod_python (pid {master}) already running" in again.stderr

    # A graceful restart lets the request in progress finish on the old worker: it is held
    # until a new worker answers (the command only signals the master, which then starts
    # new workers and tells the old ones to finish; until then the old one may answer).
    slow: dict = {}
    request = threading.Thread(target=lambda: slow.update(reply=get(port, "/pid.py?slow")))
    request.start()
    wait_for((root / "slow_started").exists)
    graceful = run("graceful", str(site))
    assert graceful.returncode == 0, graceful.stderr
    second_worker = wait_for(lambda: worker_other_than(port, first_worker))
    (root / "slow_release").touch()
    request.join(timeout=20)
    assert slow["reply"][0] == 200 and int(slow["reply"][2].split()[0]) == first_worker
    assert second_worker not in (first_worker, master)

    restarted = run("restart", str(site))
    assert restarted.returncode == 0, restarted.stderr
    # A (non-graceful) restart drops what the old worker was serving, as Apache's does.
    wait_for(lambda: worker_other_than(port, second_worker))
    assert int(pid_file.read_text()) == master  # the master and its sockets stay

    stopped = run("stop", str(site))
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout == f"mod_python (pid {master}) stopped\n"
    assert not pid_file.exists()
    assert not daemon.process_is_running(master)
    with pytest.raises(OSError):
        get(port, timeout=2)
    log = (root / "logs" / "error_log").read_text()
    # apache.register_cleanup ran in every worker as it exited.
    for worker in (first_worker, second_worker):
        assert f"child exit cleanup ran in {worker}" in log
    assert "caught SIGTERM, shutting down" in log


def test_stop_when_not_running_says_so_and_succeeds(site):
    result = run("stop", str(site))
    assert result.returncode == 0
    assert result.stdout == "mod_python (no pid file) not running\n"


def test_start_with_a_missing_config_exits_1(tmp_path):
    result = run("start", str(tmp_path / "nowhere.conf"))
    assert result.returncode == 1
    assert result.stderr == (
        f"mod_python: cannot read {tmp_path / 'nowhere.conf'}: No such file or directory\n"
    )


def test_start_with_a_bad_directive_exits_1_with_file_and_line(site):
    site.write_text(site.read_text() + "PythonDebug maybe\n")
    line = len(site.read_text().splitlines())
    result = run("start", str(site))
    assert result.returncode == 1
    assert result.stderr.startswith(f"mod_python: {site}:{line}: PythonDebug")
    assert "Traceback" not in result.stderr
    assert not (site.parent.parent / "logs" / "httpd.pid").exists()


def test_start_on_an_address_in_use_exits_1(site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        site.write_text(site.read_text().replace(f":{port_of(site)}", f":{port}"))
        result = run("start", str(site))
    assert result.returncode == 1
    assert result.stderr.startswith(f"mod_python: cannot listen on 127.0.0.1:{port}: ")
    assert not (site.parent.parent / "logs" / "httpd.pid").exists()


def test_restart_checks_the_config_before_signalling(site):
    site.write_text(site.read_text() + "Frobnicate on\n")
    result = run("graceful", str(site))
    assert result.returncode == 1
    assert "Frobnicate" in result.stderr
