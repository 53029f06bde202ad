"""``mod_python serve --server bjoern``: real workers on a real port."""

from __future__ import annotations

import http.client
import importlib.util
import os
import signal
import socket
import subprocess
import time

import pytest
from serving import ServerProcess, child_environment, free_port, mod_python_command

from mod_python import backends
from mod_python.backends import BJOERN_GRACE

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("bjoern") is None,
    reason="bjoern not installed (apt-get install libev-dev; pip install .[bjoern])",
)

HANDLER = """\
import os
from mod_python import apache


def report_exit(path):
    with open(path, "a") as exits:
        exits.write("%d\\n" % os.getpid())


def handler(req):
    req.content_type = "text/plain"
    if req.uri == "/pid":
        req.write(str(os.getpid()), 0)
        return apache.OK
    if req.uri == "/cleanup":
        req.server.register_cleanup(req, report_exit, req.document_root() + "/../exits")
        req.write(str(os.getpid()), 0)
        return apache.OK
    if req.method == "POST":
        body = req.read()
        req.write("%d %s" % (len(body), body[-8:].decode()), 0)
        return apache.OK
    req.write("streamed ")  # flushed: the response has no Content-Length
    req.write("and done\\n")
    return apache.OK
"""

CONF = """\
ServerName b.test
DocumentRoot htdocs
ErrorLog stderr
<Directory htdocs>
    SetHandler mod_python
    PythonHandler app
</Directory>
"""


@pytest.fixture
def site(tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "app.py").write_text(HANDLER)
    (tmp_path / "site.conf").write_text(CONF)
    return tmp_path


def serve_command(site, port: int, *extra: str) -> list[str]:
    return mod_python_command(
        "serve", str(site / "site.conf"), "--listen", f"127.0.0.1:{port}",
        "--server", "bjoern", *extra,
    )  # fmt: skip


def start(site, *extra: str) -> ServerProcess:
    port = free_port()
    running = ServerProcess(serve_command(site, port, *extra), port, site).start()
    running.wait_for_output("serving http://")  # the banner comes once every worker listens
    return running


def exchange(connection: http.client.HTTPConnection, method: str, path: str):
    connection.request(method, path)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_get_and_head_share_a_keep_alive_connection(site):
    running = start(site, "--processes", "2")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
        got = exchange(connection, "GET", "/app")
        head = exchange(connection, "HEAD", "/app")
        again = exchange(connection, "GET", "/app")  # read cleanly: the HEAD left no bytes
        connection.close()
    finally:
        running.stop()
    assert got[0] == 200 and got[2] == b"streamed and done\n"
    assert got[1].get("Transfer-Encoding") == "chunked"
    assert head[0] == 200 and head[2] == b""
    assert head[1]["Content-Length"] == str(len(got[2]))  # what the GET sent
    assert again[:1] == got[:1] and again[2] == got[2]
    assert "Date" in got[1] and got[1]["Server"].startswith("Apache/2.4")


def test_connections_are_spread_over_the_workers(site):
    running = start(site, "--processes", "2")
    try:
        pids = set()
        for _ in range(24):  # each a new connection, hashed to one worker's socket
            connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
            pids.add(exchange(connection, "GET", "/pid")[2])
            connection.close()
    finally:
        running.stop()
    assert len(pids) == 2


def test_sigterm_stops_the_server_and_every_worker(site):
    running = start(site, "--processes", "2")
    assert running.get("/app").status == 200
    assert running.stop(signal.SIGTERM) == 0
    with pytest.raises(ProcessLookupError):
        os.killpg(running.process.pid, 0)  # the whole group (its workers) is gone
    assert "mod_python: stopped" in running.stderr


def test_a_taken_port_is_reported_before_any_worker_starts(site):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            serve_command(site, port), capture_output=True, text=True, timeout=60,
            env=child_environment(), cwd=site,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_threads_are_refused_with_what_to_use_instead(site):
    result = subprocess.run(
        serve_command(site, free_port(), "--threads", "4"), capture_output=True, text=True,
        timeout=60, env=child_environment(), cwd=site,
    )  # fmt: skip
    assert result.returncode == 2
    assert "bjoern runs one thread per process; use --processes N" in result.stderr


def test_the_banner_shows_one_thread_per_process(site):
    running = start(site, "--processes", "2")
    running.stop()
    assert "server:         bjoern, 2 processes x 1 thread" in running.stdout


def test_request_bodies_reach_the_handler_whole(site):
    body = bytes(range(256)) * 4096 + b"the end."  # 1 MiB and a tail
    running = start(site)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
        connection.request("POST", "/app", body=body)
        plain = connection.getresponse().read()
        connection.request("POST", "/app", body=iter([body[:1000], body[1000:]]),
                           encode_chunked=True)  # fmt: skip
        chunked = connection.getresponse().read()
        connection.close()
    finally:
        running.stop()
    assert plain == chunked == f"{len(body)} the end.".encode()


def test_child_exit_cleanups_run_in_each_worker_on_stop(site):
    running = start(site, "--processes", "2")
    try:
        served = set()
        for _ in range(24):
            connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
            served.add(int(exchange(connection, "GET", "/cleanup")[2]))
            connection.close()
    finally:
        assert running.stop() == 0
    exits = {int(line) for line in (site / "exits").read_text().split()}
    assert exits == served and len(served) == 2


def test_an_idle_keep_alive_connection_does_not_hold_the_stop_up(site):
    running = start(site)
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    try:
        served = int(exchange(connection, "GET", "/cleanup")[2])  # the connection stays open
        began = time.monotonic()
        assert running.stop(signal.SIGTERM) == 0
        took = time.monotonic() - began
    finally:
        connection.close()
    assert took < BJOERN_GRACE + 3
    assert (site / "exits").read_text().split() == [str(served)]  # its cleanups ran


def test_accepted_connections_have_nagle_off_and_workers_share_the_port():
    """bjoern_socket: TCP_NODELAY on the listener reaches every accepted connection (a
    flushed response is not held for the client's delayed ACK); SO_REUSEPORT lets each
    worker open its own socket on the one port."""
    first = backends.bjoern_socket("127.0.0.1", 0, reuse_port=True)
    port = first.getsockname()[1]
    second = backends.bjoern_socket("127.0.0.1", port, reuse_port=True)  # no EADDRINUSE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            accepted = None
            deadline = time.monotonic() + 10
            while accepted is None and time.monotonic() < deadline:
                for listening in (first, second):
                    try:
                        accepted, _ = listening.accept()
                        break
                    except BlockingIOError:
                        pass
                else:
                    time.sleep(0.01)
            assert accepted is not None
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        first.close()
        second.close()
