"""Hello world through the engine vs a bare WSGI app, both on cheroot; and the engine's own cost.

    python benchmarks/hello.py [--duration 5] [--connections 16] [--rounds 7]

Over sockets: a mod_python handler (``mod_python serve``) and a bare WSGI hello app, each
served by cheroot in its own subprocess on a free port, loaded one after the other by
``wrk -t1 -cN -dDs`` when wrk is on PATH (else a keep-alive Python client, much slower).
In-process: the engine called directly as a WSGI app with a prebuilt environ, no sockets;
median microseconds per request over several rounds.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

HELLO_HANDLER = """\
from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    req.write("Hello from mod_python\\n")
    return apache.OK
"""

SITE_CONF = """\
ServerName localhost
DocumentRoot htdocs
ErrorLog stderr
LogLevel warn
<Directory htdocs>
    SetHandler mod_python
    PythonHandler hello
</Directory>
"""

BODY = b"Hello from mod_python\n"
START_DEADLINE = 30.0


def bare_hello_app(environ, start_response):
    """The baseline: the least a WSGI app can do to say hello."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]


# ---- the servers -----------------------------------------------------------------------------


def interrupt(signum, frame) -> None:
    """SIGTERM as Ctrl-C: cheroot's safe_start then stops its server from the main thread
    (calling stop() inside the handler would wait on the loop it interrupted)."""
    raise KeyboardInterrupt


def serve_bare(port: int, threads: int) -> None:
    """Run ``bare_hello_app`` on cheroot until SIGTERM (the subprocess side of the benchmark)."""
    from cheroot import wsgi

    server = wsgi.Server(("127.0.0.1", port), bare_hello_app, numthreads=threads)
    signal.signal(signal.SIGTERM, interrupt)
    server.safe_start()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def start_server(command: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        command, env=child_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server {command} exited: {process.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"server {command} did not listen on {port} within {START_DEADLINE}s")


def start_bare_and_engine(conf: Path, threads: int):
    """The bare hello app and ``mod_python serve conf`` on cheroot, each in a subprocess on a
    free port: ``((bare_process, port), (engine_process, port))``."""
    bare_port, engine_port = free_port(), free_port()
    bare = start_server(
        [sys.executable, __file__, "--serve-bare", str(bare_port), "--threads", str(threads)],
        bare_port,
    )
    engine = start_server(
        [sys.executable, "-m", "mod_python.cli", "serve", str(conf),
         "--listen", f"127.0.0.1:{engine_port}", "--threads", str(threads)],
        engine_port,
    )  # fmt: skip
    return (bare, bare_port), (engine, engine_port)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


# ---- load generation -------------------------------------------------------------------------


def check_response(url: str) -> None:
    """One request first: a benchmark of error pages would measure the wrong thing."""
    host, port, path = _split(url)
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200 or body != BODY:
        raise SystemExit(f"{url} answered {response.status} {body[:200]!r}")


def _split(url: str) -> tuple[str, int, str]:
    match = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    return match.group(1), int(match.group(2)), match.group(3)


def run_wrk(url: str, connections: int, duration: int) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", url]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def run_python_client(url: str, connections: int, duration: int) -> float:
    """Keep-alive GETs from ``connections`` threads for ``duration`` seconds."""
    host, port, path = _split(url)
    counts = [0] * connections
    failures: list[str] = []
    deadline = time.monotonic() + duration

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        try:
            while time.monotonic() < deadline:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(str(response.status))
                    return
                counts[index] += 1
        except OSError as error:
            failures.append(repr(error))
        finally:
            connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=duration + 30)
    if failures:
        raise SystemExit(f"client errors: {failures[:3]}")
    return sum(counts) / (time.monotonic() - started)


# ---- in-process ------------------------------------------------------------------------------


def hello_environ() -> dict:
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/hello.py",
        "QUERY_STRING": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000",
        "REQUEST_URI": "/hello.py", "HTTP_HOST": "localhost", "HTTP_USER_AGENT": "bench",
        "HTTP_ACCEPT": "*/*", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": False, "wsgi.run_once": False,
    }  # fmt: skip


def call_once(app, environ: dict) -> bytes:
    written: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        return written.append

    result = app(dict(environ), start_response)
    written.extend(result)
    return b"".join(written)


def microseconds_per_call(app, rounds: int, calls: int) -> tuple[float, float]:
    """(median, best) over ``rounds`` of the mean CPU time of ``calls`` calls.

    CPU time of this process (``time.process_time``), not wall time: other load on the
    machine then hardly moves the numbers. Each call gets a fresh copy of the environ.
    """
    environ = hello_environ()
    if call_once(app, environ) != BODY:
        raise SystemExit(f"{app!r} did not say hello: {call_once(app, environ)!r}")
    # Warm-up first: caches and the handler import.
    return cpu_microseconds(lambda: call_once(app, environ), rounds, calls, min(calls, 2000))


def cpu_microseconds(call, rounds: int, calls: int, warmup: int) -> tuple[float, float]:
    """(median, best) over ``rounds`` of the mean process CPU µs of ``calls`` calls of
    ``call()``, after ``warmup`` calls that are not timed."""
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            call()
        timings.append((time.process_time() - started) / calls * 1e6)
    return statistics.median(timings), min(timings)


# ---- the report ------------------------------------------------------------------------------


def write_site(directory: Path) -> Path:
    (directory / "htdocs").mkdir()
    (directory / "htdocs" / "hello.py").write_text(HELLO_HANDLER)
    conf = directory / "httpd.conf"
    conf.write_text(SITE_CONF)
    return conf


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def add_common_arguments(parser: argparse.ArgumentParser, calls: int = 20000) -> None:
    """The options the socket + in-process benchmarks share (hello, wsgi, publisher)."""
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=10, help="cheroot threads per server")
    parser.add_argument("--rounds", type=int, default=7, help="in-process rounds")
    parser.add_argument("--calls", type=int, default=calls, help="in-process calls per round")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--skip-sockets", action="store_true", help="in-process numbers only")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser)
    parser.add_argument(
        "--profile", type=int, metavar="N", help="also print the engine's top N costs (cProfile)"
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.threads)
        return 0

    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    load = (
        f"wrk -t1 -c{args.connections} -d{args.duration}s"
        if use_wrk
        else f"Python keep-alive client, {args.connections} connections, {args.duration}s"
    )
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("mod_python hello-world benchmark")
    print(
        f"machine: nproc {cpus}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.platform(terse=True)}"
    )
    print(f"servers: cheroot {_version('cheroot')}, {args.threads} threads; load: {load}")
    print()

    with tempfile.TemporaryDirectory(prefix="mp-bench-") as directory:
        conf = write_site(Path(directory))
        if not args.skip_sockets:
            measure = run_wrk if use_wrk else run_python_client
            (bare, bare_port), (engine, engine_port) = start_bare_and_engine(conf, args.threads)
            try:
                rows = []
                for name, port in (
                    ("bare WSGI app", bare_port),
                    ("mod_python handler", engine_port),
                ):
                    url = f"http://127.0.0.1:{port}/hello.py"
                    check_response(url)
                    rows.append((name, measure(url, args.connections, args.duration)))
            finally:
                stop_server(bare)
                stop_server(engine)
            baseline = rows[0][1]
            print(f"{'over sockets, on cheroot':<34}{'requests/s':>12}{'vs bare':>10}")
            for name, rate in rows:
                print(f"{name:<34}{rate:>12,.0f}{rate / baseline:>10.2f}")
            print()

        from mod_python.wsgi_entry import build_engine

        engine_app = build_engine(str(conf))
        rows = [
            ("bare WSGI app", microseconds_per_call(bare_hello_app, args.rounds, args.calls)),
            ("mod_python engine", microseconds_per_call(engine_app, args.rounds, args.calls)),
        ]
        title = f"in-process, no sockets, CPU µs/request ({args.rounds} x {args.calls:,} calls)"
        print(f"{title:<58}{'median':>8}{'best':>8}")
        for name, (median, best) in rows:
            print(f"{name:<58}{median:>8.1f}{best:>8.1f}")
        if args.profile:
            print()
            print_profile(engine_app, args.calls, args.profile)
    return 0


def print_profile(app, calls: int, top: int) -> None:
    """cProfile of ``calls`` in-process requests: the top functions by own time."""
    import cProfile
    import pstats

    environ = hello_environ()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(calls):
        call_once(app, environ)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"engine profile: {calls:,} calls, top {top} by own time (cProfile inflates times)")
    print(f"{'own %':>6} {'cum %':>6} {'calls/req':>9}  function")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (filename, line, function), (_, ncalls, own, cumulative, _) in rows:
        where = filename.replace(str(REPO_ROOT) + os.sep, "")
        print(
            f"{own / total * 100:>6.1f} {cumulative / total * 100:>6.1f} "
            f"{ncalls / calls:>9.1f}  {where}:{line}({function})"
        )


if __name__ == "__main__":
    sys.exit(main())
