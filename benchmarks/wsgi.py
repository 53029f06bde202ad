"""A WSGI hello world bare, through WSGIScriptAlias, and under PythonHandler mod_python.wsgi.

    python benchmarks/wsgi.py [--duration 5] [--connections 16] [--rounds 7]

The same application three ways: bare on cheroot; as a mod_wsgi script file mapped by
``WSGIScriptAlias`` in our engine; as ``PythonOption mod_python.wsgi.application`` in our
engine. Over sockets each is served by cheroot in its own subprocess and loaded by wrk (or a
Python keep-alive client); in-process the engine is called directly with a prebuilt environ.
The engine's overhead per request is its in-process CPU time minus the bare application's.
Load generation and timing are those of benchmarks/hello.py.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from hello import (
    BODY,
    add_common_arguments,
    bare_hello_app,
    check_response,
    microseconds_per_call,
    run_python_client,
    run_wrk,
    start_bare_and_engine,
    stop_server,
)

HELLO_SCRIPT = """\
BODY = b"Hello from mod_python\\n"


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]
"""

# /hello.py is the path benchmarks/hello.py's in-process environ asks for.
SITE_CONF = """\
ServerName localhost
DocumentRoot "{root}/htdocs"
ErrorLog stderr
LogLevel warn
WSGIScriptAlias /hello.py "{root}/scripts/hello.wsgi"
WSGIScriptAlias /script/hello.py "{root}/scripts/hello.wsgi"
PythonPath "sys.path + [r'{root}/scripts']"
<Location /bridge>
    SetHandler mod_python
    PythonHandler mod_python.wsgi
    PythonOption mod_python.wsgi.application hello_app
</Location>
"""


def write_site(root: Path) -> Path:
    (root / "htdocs").mkdir()
    (root / "scripts").mkdir()
    (root / "scripts" / "hello.wsgi").write_text(HELLO_SCRIPT)
    (root / "scripts" / "hello_app.py").write_text(HELLO_SCRIPT)
    conf = root / "httpd.conf"
    conf.write_text(SITE_CONF.format(root=root))
    return conf


def with_path(app, path_info: str):
    """The app called with another PATH_INFO/REQUEST_URI than hello.py's environ has."""

    def call(environ, start_response):
        environ["PATH_INFO"] = environ["REQUEST_URI"] = path_info
        return app(environ, start_response)

    return call


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser)
    args = parser.parse_args(argv)

    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("WSGI hello-world benchmark: bare vs WSGIScriptAlias vs mod_python.wsgi")
    print(f"machine: nproc {cpus}, Python {platform.python_version()}, "
          f"{platform.platform(terse=True)}")  # fmt: skip
    print()
    with tempfile.TemporaryDirectory(prefix="mp-wsgi-bench-") as directory:
        conf = write_site(Path(directory))
        if not args.skip_sockets:
            measure = run_wrk if use_wrk else run_python_client
            load = "wrk -t1" if use_wrk else "Python keep-alive client"
            (bare, bare_port), (engine, engine_port) = start_bare_and_engine(conf, args.threads)
            try:
                rows = []
                for name, port, path in (
                    ("bare WSGI app", bare_port, "/hello.py"),
                    ("WSGIScriptAlias (wsgi-script)", engine_port, "/script/hello.py"),
                    ("PythonHandler mod_python.wsgi", engine_port, "/bridge/hello"),
                ):
                    url = f"http://127.0.0.1:{port}{path}"
                    check_response(url)
                    rows.append((name, measure(url, args.connections, args.duration)))
            finally:
                stop_server(bare)
                stop_server(engine)
            baseline = rows[0][1]
            title = f"over sockets, cheroot {args.threads} threads, {load} -c{args.connections}"
            print(f"{title:<58}{'req/s':>10}{'vs bare':>9}")
            for name, rate in rows:
                print(f"{name:<58}{rate:>10,.0f}{rate / baseline:>9.2f}")
            print()

        from mod_python.wsgi_entry import build_engine

        engine_app = build_engine(str(conf))
        rows = [
            ("bare WSGI app", bare_hello_app),
            ("WSGIScriptAlias (wsgi-script)", engine_app),
            ("PythonHandler mod_python.wsgi", with_path(engine_app, "/bridge/hello")),
        ]
        timings = [
            (name, microseconds_per_call(app, args.rounds, args.calls)) for name, app in rows
        ]
        bare_median = timings[0][1][0]
        title = f"in-process, CPU µs/request ({args.rounds} x {args.calls:,} calls)"
        print(f"{title:<58}{'median':>8}{'best':>8}{'overhead':>10}")
        for name, (median, best) in timings:
            print(f"{name:<58}{median:>8.1f}{best:>8.1f}{median - bare_median:>10.1f}")
    assert BODY == b"Hello from mod_python\n"
    return 0


if __name__ == "__main__":
    sys.exit(main())
