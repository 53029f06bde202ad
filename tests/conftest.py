"""Shared fixtures: a site in a temp dir, an in-process WSGI client, a live server.

``site = make_site(files={"h.py": "..."}, conf="...")`` writes the files under a fresh
document root and builds an Engine from ``conf`` (Apache config text, with ``{docroot}``
replaced). ``site.get("/h.py")`` calls the engine in-process; ``live_server(site)`` serves
it on 127.0.0.1 with cheroot for tests that need real sockets.
"""

from __future__ import annotations

import io
import itertools
import sys
import textwrap
import threading
from dataclasses import dataclass, field

import pytest
from serving import free_port

from mod_python._engine.app import Engine

_site_numbers = itertools.count(1)


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    chunks: list[bytes] = field(default_factory=list)  # what went through write(), in order

    def header(self, name: str, default=None):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    def header_names(self) -> list[str]:
        return [key.lower() for key, _ in self.headers]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Site:
    """A document root with files, an Engine over it and an in-process client."""

    def __init__(self, root, conf: str, files: dict[str, str | bytes], log):
        self.root = root
        self.docroot = root / "htdocs"
        self.docroot.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            self.write(name, content)
        self.log_stream = log
        text = textwrap.dedent(conf).replace("{docroot}", str(self.docroot))
        # A ServerName of its own per site: the default interpreter is named after it, so
        # handler modules of one test never leak into another (mod_python caches by name).
        self.server_name = f"site{next(_site_numbers)}.test"
        header = f'ServerName {self.server_name}\nDocumentRoot "{self.docroot}"\nLogLevel debug\n'
        self.engine = Engine.from_config_text(
            header + text, file=str(root / "test.conf"), error_stream=log
        )

    def write(self, name: str, content: str | bytes):
        path = self.docroot / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(textwrap.dedent(content))
        else:
            path.write_bytes(content)
        return path

    @property
    def error_log(self) -> str:
        return self.log_stream.getvalue()

    def request(self, method: str, path: str, headers: dict | None = None, body: bytes = b"",
                environ: dict | None = None) -> Response:  # fmt: skip
        raw_path, _, query = path.partition("?")
        env = {
            "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": raw_path,
            "QUERY_STRING": query, "SERVER_NAME": "test.local", "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000",
            "REQUEST_URI": path, "HTTP_HOST": "test.local",
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }  # fmt: skip
        if body:
            env["CONTENT_LENGTH"] = str(len(body))
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                env[key] = value
            else:
                env["HTTP_" + key] = value
        env.update(environ or {})
        started: dict = {}
        chunks: list[bytes] = []

        def start_response(status, response_headers, exc_info=None):
            started["status"] = status
            started["headers"] = response_headers
            return chunks.append

        result = self.engine(env, start_response)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        code, _, reason = started["status"].partition(" ")
        return Response(int(code), reason, started["headers"], b"".join(chunks), chunks)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: bytes, **kwargs) -> Response:
        return self.request("POST", path, body=body, **kwargs)


@pytest.fixture
def make_site(tmp_path):
    """Build a Site: ``make_site(conf, files={...})``."""
    counter = iter(range(1000))

    def build(conf: str = "", files: dict | None = None) -> Site:
        return Site(tmp_path / f"site{next(counter)}", conf, files or {}, io.StringIO())

    return build


@pytest.fixture
def live_server():
    """Serve a Site (or any WSGI app) with cheroot on 127.0.0.1; yields a starter function."""
    from cheroot import wsgi

    servers = []

    def start(site_or_app) -> str:
        app = site_or_app.engine if isinstance(site_or_app, Site) else site_or_app
        server = wsgi.Server(("127.0.0.1", free_port()), app, numthreads=4)
        server.prepare()
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        servers.append((server, thread))
        host, port = server.bind_addr
        return f"http://{host}:{port}"

    yield start
    for server, thread in servers:
        server.stop()
        thread.join(timeout=5)
