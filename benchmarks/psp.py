"""PSP: a 200-line page with loops, rendered by ours, by the real mod_python and by Jinja2.

    python benchmarks/psp.py [--renders 10000] [--duration 5] [--connections 16] [--rounds 3]

Rows of the table:

* in process: the page's compiled code run ``--renders`` times against a stub request that
  collects the output (the template's own cost), then the whole request through the engine
  called as a WSGI app (no sockets), and the same page as a Jinja2 template rendered as many
  times;
* over HTTP: ``wrk -t1 -cN -dDs`` against ``mod_python serve`` (cheroot, a subprocess) and
  against the real Apache 2.4 + mod_python 3.5 (``../shared/oracle/serve.sh``, prefork), both
  serving the same document root;
* parsing: translating a generated 2,000-line template (target: under 20 ms), and compiling
  the generated code, median of 30.

Both servers must send the same page: the script checks the bodies are equal before loading.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import suite  # noqa: E402
from hello import free_port, start_server, stop_server  # noqa: E402
from suite import call_in_process, environ_for  # noqa: E402

ORACLE_NAME = "psp-bench"

# ---- the page ---------------------------------------------------------------------------------

PAGE_HEAD = """\
<%
products = [("item %d" % n, n * 3 % 17, n % 4 == 0) for n in range(40)]
sections = {"news": ["a", "b", "c"], "docs": ["install", "use"], "about": ["team"]}
title = "Catalogue & prices"
# end of setup
%>
<!DOCTYPE html>
<html>
<head>
  <title><%= title %></title>
  <meta charset="utf-8">
</head>
<body>
<nav>
<%
for name in sorted(sections):
    # one section
%>
  <h3><%= name %></h3>
  <ul>
<%
    for entry in sections[name]:
        # one entry
%>
    <li><a href="/<%= name %>/<%= entry %>"><%= entry %></a></li>
<%
    # end of entries
%>
  </ul>
<%
# end of sections
%>
</nav>
<table>
<%
for label, price, featured in products:
    if featured:
        css = "featured"
    else:
        css = "plain"
    # row
%>
  <tr class="<%= css %>"><td><%= label %></td><td><%= price %>.00</td></tr>
<%
# end of products
%>
</table>
"""
STATIC_LINE = '<p class="text">Static paragraph {n}: text that goes out unchanged, "quoted".</p>\n'
PAGE_LINES = 200

JINJA_PAGE_HEAD = """\
{%- set products = [] -%}
{%- for n in range(40) -%}{%- set _ = products.append(("item %d" % n, n * 3 % 17, n % 4 == 0)) -%}{%- endfor -%}
{%- set sections = {"news": ["a", "b", "c"], "docs": ["install", "use"], "about": ["team"]} -%}
{%- set title = "Catalogue & prices" %}
<!DOCTYPE html>
<html>
<head>
  <title>{{ title }}</title>
  <meta charset="utf-8">
</head>
<body>
<nav>
{% for name in sections|sort %}
  <h3>{{ name }}</h3>
  <ul>
{% for entry in sections[name] %}
    <li><a href="/{{ name }}/{{ entry }}">{{ entry }}</a></li>
{% endfor %}
  </ul>
{% endfor %}
</nav>
<table>
{% for label, price, featured in products %}
  <tr class="{{ 'featured' if featured else 'plain' }}"><td>{{ label }}</td><td>{{ price }}.00</td></tr>
{% endfor %}
</table>
"""


def page_text() -> str:
    """The 200-line PSP page: loops and conditions, then static paragraphs."""
    head_lines = PAGE_HEAD.count("\n")
    static = "".join(STATIC_LINE.format(n=n) for n in range(PAGE_LINES - head_lines - 2))
    return PAGE_HEAD + static + "</body>\n</html>\n"


def jinja_text() -> str:
    head_lines = PAGE_HEAD.count("\n")
    static = "".join(STATIC_LINE.format(n=n) for n in range(PAGE_LINES - head_lines - 2))
    return JINJA_PAGE_HEAD + static + "</body>\n</html>\n"


def long_template(lines: int = 2000) -> str:
    """A 2,000-line template mixing text, expressions, loops and comments."""
    block = [
        '<tr><td class="name">Row <%= i %> of "table"\\n</td></tr>\n',
        "<%\nfor i in range(3):\n    total = i\n%>\n",
        "    <li><%= total %></li>\n",
        "<%\n# end\n%>\n",
        "<%-- a comment --%>plain text line with some words\n",
    ]
    text, count, n = [], 0, 0
    while count < lines:
        piece = block[n % len(block)]
        text.append(piece)
        count += piece.count("\n")
        n += 1
    return "".join(text)


# ---- measurements -----------------------------------------------------------------------------


class StubRequest:
    """Just enough of a request for a page's code: write() collects the output."""

    def __init__(self):
        self.chunks: list = []

    def write(self, data, flush=1):
        self.chunks.append(data)


def pages_per_second(render, renders: int, rounds: int) -> float:
    """Best-of-rounds pages per second of ``render()`` called ``renders`` times."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(renders):
            render()
        best = min(best, time.perf_counter() - started)
    return renders / best


def psp_code_rate(page_path: Path, renders: int, rounds: int) -> tuple[float, str]:
    from mod_python.psp import parser

    code = compile(parser.parse(page_path.name, f"{page_path.parent}/"), str(page_path), "exec")

    def render():
        request = StubRequest()
        exec(code, {"req": request})
        return request

    body = "".join(render().chunks)
    return pages_per_second(render, renders, rounds), body


def engine_rate(conf: Path, renders: int, rounds: int) -> tuple[float, bytes]:
    from mod_python.wsgi_entry import build_engine

    app = build_engine(str(conf))
    environ = environ_for("/page.psp", None)
    status, _, body = call_in_process(app, environ)
    if not status.startswith("200"):
        raise SystemExit(f"the engine answered {status}")
    return pages_per_second(lambda: call_in_process(app, environ), renders, rounds), body


def jinja_rate(renders: int, rounds: int) -> tuple[float | None, str]:
    try:
        import jinja2
    except ImportError:
        return None, "jinja2 missing"
    template = jinja2.Environment(autoescape=False).from_string(jinja_text())
    body = template.render()
    return pages_per_second(template.render, renders, rounds), body


def parse_times(runs: int = 30) -> tuple[float, float, int]:
    """Median ms to translate, and to compile, the 2,000-line template; its line count."""
    from mod_python.psp import parser

    text = long_template()
    translate, build = [], []
    for _ in range(runs):
        started = time.perf_counter()
        source = parser.parsestring(text)
        translate.append(time.perf_counter() - started)
        started = time.perf_counter()
        compile(source, "long.psp", "exec")
        build.append(time.perf_counter() - started)
    return statistics.median(translate) * 1e3, statistics.median(build) * 1e3, text.count("\n")


def wrk_rate(port: int, connections: int, duration: int, rounds: int) -> tuple[float, str]:
    """Median requests/s over ``rounds`` wrk runs (after a 2 s warm-up), and any errors seen."""
    url = f"http://127.0.0.1:{port}/page.psp"
    subprocess.run(["wrk", "-t1", f"-c{connections}", "-d2s", url], capture_output=True,
                   timeout=60)  # fmt: skip
    rates, problems = [], []
    for _ in range(rounds):
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", url],
            capture_output=True, text=True, timeout=duration + 60,
        ).stdout  # fmt: skip
        problems += re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: .*)", output)
        rates.append(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)))
    return statistics.median(rates), "; ".join(problems)


def fetch(port: int) -> bytes:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/page.psp", timeout=30) as response:
        return response.read()


# ---- servers ----------------------------------------------------------------------------------

SECTIONS = """\
<Directory "{docroot}">
    AddHandler mod_python .psp
    PythonHandler mod_python.psp
</Directory>
"""
OUR_HEADER = """\
ServerName localhost
DocumentRoot "{docroot}"
ErrorLog "{root}/error_log"
LogLevel warn
"""


def write_site(root: Path) -> tuple[Path, Path, Path]:
    docroot = root / "htdocs"
    docroot.mkdir(parents=True)
    page = docroot / "page.psp"
    page.write_text(page_text())
    for directory, _, files in os.walk(root):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)
    snippet = root / "oracle.conf"
    snippet.write_text(SECTIONS.format(docroot=docroot))
    ours = root / "ours.conf"
    ours.write_text(
        OUR_HEADER.format(docroot=docroot, root=root) + SECTIONS.format(docroot=docroot)
    )
    return page, snippet, ours


def start_oracle(docroot: Path, snippet: Path) -> int | None:
    suite.ORACLE_NAME = ORACLE_NAME  # an instance of its own, beside suite.py's
    return suite.start_oracle(docroot, snippet)


def stop_oracle() -> None:
    suite.ORACLE_NAME = ORACLE_NAME
    suite.stop_oracle()


# ---- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=10_000, help="renders per in-process round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (best in process, "
                        "median over HTTP)")  # fmt: skip
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--no-http", action="store_true", help="only the in-process rows")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="psp-bench-", dir="/tmp"))
    page, snippet, ours_conf = write_site(root)
    rows: list[tuple[str, str, str]] = []
    try:
        rate, psp_body = psp_code_rate(page, args.renders, args.rounds)
        rows.append(("ours: page code, stub request (in process)", f"{rate:,.0f}", ""))
        rate, engine_body = engine_rate(ours_conf, args.renders, args.rounds)
        rows.append(("ours: whole request, engine as WSGI app (in process)", f"{rate:,.0f}", ""))
        rate, jinja_body = jinja_rate(args.renders, args.rounds)
        if rate is None:
            rows.append(("Jinja2: the same page, render() (in process)", "-", jinja_body))
        else:
            same = "same text" if jinja_body == psp_body else "whitespace differs"
            rows.append(("Jinja2: the same page, render() (in process)", f"{rate:,.0f}", same))
        if not args.no_http:
            rows += http_rows(args, root, snippet, ours_conf, engine_body)
        translate_ms, compile_ms, lines = parse_times()
    finally:
        stop_oracle()
        shutil.rmtree(root, ignore_errors=True)

    print(f"PSP page: {PAGE_LINES} lines, {len(engine_body):,} bytes of HTML; "
          f"{args.renders:,} renders per in-process round, best of {args.rounds}")  # fmt: skip
    print(f"machine: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.platform()}")  # fmt: skip
    print()
    width = max(len(name) for name, _, _ in rows)
    print(f"{'':{width}}  {'pages/s':>10}  note")
    for name, rate_text, note in rows:
        print(f"{name:{width}}  {rate_text:>10}  {note}")
    print()
    verdict = "under" if translate_ms < 20 else "OVER"
    print(f"parse a {lines:,}-line template: {translate_ms:.2f} ms (target 20 ms: {verdict}); "
          f"compile its code: {compile_ms:.2f} ms")  # fmt: skip
    return 0


def http_rows(args, root: Path, snippet: Path, ours_conf: Path, engine_body: bytes) -> list:
    rows = []
    load = f"wrk -t1 -c{args.connections} -d{args.duration}s, median of {args.rounds}"
    if not shutil.which("wrk"):
        return [("over HTTP", "-", "wrk is not installed")]
    port = free_port()
    command = [sys.executable, "-m", "mod_python.cli", "serve", str(ours_conf), "--listen",
               f"127.0.0.1:{port}", "--threads", "16"]  # fmt: skip
    server = start_server(command, port)
    try:
        if fetch(port) != engine_body:
            raise SystemExit("our server sent another page than the engine in process")
        rate, problems = wrk_rate(port, args.connections, args.duration, args.rounds)
        note = f"{load}; {problems}" if problems else load
        rows.append(
            ("ours over HTTP: mod_python serve (cheroot, 16 threads)", f"{rate:,.0f}", note)
        )
    finally:
        stop_server(server)
    oracle_port = start_oracle(root / "htdocs", snippet)
    if oracle_port is None:
        rows.append(("real mod_python 3.5 over HTTP (Apache prefork)", "-", "oracle missing"))
        return rows
    if fetch(oracle_port) != engine_body:
        raise SystemExit("the real mod_python sent another page than ours")
    rate, problems = wrk_rate(oracle_port, args.connections, args.duration, args.rounds)
    note = f"{load}; same body" + (f"; {problems}" if problems else "")
    rows.append(("real mod_python 3.5 over HTTP (Apache prefork)", f"{rate:,.0f}", note))
    return rows


if __name__ == "__main__":
    sys.exit(main())
