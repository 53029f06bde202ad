"""``mod_python httpd``: driven the way mod_python's test/test.py and apachectl scripts
drive Apache (``-v`` parsed for the version, ``-k start -f CONF -D NAME``, the PidFile,
``logs/error_log`` under ServerRoot, ``-k stop``), plus ``-t`` and ``-X``."""

from __future__ import annotations

import re
import signal
import subprocess
import textwrap

import pytest
from cli.sites import MOD_PYTHON, get, kill_daemon, make_site, port_of, run, wait_for
from serving import ServerProcess, child_environment


@pytest.fixture
def site(tmp_path):
    conf = make_site(tmp_path / "site")
    yield conf
    kill_daemon(tmp_path / "site" / "logs" / "httpd.pid")


def test_version_line_parses_as_test_py_parses_it():
    result = run("httpd", "-v")
    assert result.returncode == 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("Server version"))
    # test.py: the text after the first "/" split on "." into major, minor, patch.
    major, minor, patch = line.strip().split("/")[1].split(".", 3)
    assert (major, minor) == ("2", "4")
    assert re.match(r"Server version: Apache/2\.4\.\d+ ", line)


def test_settings_listing_starts_with_the_version():
    result = run("httpd", "-V")
    assert result.returncode == 0
    assert result.stdout.startswith("Server version: Apache/2.4.")
    assert "Server MPM:" in result.stdout


def test_syntax_check(site):
    ok = run("httpd", "-t", "-f", str(site))
    assert (ok.returncode, ok.stderr) == (0, "Syntax OK\n")
    site.write_text(site.read_text() + "Frobnicate on\n")
    bad = run("httpd", "-t", "-f", str(site))
    assert bad.returncode == 1
    assert bad.stderr.startswith(f"{site}:{len(site.read_text().splitlines())}: ")
    assert "Frobnicate" in bad.stderr


def test_start_and_stop_from_a_shell_script(site, tmp_path):
    """What test.py does: start with -D, wait for the PidFile, request, stop, wait for it."""
    root = site.parent.parent
    script = tmp_path / "drive.sh"
    script.write_text(textwrap.dedent(f"""\
        set -e
        HTTPD="{" ".join(MOD_PYTHON)} httpd"
        case "$1" in
          start) $HTTPD -k start -f {site} -DFOOBAR
                 while [ ! -f {root}/logs/httpd.pid ]; do sleep 0.05; done ;;
          stop)  $HTTPD -k stop -f {site}
                 while [ -f {root}/logs/httpd.pid ]; do sleep 0.05; done ;;
        esac
    """))  # fmt: skip

    def drive(action: str) -> subprocess.CompletedProcess:
        return subprocess.run(["sh", str(script), action], capture_output=True, text=True,
                              env=child_environment(), timeout=60)  # fmt: skip

    started = drive("start")
    assert started.returncode == 0, started.stderr
    status, headers, body = get(port_of(site))
    assert status == 200
    assert "Python" in headers["server"]
    assert body.endswith(" FOOBAR")  # -DFOOBAR reached apache.exists_config_define
    stopped = drive("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert "child exit cleanup ran in" in (root / "logs" / "error_log").read_text()


def test_foreground_single_worker(site):
    port = port_of(site)
    command = [*MOD_PYTHON, "httpd", "-X", "-f", str(site)]
    with ServerProcess(command, port, site.parent) as server:
        status, _, body = get(port)
        assert status == 200 and body.endswith(" NO_FOOBAR")
        pid_file = site.parent.parent / "logs" / "httpd.pid"
        assert int(pid_file.read_text()) == server.process.pid
        assert server.stop(signal.SIGTERM) == 0
    wait_for(lambda: not pid_file.exists(), 5)
