"""An uppercasing Python output filter over a 10 MiB response, next to the same response
without a filter: MiB/s in-process and over HTTP on cheroot.

    python benchmarks/filters.py [--size-mib 10] [--rounds 5] [--chunk-kib 64]

The handler writes the body in flushed chunks of ``--chunk-kib`` (the filter is called once
per chunk, as mod_python calls it once per brigade). In-process: the engine called as a WSGI
app, no sockets. Over HTTP: the engine served by cheroot in a thread of this process, one
keep-alive client reading the whole body. Each figure is the median of ``--rounds`` runs,
the cases taking turns.
"""

from __future__ import annotations

import argparse
import http.client
import io
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

HANDLER = """\
from mod_python import apache

BLOCK = b"abcdefghijklmnopqrstuvwxyz012345" * 32  # 1 KiB


def handler(req):
    size, chunk = (int(x) for x in req.args.split(","))
    req.content_type = "text/plain"
    piece = BLOCK * (chunk // len(BLOCK))
    sent = 0
    while sent < size:
        data = piece[: size - sent]
        req.write(data)
        sent += len(data)
    return apache.OK
"""

FILTER = """\
def outputfilter(filter):
    s = filter.read()
    while s:
        filter.write(s.upper())
        s = filter.read()
    if s is None:
        filter.close()
"""

SITE_CONF = """\
ServerName localhost
DocumentRoot "{root}"
ErrorLog stderr
LogLevel warn
<Directory "{root}">
    SetHandler mod_python
    PythonHandler body
    PythonOutputFilter upper UPPER
</Directory>
<Directory "{root}/upper">
    SetOutputFilter UPPER
</Directory>
"""

CASES = (("no filter", "/plain/body.py"), ("uppercasing filter", "/upper/body.py"))


def build_engine(root: Path):
    from mod_python._engine.app import Engine

    for directory in ("plain", "upper"):
        (root / directory).mkdir()
        (root / directory / "body.py").write_text(HANDLER)
    (root / "body.py").write_text(HANDLER)
    (root / "upper.py").write_text(FILTER)
    conf = SITE_CONF.replace("{root}", str(root))
    return Engine.from_config_text(conf, error_stream=io.StringIO(), set_argv=False)


def in_process(engine, path: str, query: str, expected: int) -> float:
    """Seconds for one request called directly, the body consumed."""
    environ = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }  # fmt: skip
    received = 0

    def start_response(status, headers, exc_info=None):
        def write(data):
            nonlocal received
            received += len(data)

        return write

    started = time.perf_counter()
    for chunk in engine(environ, start_response):
        received += len(chunk)
    elapsed = time.perf_counter() - started
    if received != expected:
        raise SystemExit(f"{path}: got {received} bytes, expected {expected}")
    return elapsed


def over_http(connection: http.client.HTTPConnection, path: str, query: str,
              expected: int) -> float:  # fmt: skip
    started = time.perf_counter()
    connection.request("GET", f"{path}?{query}")
    response = connection.getresponse()
    received = 0
    while True:
        data = response.read(1 << 20)
        if not data:
            break
        received += len(data)
    elapsed = time.perf_counter() - started
    if received != expected:
        raise SystemExit(f"{path}: got {received} bytes over HTTP, expected {expected}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunk-kib", type=int, default=64)
    args = parser.parse_args()
    size = args.size_mib * 1024 * 1024
    query = f"{size},{args.chunk_kib * 1024}"
    mib = size / (1024 * 1024)

    from cheroot import wsgi

    with tempfile.TemporaryDirectory() as directory:
        engine = build_engine(Path(directory))
        server = wsgi.Server(("127.0.0.1", 0), engine, numthreads=2)
        server.prepare()
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        local: dict[str, list[float]] = {label: [] for label, _ in CASES}
        remote: dict[str, list[float]] = {label: [] for label, _ in CASES}
        connection = http.client.HTTPConnection("127.0.0.1", server.bind_addr[1])
        try:
            for _label, path in CASES:  # warm-up: imports, caches, the connection
                in_process(engine, path, query, size)
                over_http(connection, path, query, size)
            # Rounds interleave the cases, so a slow moment of the machine hits both.
            for _ in range(args.rounds):
                for label, path in CASES:
                    local[label].append(in_process(engine, path, query, size))
                    remote[label].append(over_http(connection, path, query, size))
            rows = [
                (label, mib / statistics.median(local[label]),
                 mib / statistics.median(remote[label]))
                for label, _ in CASES
            ]  # fmt: skip
        finally:
            connection.close()
            server.stop()
            thread.join(timeout=5)

    print(f"# {args.size_mib} MiB response in {args.chunk_kib} KiB flushed writes, "
          f"median of {args.rounds}; Python {platform.python_version()}")  # fmt: skip
    print(f"{'case':<22} {'in-process MiB/s':>18} {'HTTP (cheroot) MiB/s':>22}")
    for label, local, remote in rows:
        print(f"{label:<22} {local:>18.1f} {remote:>22.1f}")
    base_local, base_remote = rows[0][1], rows[0][2]
    for label, local, remote in rows[1:]:
        print(f"{label + ' / no filter':<22} {local / base_local:>18.2f} "
              f"{remote / base_remote:>22.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
