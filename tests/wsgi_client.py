"""Calling an Engine in-process, as a WSGI server would: one environ builder and one
response type for every test that talks to the engine without sockets."""

from __future__ import annotations

import io
import sys
import urllib.parse
from dataclasses import dataclass, field


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

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def header_names(self) -> list[str]:
        return [key.lower() for key, _ in self.headers]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def call_engine(engine, method: str, path: str, *, host: str = "test.local", port: int = 80,
                headers: dict | None = None, body: bytes = b"", remote: str = "127.0.0.1",
                environ: dict | None = None) -> Response:  # fmt: skip
    """One request through ``engine``; ``environ`` entries override the built ones (a None
    value removes the entry)."""
    raw_path, _, query = path.partition("?")
    # PATH_INFO as WSGI servers give it (PEP 3333): %-decoded, the bytes seen as Latin-1.
    raw_path = urllib.parse.unquote_to_bytes(raw_path).decode("latin-1")
    env = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": raw_path,
        "QUERY_STRING": query, "SERVER_NAME": host, "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": remote, "REMOTE_PORT": "40000",
        "REQUEST_URI": path, "HTTP_HOST": host,
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }  # fmt: skip
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    for key, value in (environ or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    started: dict = {}
    chunks: list[bytes] = []

    def start_response(status, response_headers, exc_info=None):
        started["status"] = status
        started["headers"] = response_headers
        return chunks.append

    result = engine(env, start_response)
    try:
        chunks.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    code, _, reason = started["status"].partition(" ")
    return Response(int(code), reason, started["headers"], b"".join(chunks), chunks)
