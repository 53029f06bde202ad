"""One run, both sides: the real Apache + mod_python and our engine on the same site.

    python benchmarks/suite.py [--duration 5] [--connections 16] [--rounds 1]
                               [--servers cheroot,gunicorn,granian,granian:1,bjoern]
                               [--cases hello,publisher]
                               [--skip-oracle] [--skip-sockets] [--skip-bare]

Builds one document root with a case per directory (a hello-world handler, a published
function, a one-expression PSP page, a handler reading a small form, a session read/write, a
100 KiB static file served after the handler DECLINEs, ``mod_python.wsgi`` hello), starts the
real module with ``../shared/oracle/serve.sh`` (prefork, as Debian ships it) and ours with
``mod_python serve`` on each back-end in turn, loads every case with ``wrk -t1 -cN -dDs
--latency`` and prints requests/s, p50 and p99 latency and the ratio ours/real. Then the
engine alone, in-process with no sockets: CPU µs per request per case.

A server may carry its own thread count: ``granian:1`` is granian with one thread per
worker process, each worker serving one request at a time as each child of Apache's prefork
MPM does (the GIL is then never handed between threads of a worker); plain names use
``--threads``. bjoern always runs one thread per worker (an event loop in C).

Each back-end also serves a bare WSGI hello world (no engine, the same threads and
processes): the ``bare-wsgi`` row, the ceiling a handler on that back-end can reach. The
report ends with the issue's targets (ours vs the real module, hello vs bare WSGI per
back-end, the engine's own µs) and whether this run met them.

A case whose module is missing on our side (or fails its first request on either side) is
reported as such, not measured.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
for path in (str(REPO_ROOT), str(BENCH_DIR)):
    if path not in sys.path:
        sys.path.insert(0, path)

from hello import (  # noqa: E402
    bare_hello_app,
    cpu_microseconds,
    free_port,
    interrupt,
    start_server,
    stop_server,
)

SERVE_SH = Path(os.environ.get("ORACLE_SERVE_SH", REPO_ROOT.parent / "shared/oracle/serve.sh"))
ORACLE_NAME = "bench-suite"
STATIC_SIZE = 100 * 1024


@dataclass(frozen=True)
class Case:
    """One page of the benchmark site: where it lives and what it needs from us."""

    name: str
    path: str  # the URL path requested
    needs: str | None  # a module of ours the case cannot run without
    session: bool = False  # needs a session cookie, obtained by a first request


CASES = [
    Case("hello", "/hello/x", None),
    Case("publisher", "/pub/app.py/hello", "mod_python.publisher"),
    Case("psp", "/psp/page.psp", "mod_python.psp"),
    Case("form", "/form/x?name=world&count=3&flag=", "mod_python.util"),
    Case("session", "/session/x", "mod_python.Session", session=True),
    Case("static", "/static/file.bin", None),
    Case("wsgi", "/wsgi/hello", "mod_python.wsgi"),
]

FILES = {
    "hello/hello.py": """\
from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    req.write("Hello from mod_python\\n")
    return apache.OK
""",
    "pub/app.py": """\
def hello(req):
    return "Hello from the publisher\\n"
""",
    "psp/page.psp": "<html><body>Hello <%= 6 * 7 %></body></html>\n",
    "form/form.py": """\
from mod_python import apache, util


def handler(req):
    form = util.FieldStorage(req, keep_blank_values=1)
    req.content_type = "text/plain"
    req.write("%s %s %d\\n" % (form.getfirst("name"), form.getfirst("count"), len(form.keys())))
    return apache.OK
""",
    "session/sess.py": """\
from mod_python import apache, Session


def handler(req):
    session = Session.Session(req)
    session["hits"] = session.get("hits", 0) + 1
    session.save()
    req.content_type = "text/plain"
    req.write("hits %d\\n" % session["hits"])
    return apache.OK
""",
    "static/decline.py": """\
from mod_python import apache


def handler(req):
    return apache.DECLINED
""",
    "wsgi/wsgiapp.py": """\
def application(environ, start_response):
    body = b"Hello from WSGI\\n"
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
""",
}

# The same sections under both servers; {docroot} and {sessions} are filled in.
SITE_SECTIONS = """\
<Directory "{docroot}/hello">
    SetHandler mod_python
    PythonHandler hello
</Directory>
<Directory "{docroot}/pub">
    SetHandler mod_python
    PythonHandler mod_python.publisher
</Directory>
<Directory "{docroot}/psp">
    AddHandler mod_python .psp
    PythonHandler mod_python.psp
</Directory>
<Directory "{docroot}/form">
    SetHandler mod_python
    PythonHandler form
</Directory>
<Directory "{docroot}/session">
    SetHandler mod_python
    PythonHandler sess
    PythonOption mod_python.session.session_type FileSession
    PythonOption mod_python.file_session.database_directory "{sessions}"
</Directory>
<Directory "{docroot}/static">
    SetHandler mod_python
    PythonHandler decline
</Directory>
<Location /wsgi>
    SetHandler mod_python
    PythonHandler mod_python.wsgi
    PythonPath "sys.path + ['{docroot}/wsgi']"
    PythonOption mod_python.wsgi.application wsgiapp::application
</Location>
"""

OUR_HEADER = """\
ServerName localhost
DocumentRoot "{docroot}"
ErrorLog "{root}/error_log"
LogLevel warn
"""


@dataclass
class Measurement:
    rate: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    problem: str = ""
    failed: int = 0  # non-2xx answers and socket errors during the load (rate still shown)
    failures: str = ""  # which: "3 non-2xx, 13 timeout"


# ---- the site --------------------------------------------------------------------------------


def write_site(root: Path) -> tuple[Path, Path]:
    """The document root, the sections snippet (for the oracle) and our full config."""
    docroot = root / "htdocs"
    sessions = root / "sessions"
    sessions.mkdir(parents=True)
    for name, text in FILES.items():
        path = docroot / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (docroot / "static/file.bin").write_bytes(bytes(range(256)) * (STATIC_SIZE // 256))
    # Apache's children run as www-data: everything readable, the session dir writable.
    for directory, _, files in os.walk(root):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)
    os.chmod(sessions, 0o777)
    sections = SITE_SECTIONS.format(docroot=docroot, sessions=sessions)
    snippet = root / "oracle.conf"
    snippet.write_text(sections)
    ours = root / "ours.conf"
    ours.write_text(OUR_HEADER.format(docroot=docroot, root=root) + sections)
    return snippet, ours


# ---- servers ---------------------------------------------------------------------------------


def start_oracle(docroot: Path, snippet: Path) -> int | None:
    if not SERVE_SH.exists() or not Path("/usr/lib/apache2/modules/mod_python.so").exists():
        return None
    result = subprocess.run(
        ["bash", str(SERVE_SH), "start", "--name", ORACLE_NAME, "--docroot", str(docroot),
         "--conf", str(snippet), "--module", "python"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        print(f"oracle did not start: {result.stderr.strip()}", file=sys.stderr)
        return None
    return int(result.stdout.split()[-1])


def stop_oracle() -> None:
    subprocess.run(["bash", str(SERVE_SH), "stop", "--name", ORACLE_NAME],
                   capture_output=True, timeout=60)  # fmt: skip


def start_ours(conf: Path, server: str, threads: int, processes: int):
    port = free_port()
    command = [sys.executable, "-m", "mod_python.cli", "serve", str(conf), "--listen",
               f"127.0.0.1:{port}", "--server", server, "--threads", str(threads)]  # fmt: skip
    if server == "bjoern":
        command[-2:] = []  # one thread per worker, whatever --threads says
    if server != "cheroot":
        command += ["--processes", str(processes)]
    return start_server(command, port), port


def backend_available(server: str) -> bool:
    module = {"cheroot": "cheroot", "gunicorn": "gunicorn", "granian": "granian",
              "bjoern": "bjoern"}[server]  # fmt: skip
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def start_bare(server: str, threads: int, processes: int):
    """The bare WSGI hello app on ``server``, as ours is run there (threads, processes)."""
    port = free_port()
    command = [sys.executable, __file__, "--serve-bare", server, "--bare-port", str(port),
               "--threads", str(threads), "--processes", str(processes)]  # fmt: skip
    return start_server(command, port), port


def serve_bare(server: str, port: int, threads: int, processes: int) -> None:
    """Run ``bare_hello_app`` on ``server`` until SIGTERM (the subprocess side)."""
    import signal

    # Worker processes (granian, gunicorn) import the app by name from here.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(BENCH_DIR), str(REPO_ROOT), os.environ.get("PYTHONPATH")])
    )
    if server == "cheroot":
        from cheroot import wsgi

        httpd = wsgi.Server(("127.0.0.1", port), bare_hello_app, numthreads=threads)
        signal.signal(signal.SIGTERM, interrupt)
        httpd.safe_start()
    elif server == "gunicorn":
        from gunicorn.app.base import BaseApplication

        class Bare(BaseApplication):
            def load_config(self) -> None:
                settings = {"bind": [f"127.0.0.1:{port}"], "workers": processes,
                            "threads": threads, "control_socket_disable": True}  # fmt: skip
                for key, value in settings.items():
                    if key in self.cfg.settings:
                        self.cfg.set(key, value)

            def load(self):
                return bare_hello_app

        Bare().run()
    elif server == "bjoern":
        serve_bare_on_bjoern(port, processes)
    else:
        from granian import Granian
        from granian.constants import Interfaces

        Granian("hello:bare_hello_app", address="127.0.0.1", port=port,
                interface=Interfaces.WSGI, workers=processes,
                blocking_threads=threads).serve()  # fmt: skip


def serve_bare_on_bjoern(port: int, processes: int) -> None:
    """The bare app on bjoern workers set up as ``serve --server bjoern`` sets up ours."""
    from mod_python import backends

    backends.serve_on_bjoern("127.0.0.1", port, processes, lambda: bare_hello_app, lambda: None)


# ---- load ------------------------------------------------------------------------------------


def first_request(port: int, case: Case) -> tuple[int, str | None]:
    """Status of one GET, and the session cookie it set (the case then reuses it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", case.path)
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie")
    finally:
        connection.close()
    return response.status, cookie.split(";", 1)[0] if cookie else None


def measure(port: int, case: Case, connections: int, duration: int, rounds: int) -> Measurement:
    try:
        status, cookie = first_request(port, case)
    except OSError as error:
        return Measurement(problem=f"no answer ({error})")
    if status != 200:
        return Measurement(problem=f"status {status}")
    return load_with_wrk(port, case, connections, duration, rounds, cookie)


def load_with_wrk(
    port: int, case: Case, connections: int, duration: int, rounds: int, cookie: str | None
) -> Measurement:
    """The median of ``rounds`` wrk runs against ``case`` (by requests/s)."""
    headers = ["-H", f"Cookie: {cookie}"] if case.session and cookie else []
    results = []
    for _ in range(rounds):
        command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", *headers,
                   f"http://127.0.0.1:{port}{case.path}"]  # fmt: skip
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 60
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        results.append((rate, _latency(output, "50%"), _latency(output, "99%"), _failed(output)))
    rate, p50, p99, (failed, how) = sorted(results)[len(results) // 2]  # the median round
    return Measurement(rate, p50, p99, failed=failed, failures=how)


def _failed(wrk_output: str) -> tuple[int, str]:
    """How many requests failed, and how: wrk's non-2xx/3xx and socket error counts."""
    failed, kinds = 0, []
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", wrk_output)
    if match:
        failed += int(match.group(1))
        kinds.append(f"{match.group(1)} non-2xx")
    match = re.search(r"Socket errors:(.*)", wrk_output)
    if match:
        for kind, number in re.findall(r"(\w+) (\d+)", match.group(1)):
            if int(number):
                failed += int(number)
                kinds.append(f"{number} {kind}")
    return failed, ", ".join(kinds)


def _latency(wrk_output: str, percentile: str) -> float | None:
    match = re.search(rf"^\s*{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", wrk_output, re.M)
    if not match:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
    return float(match.group(1)) * scale


def missing_module(case: Case) -> str | None:
    if case.needs is None:
        return None
    try:
        __import__(case.needs)
    except ImportError:
        return f"{case.needs} missing"
    return None


# ---- in-process ------------------------------------------------------------------------------


def environ_for(path: str, cookie: str | None) -> dict:
    uri, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": uri, "QUERY_STRING": query,
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "REQUEST_URI": path,
        "HTTP_HOST": "localhost", "HTTP_USER_AGENT": "bench", "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }  # fmt: skip
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def call_lean(app, environ: dict) -> None:
    """One call as the timing loop makes it: the least a WSGI server does per request."""
    environ = environ.copy()
    environ["wsgi.input"] = io.BytesIO(b"")
    written: list[bytes] = []
    result = app(environ, lambda status, headers, exc_info=None: written.append)
    written.extend(result)
    close = getattr(result, "close", None)
    if close is not None:
        close()


def call_in_process(app, environ: dict) -> tuple[str, dict, bytes]:
    seen: dict = {}
    written: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return written.append

    result = app(dict(environ, **{"wsgi.input": io.BytesIO(b"")}), start_response)
    try:
        written.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    return seen["status"], dict(seen["headers"]), b"".join(written)


def in_process(conf: Path, case: Case, rounds: int, calls: int) -> tuple[float, float] | str:
    """(median, best) CPU µs per request, or why the case could not run."""
    from mod_python.wsgi_entry import build_engine

    app = build_engine(str(conf))
    status, headers, _ = call_in_process(app, environ_for(case.path, None))
    if not status.startswith("200"):
        return f"status {status}"
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0] or None
    environ = environ_for(case.path, cookie if case.session else None)
    return time_calls(app, environ, rounds, calls)


def time_calls(app, environ: dict, rounds: int, calls: int) -> tuple[float, float]:
    """(median, best) over ``rounds`` of the mean CPU µs of ``calls`` lean calls."""
    return cpu_microseconds(lambda: call_lean(app, environ), rounds, calls, min(calls, 500))


# ---- the report ------------------------------------------------------------------------------


def _cell(measurement: Measurement | None) -> str:
    if measurement is None:
        return f"{'-':>28}"
    if measurement.problem:
        return f"{measurement.problem[:28]:>28}"
    p50 = f"{measurement.p50_ms:.2f}" if measurement.p50_ms is not None else "?"
    p99 = f"{measurement.p99_ms:.2f}" if measurement.p99_ms is not None else "?"
    flag = "!" if measurement.failed else " "  # listed under the table
    return f"{measurement.rate:>11,.0f}{flag} {p50:>7} {p99:>7}"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


BARE = Case("bare-wsgi", "/", None)  # the bare WSGI hello app: any path says hello
HELLO_TARGETS = {"cheroot": 0.85, "granian": 0.60}  # hello / bare WSGI on that back-end
IN_PROCESS_TARGETS = {"hello": 25.0, "publisher": 60.0}  # engine µs per request, at most


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per case")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1, help="wrk rounds per case (median)")
    parser.add_argument("--threads", type=int, default=16, help="threads per process of ours")
    parser.add_argument("--processes", type=int, default=2,
                        help="gunicorn/granian/bjoern workers")  # fmt: skip
    parser.add_argument("--servers", default="cheroot,gunicorn,granian,granian:1,bjoern",
                        help="back-ends, each NAME or NAME:THREADS")  # fmt: skip
    parser.add_argument("--cases", default=",".join(case.name for case in CASES))
    parser.add_argument("--skip-oracle", action="store_true")
    parser.add_argument("--skip-sockets", action="store_true", help="in-process numbers only")
    parser.add_argument("--skip-bare", action="store_true", help="no bare WSGI hello rows")
    parser.add_argument("--calls", type=int, default=3000, help="in-process calls per round")
    parser.add_argument("--micro-rounds", type=int, default=5, help="in-process rounds")
    parser.add_argument("--serve-bare", metavar="SERVER", help=argparse.SUPPRESS)
    parser.add_argument("--bare-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.bare_port, args.threads, args.processes)
        return 0
    wanted = set(args.cases.split(","))
    cases = [case for case in CASES if case.name in wanted]
    servers = [name for name in args.servers.split(",") if name]

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("mod_python benchmark suite: the real module (Apache prefork) and ours, same site")
    print(f"machine: nproc {cpus}, Python {platform.python_version()}, "
          f"{platform.platform(terse=True)}; load average at start {_load_average()}")  # fmt: skip
    print(f"load: wrk -t1 -c{args.connections} -d{args.duration}s --latency, "
          f"median of {args.rounds} round(s) per cell; ours: {args.threads} threads per "
          f"process (NAME:N: N threads; bjoern 1), gunicorn/granian/bjoern {args.processes} "
          f"processes; cheroot {_version('cheroot')}, gunicorn {_version('gunicorn')}, "
          f"granian {_version('granian')}, bjoern {_version('bjoern')}")  # fmt: skip
    print()

    table: dict[str, dict[str, Measurement]] = {case.name: {} for case in [*cases, BARE]}
    micro: dict[str, tuple[float, float] | str] = {}
    with tempfile.TemporaryDirectory(prefix="mp-suite-") as directory:
        root = Path(directory)
        os.chmod(root, 0o755)
        snippet, ours_conf = write_site(root)
        docroot = root / "htdocs"
        if not args.skip_sockets:
            if not shutil.which("wrk"):
                raise SystemExit("wrk is not installed (Debian package wrk)")
            run_sockets(args, cases, servers, table, docroot, snippet, ours_conf)
            print_table([*cases, *([] if args.skip_bare else [BARE])], servers, table)
            print(f"load average after the socket runs: {_load_average()}")
        print()
        title = f"engine in-process, CPU µs/request ({args.micro_rounds} x {args.calls} calls)"
        print(f"{title:<60}{'median':>8}{'best':>8}")
        bare = time_calls(bare_hello_app, environ_for("/", None), args.micro_rounds, args.calls)
        print(f"{'(bare WSGI hello: the timing loop itself)':<60}{bare[0]:>8.1f}{bare[1]:>8.1f}")
        for case in cases:
            problem = missing_module(case)
            micro[case.name] = result = problem or in_process(
                ours_conf, case, args.micro_rounds, args.calls
            )
            if isinstance(result, str):
                print(f"{case.name:<60}{result:>16}")
            else:
                print(f"{case.name:<60}{result[0]:>8.1f}{result[1]:>8.1f}")
    print()
    print_targets(table, micro, servers, sockets=not args.skip_sockets)
    return 0


def run_sockets(args, cases, servers, table, docroot: Path, snippet: Path, ours_conf: Path):
    """Every case on the real module, then on each of our back-ends (and the bare app)."""
    oracle_port = None if args.skip_oracle else start_oracle(docroot, snippet)
    try:
        if oracle_port:
            for case in cases:
                table[case.name]["real"] = measure(
                    oracle_port, case, args.connections, args.duration, args.rounds
                )
    finally:
        if oracle_port:
            stop_oracle()
    for server in servers:
        name, threads = server_and_threads(server, args.threads)
        if not backend_available(name):
            for case in [*cases, BARE]:
                table[case.name][server] = Measurement(problem=f"{server} missing")
            continue
        process, port = start_ours(ours_conf, name, threads, args.processes)
        try:
            for case in cases:
                problem = missing_module(case)
                table[case.name][server] = (
                    Measurement(problem=problem)
                    if problem
                    else measure(port, case, args.connections, args.duration, args.rounds)
                )
        finally:
            stop_server(process)
        if not args.skip_bare:
            process, port = start_bare(name, threads, args.processes)
            try:
                table[BARE.name][server] = measure(
                    port, BARE, args.connections, args.duration, args.rounds
                )
            finally:
                stop_server(process)


def server_and_threads(server: str, default_threads: int) -> tuple[str, int]:
    """``granian:1`` -> ("granian", 1); a plain name gets ``--threads``; bjoern has 1."""
    name, _, threads = server.partition(":")
    if name == "bjoern":
        return name, 1
    return name, int(threads) if threads else default_threads


def _load_average() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def print_table(cases: list[Case], servers: list[str], table: dict) -> None:
    columns = ["real", *servers]
    header = f"{'case':<10}" + "".join(f"{name + ' req/s p50ms p99ms':>29}" for name in columns)
    print(header + "".join(f"{server + '/real':>16}" for server in servers))
    for case in cases:
        row = table[case.name]
        line = f"{case.name:<10}" + "".join(" " + _cell(row.get(name)) for name in columns)
        real = row.get("real")
        for server in servers:
            ours = row.get(server)
            if real and real.rate and ours and ours.rate:
                line += f"{ours.rate / real.rate:>16.2f}"
            else:
                line += f"{'-':>16}"
        print(line)
    for case in cases:
        for column in columns:
            measurement = table[case.name].get(column)
            if measurement is not None and measurement.failed:
                print(f"  ! {case.name} on {column}: {measurement.failed} failed requests "
                      f"during the load ({measurement.failures})")  # fmt: skip


def _rate(table: dict, case: str, column: str) -> float | None:
    measurement = table.get(case, {}).get(column)
    return measurement.rate if measurement is not None else None


def print_targets(table: dict, micro: dict, servers: list[str], sockets: bool) -> None:
    """The issue's "done when" list, each with this run's figure."""
    rows: list[tuple[str, str, bool | None]] = []
    if sockets:
        for case in ("hello", "publisher", "psp"):
            real = _rate(table, case, "real")
            best = max(((_rate(table, case, s) or 0.0, s) for s in servers), default=(0.0, "-"))
            if real and best[0]:
                ratio = best[0] / real
                rows.append((f"{case}: ours (best, {best[1]}) / real >= 1.00",
                             f"{ratio:.2f}", ratio >= 1.0))  # fmt: skip
            else:
                rows.append((f"{case}: ours (best back-end) / real >= 1.00", "not measured", None))
        for server, wanted in HELLO_TARGETS.items():
            hello, bare = _rate(table, "hello", server), _rate(table, BARE.name, server)
            label = f"hello on {server} / bare WSGI on {server} >= {wanted:.2f}"
            if hello and bare:
                rows.append((label, f"{hello / bare:.2f}", hello / bare >= wanted))
            else:
                rows.append((label, "not measured", None))
    for case, limit in IN_PROCESS_TARGETS.items():
        result = micro.get(case)
        label = f"engine in-process {case} <= {limit:.0f} µs (median)"
        if isinstance(result, tuple):
            rows.append((label, f"{result[0]:.1f} µs", result[0] <= limit))
        else:
            rows.append((label, result or "not measured", None))
    print("targets (issue 11)")
    for label, figure, met in rows:
        verdict = {True: "met", False: "NOT met", None: "-"}[met]
        print(f"  {label:<58}{figure:>14}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
