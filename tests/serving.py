"""Run a server command (``mod_python serve``, gunicorn ...) as a subprocess for a test.

The process listens on a free 127.0.0.1 port; start-up is awaited by polling the port
(with a deadline), and ``stop`` sends SIGTERM and waits, bounded, for a clean exit.
Output goes to files so a chatty server never blocks on a full pipe.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_CONF = REPO_ROOT / "examples" / "httpd.conf"
START_DEADLINE = 60.0  # seconds; generous for a loaded CI machine, only spent on failure
STOP_DEADLINE = 60.0  # likewise: a pre-fork server on a loaded machine may stop slowly
REPLY_DEADLINE = 60.0
PRIVATE_PORTS_FROM = 20000  # free_port's ports: from here up to the ephemeral range


_handed_out: set[int] = set()
_chooser = random.Random()  # seeded from the OS per process: xdist workers choose apart


def _ephemeral_ports() -> range:
    """The kernel's range for the local ends of outgoing connections (and for port 0)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)  # Linux's default


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago and not handed out before here.

    Chosen at random below the ephemeral range: a port from that range (what binding port
    0 gives) may meanwhile become the local end of any outgoing connection, even of the
    readiness probe itself (a TCP self-connect, which looks like a listening server).
    """
    ephemeral = _ephemeral_ports()
    if ephemeral.start - PRIVATE_PORTS_FROM < 1000:  # no room below it: let the kernel pick
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        _handed_out.add(port)
        return port
    for _ in range(1000):
        port = _chooser.randrange(PRIVATE_PORTS_FROM, ephemeral.start)
        if port not in _handed_out and _is_free(port):
            _handed_out.add(port)
            return port
    raise AssertionError("no free port found")


def mod_python_command(*args: str) -> list[str]:
    """The ``mod_python`` console script, run from this checkout."""
    return [sys.executable, "-m", "mod_python.cli", *args]


def child_environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class ServerProcess:
    """One server subprocess; use as a context manager or call ``start``/``stop``."""

    def __init__(self, command: list[str], port: int, workdir: Path, env: dict | None = None):
        self.command = command
        self.port = port
        self.workdir = workdir
        self.env = env or child_environment()
        self.stdout_path = workdir / f"server-{port}.out"
        self.stderr_path = workdir / f"server-{port}.err"
        self.process: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own group: workers can be reaped with it
            )
        return self

    def wait_until_listening(self, deadline: float = START_DEADLINE) -> ServerProcess:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"server exited with {self.process.returncode} before listening:\n{self.stderr}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError(
            f"server not listening on {self.port} after {deadline}s:\n{self.stderr}"
        )

    def wait_for_output(self, text: str, deadline: float = START_DEADLINE) -> None:
        """Wait until ``text`` shows up in stdout (e.g. the banner, printed once listening)."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if text in self.stdout:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(
            f"{text!r} not printed; stdout:\n{self.stdout}\nstderr:\n{self.stderr}"
        )

    def stop(self, sig: int = signal.SIGTERM, deadline: float = STOP_DEADLINE) -> int:
        """Send ``sig`` and wait for the exit status; kill the group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=deadline)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"server ignored signal {sig} for {deadline}s") from None
        return self.process.returncode

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_DEADLINE)

    def __enter__(self) -> ServerProcess:
        return self.start().wait_until_listening()

    def __exit__(self, *exc_info) -> None:
        try:
            self.stop()
        finally:
            self.kill()

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def get(self, path: str, headers: dict | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REPLY_DEADLINE)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()
