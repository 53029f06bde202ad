"""The granian worker's runner: a lean environ, a write callable, granian's wrapper replaced
only where its layout is the known one."""

from __future__ import annotations

import importlib.util
import sys
import types

import pytest
from serving import ServerProcess, child_environment, free_port, mod_python_command

from mod_python import granian_worker, wsgi_entry

HAS_GRANIAN = importlib.util.find_spec("granian") is not None


class FakeProto:
    """What granian's HTTP core hands the runner: it records the response."""

    def __init__(self):
        self.sent = None

    def response_bytes(self, status, headers, body):
        self.sent = ("bytes", status, headers, body)

    def response_iter(self, status, headers, body):
        chunks = []
        while True:
            try:
                chunks.append(body.__next__())
            except StopIteration:
                break
        body.close()
        self.sent = ("iter", status, headers, b"".join(chunks))


def scope(**extra) -> dict:
    base = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/x", "QUERY_STRING": "", "SERVER_NAME": "h",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "h", "wsgi.url_scheme": "http", "wsgi.input": None,
    }  # fmt: skip
    base.update(extra)
    return base


def run(app, **extra):
    proto = FakeProto()
    status = granian_worker.lean_wsgi_runner(app)(proto, scope(**extra))
    return status, proto.sent


def test_environ_is_the_request_and_the_wsgi_keys_without_the_process_environment(monkeypatch):
    monkeypatch.setenv("MP_TEST_PROCESS_ONLY", "1")
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    run(app)
    assert "MP_TEST_PROCESS_ONLY" not in seen
    assert "PATH" not in seen
    assert seen["PATH_INFO"] == "/x"
    assert seen["wsgi.version"] == (1, 0)
    assert seen["SCRIPT_NAME"] == ""
    assert seen["wsgi.errors"] is sys.stderr


def test_written_chunks_come_before_the_returned_body_in_one_piece():
    def app(environ, start_response):
        write = start_response("201 Created", [("X-A", "1")])
        write(b"one, ")
        write(b"two, ")
        return [b"three"]

    status, sent = run(app)
    assert status == 201
    assert sent == ("bytes", 201, [("X-A", "1")], b"one, two, three")


def test_an_iterable_body_is_streamed_and_closed():
    closed = []

    class Body:
        def __iter__(self):
            return iter([b"a", b"b"])

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("404 Not Found", [])
        return Body()

    status, sent = run(app)
    assert (status, sent[0], sent[1], sent[3]) == (404, "iter", 404, b"ab")
    assert closed == [True]


def test_the_write_callable_fallback_is_unwrapped():
    def app(environ, start_response):
        return []

    runner = granian_worker.lean_wsgi_runner(wsgi_entry.WriteCallableFallback(app))
    assert runner.__closure__ is not None
    cells = [cell.cell_contents for cell in runner.__closure__]
    assert app in cells
    assert not any(isinstance(cell, wsgi_entry.WriteCallableFallback) for cell in cells)


# ---- installing the runner into granian's modules --------------------------------------------


def fake_granian_module(monkeypatch, name: str, wrapper) -> types.ModuleType:
    module = types.ModuleType(name)
    module._wsgi_call_wrap = wrapper
    monkeypatch.setitem(sys.modules, name, module)
    return module


def test_the_runner_replaces_a_wrapper_of_the_known_signature(monkeypatch):
    def original(callback, scope_opts, access_log_fmt=None):
        return "granian's own"

    module = fake_granian_module(monkeypatch, "fake_granian_mp", original)
    monkeypatch.setattr(granian_worker, "GRANIAN_SERVER_MODULES", ("fake_granian_mp",))
    assert granian_worker.install_lean_runner() is True
    wrap = module._wsgi_call_wrap
    assert wrap is not original and wrap.original is original
    # Options mod_python serve never sets keep granian's own wrapper.
    assert wrap(lambda e, s: [], {"url_path_prefix": "/p"}) == "granian's own"
    assert wrap(lambda e, s: [], {}, "%(path)s") == "granian's own"
    assert callable(wrap(lambda e, s: [], {}))


def test_an_unknown_wrapper_signature_is_left_alone(monkeypatch):
    def other(callback, options):
        return None

    module = fake_granian_module(monkeypatch, "fake_granian_other", other)
    monkeypatch.setattr(granian_worker, "GRANIAN_SERVER_MODULES", ("fake_granian_other", "no_such_module_here"))  # fmt: skip
    assert granian_worker.install_lean_runner() is False
    assert module._wsgi_call_wrap is other


# ---- served by granian for real ----------------------------------------------------------------

ENV_HANDLER = """\
import sys

from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    wrapper = sys.modules["granian.server.mp"]._wsgi_call_wrap
    req.write("lean runner: %s\\n" % hasattr(wrapper, "original"))
    req.write("streamed\\n", 1)
    req.write("end\\n")
    return apache.OK
"""


@pytest.mark.skipif(not HAS_GRANIAN, reason="granian not installed (pip install .[granian])")
def test_granian_workers_serve_through_the_lean_runner(tmp_path):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "env.py").write_text(ENV_HANDLER)
    (tmp_path / "site.conf").write_text(
        "ServerName g.test\nDocumentRoot htdocs\nErrorLog stderr\n"
        "<Directory htdocs>\n  SetHandler mod_python\n  PythonHandler env\n</Directory>\n"
    )
    port = free_port()
    command = mod_python_command(
        "serve", str(tmp_path / "site.conf"), "--listen", f"127.0.0.1:{port}",
        "--server", "granian", "--processes", "2", "--threads", "2",
    )  # fmt: skip
    env = child_environment(XDG_RUNTIME_DIR=str(tmp_path))
    with ServerProcess(command, port, tmp_path, env) as running:
        reply = running.get("/env")
    assert reply.status == 200, running.stderr
    assert reply.body == b"lean runner: True\nstreamed\nend\n"
