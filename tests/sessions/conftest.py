"""Fixtures for Cookie and Session tests: sites whose handler is a test function, per store,
and a private Redis server for the whole test session.

``session_site(backend, handler)`` serves ``/app/h.py`` with ``handler(req)`` (a function of
the test) as the PythonHandler, configured for ``backend`` ("FileSession", "DbmSession",
"MemorySession" or "RedisSession") with its storage in the test's temp directory.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import types
import uuid

import pytest
from serving import free_port

from mod_python import Session, apache
from mod_python._engine.sessions.memory_store import MemorySession

REDIS_SERVER = "/usr/bin/redis-server"
BACKENDS = ["FileSession", "DbmSession", "MemorySession", "RedisSession"]
HOOK_MODULE = "_session_test_handler"
START_DEADLINE = 10.0


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "stress: the 10-second multi-process session runs (deselect: -m 'not stress')"
    )


HANDLER_FILE = f"""
import {HOOK_MODULE}

def handler(req):
    return {HOOK_MODULE}.handler(req)
"""


def backend_options(backend: str, storage, redis_url: str | None = None) -> str:
    """PythonOption lines that put ``backend``'s sessions in ``storage`` (or Redis)."""
    lines = [f"PythonOption session {backend}"]
    if backend == "FileSession":
        lines.append(f'PythonOption mod_python.session.database_directory "{storage}"')
    elif backend == "DbmSession":
        lines.append(f'PythonOption mod_python.dbm_session.database_directory "{storage}"')
    elif backend == "RedisSession":
        lines.append(f"PythonOption mod_python.redis_session.url {redis_url}")
        lines.append(f"PythonOption mod_python.redis_session.key_prefix t{uuid.uuid4().hex}:")
    return "\n    ".join(lines)


class RedisServer:
    """A private redis-server on a loopback port, without persistence."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + START_DEADLINE
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A running private Redis (skips when redis-server or redis-py is missing)."""
    if shutil.which(REDIS_SERVER) is None:
        pytest.skip(f"{REDIS_SERVER} is not installed (Debian package redis-server)")
    pytest.importorskip("redis", reason="redis-py is not installed (test extra)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def fresh_memory_sessions():
    """MemorySession's process-wide store, emptied before and after the test."""
    MemorySession.sdict.clear()
    yield MemorySession.sdict
    MemorySession.sdict.clear()


@pytest.fixture
def session_site(make_site, tmp_path, monkeypatch, request, fresh_memory_sessions):
    """``session_site(backend, handler, options="")``: a Site running ``handler(req)``."""

    def build(backend: str, handler, options: str = "", location: str = "/app"):
        redis_url = None
        if backend == "RedisSession":
            redis_url = request.getfixturevalue("redis_server").url
        hook = types.ModuleType(HOOK_MODULE)
        hook.handler = handler
        monkeypatch.setitem(sys.modules, HOOK_MODULE, hook)
        storage = tmp_path / "sessions"
        storage.mkdir(exist_ok=True)
        conf = f"""
        PythonOption mod_python.mutex_directory "{tmp_path}"
        <Directory "{{docroot}}{location}">
            SetHandler mod_python
            PythonHandler h
            {backend_options(backend, storage, redis_url)}
            {options}
        </Directory>
        """
        site = make_site(conf, files={f"{location.strip('/')}/h.py": HANDLER_FILE})
        site.storage = storage
        return site

    return build


def recording_handler(sessions: list):
    """A handler that saves the request's session, appends it to ``sessions``, says new/old."""

    def handler(req):
        session = Session.Session(req)
        session.save()
        sessions.append(session)
        req.write("new" if session.is_new() else "old")
        return apache.OK

    return handler


def cookie_pair(response) -> str:
    """``name=value`` of the response's (last) Set-Cookie, as a browser would send it back."""
    return response.header_values("Set-Cookie")[-1].split(";")[0]
