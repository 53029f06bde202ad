"""Sites and helpers for the command-line tests: configs on free ports in temp dirs, the
installed ``mod_python`` console script, and a daemon that is always stopped afterwards."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from serving import child_environment, free_port

# The console script pip installed next to this Python; `python -m mod_python.cli` if none.
_SCRIPT = Path(sys.executable).with_name("mod_python")
MOD_PYTHON = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "mod_python.cli"]

HANDLER = """\
import os
import time

from mod_python import apache


def report_exit(data):
    apache.log_error("child exit cleanup ran in " + data)


apache.register_cleanup(report_exit, str(os.getpid()))


def handler(req):
    req.content_type = "text/plain"
    if req.args == "slow":
        # Tell the test the request is in progress, then hold it until the test releases it
        # (bounded, so a failed test cannot leave the worker busy for long).
        root = os.path.join(req.document_root(), "..")
        open(os.path.join(root, "slow_started"), "w").close()
        give_up = time.monotonic() + 30
        while not os.path.exists(os.path.join(root, "slow_release")):
            if time.monotonic() > give_up:
                break
            time.sleep(0.02)
    defined = "FOOBAR" if apache.exists_config_define("FOOBAR") else "NO_FOOBAR"
    req.write("%d %s" % (os.getpid(), defined))
    return apache.OK
"""


def make_site(root: Path, listen: str | None = None, extra: str = "") -> Path:
    """A server root with htdocs/pid.py, logs/ and conf/httpd.conf; returns the config."""
    (root / "htdocs").mkdir(parents=True)
    (root / "conf").mkdir()
    (root / "htdocs" / "pid.py").write_text(HANDLER)
    listen = listen or f"127.0.0.1:{free_port()}"
    conf = root / "conf" / "httpd.conf"
    conf.write_text(
        f"ServerRoot {root}\n"
        "ServerName localhost\n"
        f"Listen {listen}\n"
        "PidFile logs/httpd.pid\n"
        "ErrorLog logs/error_log\n"
        "LogLevel info\n"
        "DocumentRoot htdocs\n"
        f"<Directory {root}/htdocs>\n"
        "    SetHandler mod_python\n"
        "    PythonHandler pid\n"
        "</Directory>\n" + extra
    )
    return conf


def port_of(conf: Path) -> int:
    for line in conf.read_text().splitlines():
        if line.startswith("Listen "):
            return int(line.rsplit(":", 1)[1])
    raise AssertionError(f"no Listen in {conf}")


def run(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the console script; stdout and stderr as text."""
    return subprocess.run(
        [*MOD_PYTHON, *args], capture_output=True, text=True, env=child_environment(),
        cwd=cwd, timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def get(port: int, path: str = "/pid.py", timeout: float = 60) -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def wait_for(condition, deadline: float = 60.0, interval: float = 0.05):
    """Poll ``condition()`` until it returns something true; AssertionError at the deadline
    (generous: it is only reached on failure, and a loaded machine may be slow)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {deadline}s")


def kill_daemon(pid_file: Path) -> None:
    """Last resort after a failed test: kill the daemon's process group, if any."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        # The master's group, whatever its number: a daemon detached by a double fork may
        # not lead one (killpg(pid) would then miss it and leave it serving).
        group = os.getpgid(pid)
        if group != os.getpgrp():  # never the test run's own group (a reused pid)
            os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
