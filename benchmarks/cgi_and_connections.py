"""What running a CGI script in-process costs, and a connection handler's round trips.

    python benchmarks/cgi_and_connections.py [--requests 2000] [--round-trips 5000]

In-process (no sockets): the engine called as a WSGI app for the same "hello" output
from a plain handler and from a CGI script run by ``mod_python.cgihandler``, with 1 and
4 client threads (cgihandler runs one script at a time); microseconds per request.
Over a socket: a PythonConnectionHandler echoing lines, served by the connection
listener; round trips per second on one connection, and one round trip per connection.
"""

from __future__ import annotations

import argparse
import io
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
for path in (REPO_ROOT, REPO_ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from serving import free_port  # noqa: E402
from wsgi_client import call_engine  # noqa: E402

from mod_python._engine.app import Engine  # noqa: E402
from mod_python.backends import CherootServers  # noqa: E402

PLAIN_HANDLER = """\
from mod_python import apache

def handler(req):
    req.content_type = "text/plain"
    req.write("Hello from mod_python\\n")
    return apache.OK
"""

CGI_SCRIPT = """\
print("Content-Type: text/plain")
print()
print("Hello from mod_python")
"""

ECHO_HANDLER = """\
from mod_python import apache

def connectionhandler(conn):
    while True:
        line = conn.readline()
        if not line or not line.strip():
            return apache.OK
        conn.write(line)
"""

CONF = """\
ServerName bench.local
DocumentRoot "{root}"
ErrorLog stderr
LogLevel warn
Listen 127.0.0.1:{port}
PythonPath "['{root}'] + sys.path"
<VirtualHost 127.0.0.1:{port}>
    PythonConnectionHandler echo
</VirtualHost>
<Directory "{root}/plain">
    SetHandler mod_python
    PythonHandler hello
    PythonPath "['{root}/plain'] + sys.path"
</Directory>
<Directory "{root}/cgi">
    SetHandler mod_python
    PythonHandler mod_python.cgihandler
</Directory>
"""


def build_site(root: Path, port: int) -> Engine:
    (root / "plain").mkdir()
    (root / "cgi").mkdir()
    (root / "plain" / "hello.py").write_text(PLAIN_HANDLER)
    (root / "cgi" / "hello.py").write_text(CGI_SCRIPT)
    (root / "echo.py").write_text(ECHO_HANDLER)
    text = CONF.format(root=root, port=port)
    return Engine.from_config_text(text, error_stream=io.StringIO(), set_argv=False)


def microseconds_per_request(engine: Engine, path: str, requests: int, threads: int) -> float:
    per_thread = requests // threads

    def run() -> None:
        for _ in range(per_thread):
            response = call_engine(engine, "GET", path, host="bench.local")
            assert response.body == b"Hello from mod_python\n", response.body

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (time.perf_counter() - started) / (per_thread * threads) * 1e6


def round_trips_on_one_connection(port: int, count: int) -> float:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        reader = sock.makefile("rb")
        started = time.perf_counter()
        for _ in range(count):
            sock.sendall(b"ping\n")
            assert reader.readline() == b"ping\n"
        elapsed = time.perf_counter() - started
        sock.sendall(b"\n")
    return count / elapsed


def connections_per_second(port: int, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"ping\n\n")
            assert sock.makefile("rb").readline() == b"ping\n"
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--round-trips", type=int, default=5000)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        engine = build_site(Path(directory), port)
        rows = []
        for label, path in (("plain handler", "/plain/hello.py"), ("cgihandler", "/cgi/hello.py")):
            microseconds_per_request(engine, path, 200, 1)  # warm up: imports, caches
            for threads in (1, 4):
                cost = microseconds_per_request(engine, path, args.requests, threads)
                rows.append(
                    (
                        f"{label}, {threads} thread{'s' if threads > 1 else ''}",
                        f"{cost:,.0f} us/request",
                    )
                )
        servers = CherootServers(engine, threads=4)
        servers.listen_on(("127.0.0.1", port))
        servers.start()
        try:
            round_trips_on_one_connection(port, 200)  # warm up
            trips = round_trips_on_one_connection(port, args.round_trips)
            rows.append(("connection handler, one connection", f"{trips:,.0f} round trips/s"))
            opened = connections_per_second(port, min(args.round_trips, 1000))
            rows.append(("connection handler, new connection each", f"{opened:,.0f} connections/s"))
        finally:
            servers.stop(timeout=2)
    width = max(len(label) for label, _ in rows)
    print(f"{'case':<{width}}  result")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
