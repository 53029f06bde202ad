"""Session load+save per second for each store: ours, and the real mod_python beside it.

    python benchmarks/sessions.py [--iterations 2000] [--rounds 3] [--no-oracle]
                                  [--stores file,dbm,dbm-default,memory,redis]

One handler file runs on both servers. Asked ``?store=NAME&n=N``, it saves one session,
then N times: opens it again by id (lock + load), increments a counter, saves, unlocks,
timing the loop inside the handler, so only session work is measured. Ours is called
in-process; the oracle (Apache 2.4 + mod_python 3.5, prefork, see shared/oracle) over
loopback. DBM is measured with ``dbm.dumb`` on both (the one format this Python and the
oracle's share) and with the oracle's default format (``dbm.ndbm``) beside it. Redis is
ours only, on a private ``redis-server`` when one is installed. Figures: median of the
rounds (ours and the oracle's taking turns): operations (load+save) per second, and the
CPU time (user + system) of the handler's thread per operation, in microseconds. The
second is the fairer comparison on a busy machine, where the oracle's Apache (started as
a separate service) and this process need not get the same share of the processors.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SERVE_SH = REPO_ROOT.parent / "shared" / "oracle" / "serve.sh"
REDIS_SERVER = "/usr/bin/redis-server"
INSTANCE_NAME = "sessions-bench"

BENCH_HANDLER = """\
import dbm.dumb
import time

from mod_python import Session, apache

STORES = {
    "file": lambda req, sid: Session.FileSession(req, sid=sid),
    "dbm": lambda req, sid: Session.DbmSession(req, sid=sid, dbmtype=dbm.dumb),
    "dbm-default": lambda req, sid: Session.DbmSession(req, sid=sid),
    "memory": lambda req, sid: Session.MemorySession(req, sid=sid),
    "redis": lambda req, sid: Session.RedisSession(req, sid=sid),
}


def handler(req):
    fields = dict(pair.split("=", 1) for pair in req.args.split("&"))
    make, count = STORES[fields["store"]], int(fields["n"])
    first = make(req, None)
    first["n"] = 0
    first.save()
    sid = first.id()
    first.unlock()
    started, cpu_started = time.perf_counter(), time.thread_time()
    for _ in range(count):
        session = make(req, sid)
        session["n"] += 1
        session.save()
        session.unlock()
    elapsed = time.perf_counter() - started
    cpu = time.thread_time() - cpu_started
    req.content_type = "text/plain"
    req.write("%.1f %.3f" % (count / elapsed, cpu / count * 1e6))
    return apache.OK
"""

CONF = """\
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler session_bench
    PythonOption mod_python.session.database_directory "{store}"
    PythonOption mod_python.file_session.database_directory "{store}"
    PythonOption mod_python.dbm_session.database_directory "{store}"
    {redis}
</Directory>
"""

STORES = ["file", "dbm", "dbm-default", "memory", "redis"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environ_for(query: str) -> dict:
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/session_bench.py",
        "QUERY_STRING": query, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000",
        "HTTP_HOST": "localhost", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": False, "wsgi.run_once": False,
    }  # fmt: skip


Figures = tuple  # (operations per second, CPU microseconds per operation)


def parse_figures(body: bytes) -> Figures:
    rate, cpu = body.split()
    return float(rate), float(cpu)


def ours_rate(engine, query: str) -> Figures | None:
    started: dict = {}
    chunks: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        started["status"] = status
        return chunks.append

    chunks.extend(engine(environ_for(query), start_response))
    return parse_figures(b"".join(chunks)) if started["status"].startswith("200") else None


def oracle_rate(port: int, query: str) -> Figures | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", f"/session_bench.py?{query}")
        response = connection.getresponse()
        body = response.read()
        return parse_figures(body) if response.status == 200 else None
    finally:
        connection.close()


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str] | None:
    if not os.path.exists(REDIS_SERVER):
        return None
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    return None


def start_oracle(base: Path, docroot: Path, conf_path: Path) -> int | None:
    if not (SERVE_SH.exists() and os.path.exists("/usr/lib/apache2/modules/mod_python.so")):
        return None
    env = {**os.environ, "ORACLE_RUN_DIR": str(base / "run")}
    started = subprocess.run(
        [str(SERVE_SH), "start", "--name", INSTANCE_NAME, "--docroot", str(docroot), "--conf",
         str(conf_path)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if started.returncode != 0:
        print(f"oracle did not start: {started.stderr.strip()}", file=sys.stderr)
        return None
    return int(started.stdout.strip().splitlines()[-1])


def stop_oracle(base: Path) -> None:
    env = {**os.environ, "ORACLE_RUN_DIR": str(base / "run")}
    subprocess.run([str(SERVE_SH), "stop", "--name", INSTANCE_NAME], env=env,
                   capture_output=True, timeout=60)  # fmt: skip


def median_rates(measures: list, query: str, rounds: int) -> list[Figures | None]:
    """Median figures of each measure, the measures taking turns round by round (so a
    machine busy for a while slows them alike)."""
    rates: list[list[Figures | None]] = [[] for _ in measures]
    for _ in range(rounds):
        for index, measure in enumerate(measures):
            rates[index].append(None if measure is None else measure(query))
    return [
        None if None in found else (statistics.median(f[0] for f in found),
                                    statistics.median(f[1] for f in found))
        for found in rates
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-oracle", action="store_true")
    parser.add_argument("--stores", default=",".join(STORES),
                        help="comma-separated, of: " + ", ".join(STORES))  # fmt: skip
    args = parser.parse_args()
    stores = [store for store in args.stores.split(",") if store]
    unknown = set(stores) - set(STORES)
    if unknown:
        parser.error(f"unknown stores: {', '.join(sorted(unknown))}")

    from mod_python._engine.app import Engine

    base = Path(tempfile.mkdtemp(dir="/tmp", prefix="sessions-bench-"))
    docroot, ours_store, oracle_store = base / "htdocs", base / "ours", base / "oracle"
    for directory in (docroot, ours_store, oracle_store, base / "run"):
        directory.mkdir()
    (docroot / "session_bench.py").write_text(BENCH_HANDLER)
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    os.chmod(oracle_store, 0o1777)
    redis = start_redis(base)
    redis_line = f"PythonOption mod_python.redis_session.url {redis[1]}" if redis else ""
    oracle_conf = base / "oracle.conf"
    oracle_conf.write_text(CONF.format(docroot=docroot, store=oracle_store, redis=""))
    ours_conf = (f'ServerName localhost\nDocumentRoot "{docroot}"\nLogLevel warn\n'
                 f'PythonOption mod_python.mutex_directory "{base}"\n'
                 + CONF.format(docroot=docroot, store=ours_store, redis=redis_line))  # fmt: skip
    engine = Engine.from_config_text(ours_conf, error_stream=io.StringIO(), set_argv=False)
    oracle_port = None if args.no_oracle else start_oracle(base, docroot, oracle_conf)
    try:
        print(f"# session load+save per second, {args.iterations} per round, median of "
              f"{args.rounds}; Python {platform.python_version()}, {os.cpu_count()} CPUs")  # fmt: skip
        print("# and CPU time of the handler's thread per load+save (the fairer figure on a busy")
        print("# machine: the oracle's Apache and this process may get unequal shares of it)")
        print(f"{'store':<13} {'ours/s':>10} {'mod_python/s':>13} {'ours us':>9} "
              f"{'mod_python us':>14}")  # fmt: skip
        for store in stores:
            query = f"store={store}&n={args.iterations}"
            ours_measure = theirs_measure = None
            if store != "redis" or redis:
                ours_measure = lambda q: ours_rate(engine, q)  # noqa: E731
            if oracle_port is not None and store != "redis":
                theirs_measure = lambda q: oracle_rate(oracle_port, q)  # noqa: E731
            ours, theirs = median_rates([ours_measure, theirs_measure], query, args.rounds)
            print(f"{store:<13} {format_rate(ours):>10} {format_rate(theirs):>13} "
                  f"{format_cpu(ours):>9} {format_cpu(theirs):>14}")  # fmt: skip
    finally:
        if oracle_port is not None:
            stop_oracle(base)
        if redis:
            redis[0].terminate()
            redis[0].wait()
        shutil.rmtree(base, ignore_errors=True)


def format_rate(figures: Figures | None) -> str:
    return "-" if figures is None else f"{figures[0]:,.0f}"


def format_cpu(figures: Figures | None) -> str:
    return "-" if figures is None else f"{figures[1]:.1f}"


if __name__ == "__main__":
    main()
