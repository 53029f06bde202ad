"""A published hello-world function vs a raw mod_python handler vs a bare WSGI app.

    python benchmarks/publisher.py [--duration 5] [--repeat 3] [--rounds 7] [--profile N]

Over sockets: one ``mod_python serve`` (cheroot) serving both the raw handler
(``/raw/hello.py``) and the publisher (``/pub/hello.py/hello``), and the bare WSGI app in
its own cheroot, loaded in alternating rounds by ``wrk -t1 -cN -dDs`` (or a Python client
without wrk), median per target. In-process: the engine called directly with a prebuilt environ, CPU µs per request.
The target: the publisher costs at most 1.3x the raw handler per request (the real module:
16.0k vs 26.3k req/s on this machine, 1.65x).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hello  # noqa: E402 - the hello-world benchmark's servers, load generators and client

RAW_HANDLER = hello.HELLO_HANDLER

PUBLISHED_PAGE = """\
def hello(req):
    return "Hello from mod_python\\n"
"""

SITE_CONF = """\
ServerName localhost
DocumentRoot htdocs
ErrorLog stderr
LogLevel warn
<Directory htdocs/raw>
    SetHandler mod_python
    PythonHandler hello
</Directory>
<Directory htdocs/pub>
    SetHandler mod_python
    PythonHandler mod_python.publisher
</Directory>
"""

PATHS = {"mod_python handler": "/raw/hello.py", "publisher function": "/pub/hello.py/hello"}


def write_site(directory: Path) -> Path:
    for sub, text in (("raw", RAW_HANDLER), ("pub", PUBLISHED_PAGE)):
        (directory / "htdocs" / sub).mkdir(parents=True)
        (directory / "htdocs" / sub / "hello.py").write_text(text)
    conf = directory / "httpd.conf"
    conf.write_text(SITE_CONF)
    return conf


def environ_for(path: str) -> dict:
    environ = hello.hello_environ()
    environ["PATH_INFO"] = environ["REQUEST_URI"] = path
    return environ


def microseconds_per_call(app, path: str, rounds: int, calls: int) -> tuple[float, float]:
    """(median, best) over ``rounds`` of the mean CPU µs of ``calls`` calls to ``path``."""
    environ = environ_for(path)
    if hello.call_once(app, environ) != hello.BODY:
        raise SystemExit(f"{path} did not say hello: {hello.call_once(app, environ)!r}")
    for _ in range(min(calls, 2000)):
        hello.call_once(app, environ)
    timings = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            hello.call_once(app, environ)
        timings.append((time.process_time() - started) / calls * 1e6)
    return statistics.median(timings), min(timings)


def over_sockets(conf: Path, args, use_wrk: bool) -> list[tuple[str, float]]:
    measure = hello.run_wrk if use_wrk else hello.run_python_client
    bare_port, engine_port = hello.free_port(), hello.free_port()
    bare = hello.start_server(
        [sys.executable, hello.__file__, "--serve-bare", str(bare_port),
         "--threads", str(args.threads)], bare_port,
    )  # fmt: skip
    engine = hello.start_server(
        [sys.executable, "-m", "mod_python.cli", "serve", str(conf),
         "--listen", f"127.0.0.1:{engine_port}", "--threads", str(args.threads)],
        engine_port,
    )  # fmt: skip
    targets = [("bare WSGI app", f"http://127.0.0.1:{bare_port}/hello.py")] + [
        (name, f"http://127.0.0.1:{engine_port}{path}") for name, path in PATHS.items()
    ]
    try:
        for _name, url in targets:
            hello.check_response(url)
        # Rounds alternate the targets, so a burst of load elsewhere on the machine spreads
        # over all of them; each target's figure is its median.
        rates: dict[str, list[float]] = {name: [] for name, _ in targets}
        for _ in range(args.repeat):
            for name, url in targets:
                rates[name].append(measure(url, args.connections, args.duration))
        return [(name, statistics.median(values)) for name, values in rates.items()]
    finally:
        hello.stop_server(bare)
        hello.stop_server(engine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    hello.add_common_arguments(parser, calls=10000)
    parser.add_argument("--repeat", type=int, default=3, help="load rounds per target (median)")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile the publisher: top N")
    args = parser.parse_args(argv)

    use_wrk = args.client == "wrk" or (args.client == "auto" and bool(shutil.which("wrk")))
    load = f"wrk -t1 -c{args.connections} -d{args.duration}s" if use_wrk else "Python client"
    load += f", median of {args.repeat} alternating rounds"
    print("mod_python.publisher benchmark")
    print(f"servers: cheroot, {args.threads} threads; load: {load}")
    print()
    with tempfile.TemporaryDirectory(prefix="mp-bench-publisher-") as directory:
        conf = write_site(Path(directory))
        if not args.skip_sockets:
            rows = over_sockets(conf, args, use_wrk)
            raw_rate = dict(rows)["mod_python handler"]
            print(f"{'over sockets, on cheroot':<28}{'requests/s':>12}{'cost vs raw handler':>22}")
            for name, rate in rows:
                print(f"{name:<28}{rate:>12,.0f}{raw_rate / rate:>21.2f}x")
            print()

        from mod_python.wsgi_entry import build_engine

        engine_app = build_engine(str(conf))
        rows = [("bare WSGI app", hello.microseconds_per_call(hello.bare_hello_app, args.rounds,
                                                               args.calls))]  # fmt: skip
        rows += [
            (name, microseconds_per_call(engine_app, path, args.rounds, args.calls))
            for name, path in PATHS.items()
        ]
        raw = dict(rows)["mod_python handler"][0]
        title = f"in-process, CPU µs/request ({args.rounds} x {args.calls:,} calls)"
        print(f"{title:<52}{'median':>8}{'best':>8}{'vs raw':>8}")
        for name, (median, best) in rows:
            print(f"{name:<52}{median:>8.1f}{best:>8.1f}{median / raw:>7.2f}x")
        if args.profile:
            print()
            profile(engine_app, PATHS["publisher function"], args.calls, args.profile)
    return 0


def profile(app, path: str, calls: int, top: int) -> None:
    """cProfile of ``calls`` in-process publisher requests: the top functions by own time."""
    import cProfile
    import pstats

    environ = environ_for(path)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(calls):
        hello.call_once(app, environ)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"publisher profile: {calls:,} calls, top {top} by own time (cProfile inflates times)")
    print(f"{'own %':>6} {'cum %':>6} {'calls/req':>9}  function")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (filename, line, function), (_, ncalls, own, cumulative, _) in rows:
        where = filename.replace(str(hello.REPO_ROOT) + "/", "")
        print(
            f"{own / total * 100:>6.1f} {cumulative / total * 100:>6.1f} "
            f"{ncalls / calls:>9.1f}  {where}:{line}({function})"
        )


if __name__ == "__main__":
    sys.exit(main())
