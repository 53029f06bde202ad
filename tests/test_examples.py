"""The example site in examples/ answers the same under every way of serving it.

Each serving method runs as a real subprocess on a free port, from a working directory
outside the repository (the config's relative paths must not depend on it).
"""

from __future__ import annotations

import importlib.util
import signal
import sys

import pytest
from serving import EXAMPLES_CONF, ServerProcess, child_environment, free_port, mod_python_command

from mod_python.cli import listen_address
from mod_python.wsgi_entry import load_settings

HAS_GRANIAN = importlib.util.find_spec("granian") is not None


def _serve_command(server: str, port: int) -> list[str]:
    listen = ["--listen", f"127.0.0.1:{port}"]
    if server == "cheroot":
        return mod_python_command("serve", str(EXAMPLES_CONF), *listen)
    if server in ("gunicorn", "granian"):
        return mod_python_command(
            "serve", str(EXAMPLES_CONF), *listen, "--server", server, "--processes", "2"
        )
    if server == "gunicorn-entry-point":
        factory = f"mod_python.wsgi_entry:make_application({str(EXAMPLES_CONF)!r})"
        return [sys.executable, "-m", "gunicorn", "--workers", "2",
                "--bind", f"127.0.0.1:{port}", factory]  # fmt: skip
    raise ValueError(server)


SERVERS = [
    "cheroot",
    "gunicorn",
    "gunicorn-entry-point",
    pytest.param(
        "granian", marks=pytest.mark.skipif(not HAS_GRANIAN, reason="granian not installed")
    ),
]


@pytest.fixture(scope="module", params=SERVERS)
def example_server(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(request.param)
    port = free_port()
    # gunicorn >= 25.1 puts a control socket under XDG_RUNTIME_DIR: keep each test's apart.
    env = child_environment(XDG_RUNTIME_DIR=str(workdir))
    with ServerProcess(_serve_command(request.param, port), port, workdir, env) as server:
        yield server


# (path, status, content type prefix, what the body holds, what it must not hold)
EXAMPLE_PAGES = [
    ("/", 200, "text/html", b"<h1>mod_python example site</h1>", None),
    ("/hello.py", 200, "text/plain", b"Hello from mod_python\n", None),
    ("/greet.py?name=Ada", 200, "text/plain", b"Hello, Ada!\n", None),
    ("/greet.py", 200, "text/plain", b"Hello, world!\n", None),
    ("/stacked.py", 200, "text/plain",
     b"first handler\nsecond handler: set by the fixup handler\n", None),
    ("/private/secret.txt", 403, "text/html", b"<title>403 Forbidden</title>", b"Nobody"),
    ("/errors/verbose", 500, "text/html",
     b"ValueError: the example handler failed on purpose", None),
    ("/errors/quiet", 500, "text/html", b"<title>500 Internal Server Error</title>",
     b"Traceback"),
    ("/no-such-page.html", 404, "text/html", b"<title>404 Not Found</title>", None),
]  # fmt: skip


@pytest.mark.parametrize(("path", "status", "content_type", "expected", "forbidden"), EXAMPLE_PAGES)
def test_example_page_answers(example_server, path, status, content_type, expected, forbidden):
    reply = example_server.get(path)
    assert reply.status == status
    assert reply.headers["content-type"].startswith(content_type)
    if reply.status == 200 and content_type == "text/plain":
        assert reply.body == expected
    else:
        assert expected in reply.body
    if forbidden is not None:
        assert forbidden not in reply.body


def test_example_error_goes_to_the_error_log(example_server):
    example_server.get("/errors/quiet")
    example_server.get("/hello.py")  # a later request: the error lines are written by then
    assert "ValueError: the example handler failed on purpose" in example_server.stderr


def test_example_config_listens_on_loopback_8080():
    settings = load_settings(str(EXAMPLES_CONF))
    assert listen_address(settings, None) == ("127.0.0.1", 8080)


def test_example_document_root_is_beside_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(str(EXAMPLES_CONF))
    assert settings.document_root == str(EXAMPLES_CONF.parent / "htdocs")


@pytest.mark.parametrize("server", ["cheroot", "gunicorn"])
def test_serve_stops_cleanly_on_sigterm(tmp_path, server):
    port = free_port()
    env = child_environment(XDG_RUNTIME_DIR=str(tmp_path))
    process = ServerProcess(_serve_command(server, port), port, tmp_path, env)
    with process:
        process.wait_for_output("Stop with Ctrl-C or SIGTERM.")
        assert process.get("/hello.py").status == 200
        assert process.stop(signal.SIGTERM) == 0
    assert "mod_python: stopped" in process.stderr
    assert "Traceback" not in process.stderr


def test_serve_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    with ServerProcess(_serve_command("cheroot", port), port, tmp_path) as process:
        assert process.stop(signal.SIGINT) == 0
    assert "Traceback" not in process.stderr
