"""Shared fixtures: a site in a temp dir, an in-process WSGI client, a live server.

``site = make_site(files={"h.py": "..."}, conf="...")`` writes the files under a fresh
document root and builds an Engine from ``conf`` (Apache config text, with ``{docroot}``
replaced). ``site.get("/h.py")`` calls the engine in-process; ``live_server(site)`` serves
it on 127.0.0.1 with cheroot for tests that need real sockets.
"""

from __future__ import annotations

import io
import itertools
import textwrap
import threading

import pytest
from wsgi_client import Response, call_engine

from mod_python._engine.app import Engine

_site_numbers = itertools.count(1)


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
        return call_engine(self.engine, method, path, headers=headers, body=body,
                           environ=environ)  # fmt: skip

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
        # Port 0: the kernel picks a port while binding it (no window for another to take it).
        server = wsgi.Server(("127.0.0.1", 0), app, numthreads=4)
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
