"""Differential testing against the real Apache 2.4 + mod_python 3.5 (the oracle).

One session builds one document root (a copy of ``site/``) and one config snippet
(``site/site.conf``), starts one oracle instance with ``../shared/oracle/serve.sh`` and one
of ours (the Engine served by cheroot in a thread), and hands tests a ``servers`` object:
``servers.exchange(method, path, headers=..., body=...)`` sends the same raw HTTP/1.1 request
to both and returns ``(ours, oracle)`` parsed responses; ``servers.assert_same(...)`` also
compares them on what matters (see ``comparable``).

Skipped as a whole when Apache or mod_python.so is not installed.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SITE = HERE / "site"
SERVE_SH = Path(
    os.environ.get("ORACLE_SERVE_SH", HERE.parents[2] / "shared" / "oracle" / "serve.sh")
)
REQUIRED = [Path("/usr/sbin/apache2"), Path("/usr/lib/apache2/modules/mod_python.so"), SERVE_SH]
MISSING = [str(path) for path in REQUIRED if not path.exists()]

# Headers that say nothing about mod_python's behaviour.
IGNORED_HEADERS = {"date", "server", "keep-alive"}
# Headers whose value is a timestamp or a file identity: only their presence is compared.
PRESENCE_ONLY = {"expires", "etag", "last-modified"}


@dataclass
class RawResponse:
    """One response as read off the socket."""

    status_line: str
    headers: list[tuple[str, str]]
    body: bytes
    framing: str  # "chunked", "length" or "none"
    port: int

    @property
    def status(self) -> int:
        return int(self.status_line.split()[1])

    def header(self, name: str, default=None):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def read_response(sock: socket.socket, method: str, port: int,
                  skip_continue: bool = False) -> RawResponse:  # fmt: skip
    reader = sock.makefile("rb")
    while True:
        status_line, headers = _read_head(reader)
        # cheroot answers "Expect: 100-continue" at once, httpd only when the body is read:
        # both are allowed, so the interim response is skipped as a client would.
        if not (skip_continue and status_line.split()[1] == "100" and not headers):
            break
    lowered = {name.lower(): value for name, value in headers}
    status = int(status_line.split()[1])
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        framing, body = "chunked", _read_chunked(reader) if method != "HEAD" else b""
    elif "content-length" in lowered:
        length = int(lowered["content-length"])
        framing, body = "length", reader.read(length) if method != "HEAD" else b""
    elif method == "HEAD" or status in (204, 304):
        framing, body = "none", b""
    else:
        framing, body = "none", reader.read()
    return RawResponse(status_line, headers, body, framing, port)


def _read_head(reader) -> tuple[str, list[tuple[str, str]]]:
    status_line = reader.readline().decode("latin-1").rstrip("\r\n")
    headers = []
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            return status_line, headers
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))


def _read_chunked(reader) -> bytes:
    body = []
    while True:
        size = int(reader.readline().split(b";")[0].strip(), 16)
        if size == 0:
            while reader.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(body)
        body.append(reader.read(size))
        reader.readline()


def send_raw(port: int, method: str, path: str, headers: dict | None, body: bytes,
             protocol: str = "HTTP/1.1") -> RawResponse:  # fmt: skip
    """One request on a fresh keep-alive connection; the socket is closed after the reply."""
    lines = [f"{method} {path} {protocol}", f"Host: 127.0.0.1:{port}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body and not any(name.lower() == "content-length" for name in headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(raw)
        expects = any(name.lower() == "expect" for name in headers or {})
        return read_response(sock, method, port, skip_continue=expects)


def comparable(response: RawResponse, ignore_headers: tuple[str, ...] = ()) -> dict:
    """The parts of a response the two servers must agree on, with server noise removed.

    Connection is kept only when it is "close" (httpd closes after some error statuses);
    "keep-alive" is connection bookkeeping. Transfer-Encoding is not compared as a header
    but as ``framing`` (chunked, Content-Length or end at close), which mod_python decides
    through flushed or unflushed writes, so it is always compared.
    """
    port_text = f"127.0.0.1:{response.port}"
    headers = []
    for name, value in response.headers:
        key = name.lower()
        if key in IGNORED_HEADERS or key == "transfer-encoding" or key in ignore_headers:
            continue
        if key == "connection" and value.lower() != "close":
            continue
        if key in PRESENCE_ONLY:
            value = "<present>"
        headers.append((name, value.replace(port_text, "127.0.0.1:PORT")))
    headers.sort(key=lambda item: item[0].lower())
    return {
        "status_line": response.status_line,
        "headers": headers,
        "framing": response.framing,
        "body": response.body.replace(port_text.encode(), b"127.0.0.1:PORT"),
    }


class Servers:
    """Our engine and the oracle, serving the same document root and config."""

    comparable = staticmethod(comparable)

    def __init__(self, docroot: Path, our_port: int, oracle_port: int, our_log, oracle_log: Path):
        self.docroot = docroot
        self.our_port = our_port
        self.oracle_port = oracle_port
        self._our_log = our_log
        self._oracle_log = oracle_log
        self._log_marks = (0, 0)

    def exchange(self, method: str, path: str, headers: dict | None = None, body: bytes = b"",
                 protocol: str = "HTTP/1.1") -> tuple[RawResponse, RawResponse]:  # fmt: skip
        self._log_marks = (len(self._our_log.getvalue()), self._oracle_log_size())
        ours = send_raw(self.our_port, method, path, headers, body, protocol)
        oracle = send_raw(self.oracle_port, method, path, headers, body, protocol)
        return ours, oracle

    def assert_same(self, method: str, path: str, headers: dict | None = None, body: bytes = b"",
                    *, ignore_headers: tuple[str, ...] = (), protocol: str = "HTTP/1.1",
                    ) -> tuple[RawResponse, RawResponse]:  # fmt: skip
        """Send to both and assert status line, headers that matter, framing and body agree.

        ``ignore_headers`` is for a difference a test has shown to be the HTTP server's
        connection bookkeeping, never mod_python's behaviour; the test says why.
        """
        ours, oracle = self.exchange(method, path, headers, body, protocol)
        ignored = tuple(name.lower() for name in ignore_headers)
        mine, theirs = comparable(ours, ignored), comparable(oracle, ignored)
        if method == "HEAD" and ours.header("Content-Length") is None:
            # Framing bookkeeping: cheroot closes a HEAD response that has no length (it
            # does not know the length), httpd keeps the connection. Not the engine's doing.
            if ("Connection", "close") not in theirs["headers"]:
                mine["headers"] = [h for h in mine["headers"] if h != ("Connection", "close")]
        assert mine == theirs, self.logs_tail()
        return ours, oracle

    def _oracle_log_size(self) -> int:
        try:
            return self._oracle_log.stat().st_size
        except OSError:
            return 0

    def logs_tail(self, lines: int = 8) -> str:
        """What both error logs got during the last exchange, for assertion messages."""
        our_mark, oracle_mark = self._log_marks
        ours = self._our_log.getvalue()[our_mark:].splitlines()[-lines:]
        try:
            with open(self._oracle_log, "rb") as log:
                log.seek(oracle_mark)
                theirs = log.read().decode(errors="replace").splitlines()[-lines:]
        except OSError:
            theirs = []
        return "our error log:\n" + "\n".join(ours) + "\noracle error log:\n" + "\n".join(theirs)


@pytest.fixture(scope="session")
def servers():
    """``Servers`` for ``site/`` and its ``site.conf``."""
    yield from serve_site([SITE], SITE / "site.conf", "mp-oracle-tests")


def serve_site(sources: list[Path], conf_template: Path, name: str, module: str = "python"):
    """Both servers on a site of their own: ``sources`` copied (in order, without their
    ``site.conf``) into a fresh document root under /tmp, ``conf_template`` with ``{docroot}`` filled in, the oracle
    run as instance ``name`` with Apache module ``module`` (serve.sh --module: python or
    wsgi). Yields ``Servers``; stops both and removes the copy after.
    For a package's session fixture: ``yield from serve_site(...)``."""
    if MISSING:
        pytest.skip(f"the oracle (real Apache + mod_python) is not installed: {', '.join(MISSING)}")
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix=f"{name}-"))
    docroot = base / "htdocs"
    for source in sources:
        shutil.copytree(source, docroot, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "site.conf"))  # fmt: skip
    conf_text = conf_template.read_text().replace("{docroot}", str(docroot))
    conf_path = base / "site.conf"
    conf_path.write_text(conf_text)
    run_dir = base / "run"
    run_dir.mkdir()
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    env = {**os.environ, "ORACLE_RUN_DIR": str(run_dir)}
    started = subprocess.run(
        [str(SERVE_SH), "start", "--name", name, "--docroot", str(docroot), "--conf",
         str(conf_path), "--module", module],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"oracle did not start:\n{started.stderr}")
    oracle_port = int(started.stdout.strip().splitlines()[-1])
    try:
        yield from _serve_ours_beside(docroot, conf_text, conf_path, run_dir / name, oracle_port)
    finally:
        subprocess.run([str(SERVE_SH), "stop", "--name", name], env=env, capture_output=True,
                       timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


def _serve_ours_beside(docroot: Path, conf_text: str, conf_path: Path, oracle_root: Path,
                       oracle_port: int):  # fmt: skip
    """Our engine on the same snippet, served by cheroot in a thread; yields ``Servers``."""
    from cheroot import wsgi

    from mod_python._engine.app import Engine

    our_log = io.StringIO()
    # The server-level lines serve.sh's httpd.conf has that matter to handlers (the
    # PythonOptions show in req.get_options()), then the shared snippet.
    oracle_tmp = oracle_root / "tmp"
    header = "".join(
        [
            "Define OUR_ENGINE\n",
            "ServerName 127.0.0.1\n",
            f'DocumentRoot "{docroot}"\n',
            f'PythonOption mod_python.mutex_directory "{oracle_tmp}"\n',
            f'PythonOption mod_python.session.database_directory "{oracle_tmp}"\n',
            f'PythonOption mod_python.file_session.database_directory "{oracle_tmp}"\n',
        ]
    )
    engine = Engine.from_config_text(
        header + conf_text, file=str(conf_path), error_stream=our_log, set_argv=False
    )
    server = wsgi.Server(("127.0.0.1", 0), engine, numthreads=4)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    our_port = server.bind_addr[1]
    try:
        yield Servers(docroot, our_port, oracle_port, our_log, oracle_root / "logs" / "error_log")
    finally:
        server.stop()
        thread.join(timeout=5)
