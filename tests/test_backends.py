"""The back-end registry, the process model each adapter records, and the WSGI entry point."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time
import wsgiref.util

import pytest
from serving import ServerProcess, child_environment, free_port, mod_python_command

from mod_python import wsgi_entry
from mod_python._engine import process_model
from mod_python._engine.app import Engine
from mod_python.backends import (
    BACKENDS,
    DEFAULT_BACKEND,
    BackendError,
    BackendUnavailable,
    BjoernBackend,
    CherootBackend,
    GranianBackend,
    GunicornBackend,
    ServeOptions,
    get_backend,
)  # fmt: skip

HAS_GRANIAN = importlib.util.find_spec("granian") is not None
HAS_BJOERN = importlib.util.find_spec("bjoern") is not None

# ---- the registry ----------------------------------------------------------------------------


def test_registry_offers_cheroot_by_default_gunicorn_granian_and_bjoern():
    assert list(BACKENDS) == ["cheroot", "gunicorn", "granian", "bjoern"]
    assert DEFAULT_BACKEND == "cheroot"


@pytest.mark.parametrize(
    ("name", "backend_type"),
    [("cheroot", CherootBackend), ("gunicorn", GunicornBackend), ("GUNICORN", GunicornBackend)],
)
def test_get_backend_selects_by_name(name, backend_type):
    assert type(get_backend(name)) is backend_type


def test_unknown_backend_is_refused_with_the_choices():
    with pytest.raises(BackendError) as refused:
        get_backend("tornado")
    assert str(refused.value) == (
        "unknown server 'tornado' (choose from cheroot, gunicorn, granian, bjoern)"
    )


def test_backend_whose_server_is_missing_says_what_to_install(monkeypatch):
    monkeypatch.setattr(GranianBackend, "requires", "granian_is_not_installed_here")
    with pytest.raises(BackendUnavailable) as refused:
        get_backend("granian")
    assert str(refused.value) == "granian is not installed: pip install modpython-wsgi[granian]"


@pytest.mark.skipif(HAS_GRANIAN, reason="granian is installed here")
def test_granian_without_granian_installed_is_unavailable():
    with pytest.raises(BackendUnavailable, match=r"pip install modpython-wsgi\[granian\]"):
        get_backend("granian")


def test_choosing_a_backend_imports_no_server():
    probe = (
        "import sys\n"
        "from mod_python.backends import BACKENDS, get_backend\n"
        "for name in BACKENDS:\n"
        "    try:\n"
        "        get_backend(name)\n"
        "    except Exception:\n"
        "        pass\n"
        "print(sorted(m for m in ('cheroot', 'gunicorn', 'granian', 'bjoern')\n"
        "             if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=child_environment(),
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_single_process_backend_refuses_several_processes():
    options = ServeOptions("site.conf", processes=2)
    with pytest.raises(BackendError, match="cheroot serves from a single process"):
        CherootBackend().check(options)
    GunicornBackend().check(options)
    GranianBackend().check(options)
    BjoernBackend().check(ServeOptions("site.conf", processes=2, threads=1))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ServeOptions("s.conf", threads=4), "bjoern runs one thread per process; use --processes"),
        (ServeOptions("s.conf", threads=1, host="::1"), "bjoern listens on IPv4 addresses only"),
        (ServeOptions("s.conf", threads=1, more_addresses=(("127.0.0.1", 81),)),
         "bjoern listens on one address"),
    ],
)  # fmt: skip
def test_bjoern_refuses_what_it_cannot_serve(options, message):
    with pytest.raises(BackendError, match=message):
        BjoernBackend().check(options)


@pytest.mark.parametrize(
    ("host", "bind_address", "url"),
    [
        ("127.0.0.1", "127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("0.0.0.0", "0.0.0.0:8000", "http://127.0.0.1:8000/"),
        ("::1", "[::1]:8000", "http://[::1]:8000/"),
        ("localhost", "localhost:8000", "http://localhost:8000/"),
    ],
)
def test_serve_options_addresses(host, bind_address, url):
    options = ServeOptions("site.conf", host=host, port=8000)
    assert (options.bind_address, options.url) == (bind_address, url)


# ---- each adapter records its process model (apache.mpm_query) ------------------------------

MPM_HANDLER = """\
from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    answers = [apache.mpm_query(code) for code in (
        apache.AP_MPMQ_MAX_DAEMONS, apache.AP_MPMQ_MAX_THREADS,
        apache.AP_MPMQ_IS_FORKED, apache.AP_MPMQ_IS_THREADED)]
    req.write(" ".join(str(answer) for answer in answers))
    return apache.OK
"""

MPM_CONF = """\
ServerName mpm.test
DocumentRoot htdocs
ErrorLog stderr
<Directory htdocs>
    SetHandler mod_python
    PythonHandler mpm
</Directory>
"""


@pytest.mark.parametrize(
    ("server", "processes", "threads"),
    [
        ("cheroot", 1, 4),
        ("gunicorn", 2, 3),
        ("gunicorn", 2, 1),
        pytest.param("granian", 2, 3, marks=pytest.mark.skipif(not HAS_GRANIAN,
                                                                reason="granian not installed")),
        pytest.param("bjoern", 2, 1, marks=pytest.mark.skipif(not HAS_BJOERN,
                                                               reason="bjoern not installed")),
    ],
)  # fmt: skip
def test_backend_records_its_process_model(tmp_path, server, processes, threads):
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "mpm.py").write_text(MPM_HANDLER)
    (tmp_path / "site.conf").write_text(MPM_CONF)
    port = free_port()
    command = mod_python_command(
        "serve", str(tmp_path / "site.conf"), "--listen", f"127.0.0.1:{port}",
        "--server", server, "--processes", str(processes), "--threads", str(threads),
    )  # fmt: skip
    env = child_environment(XDG_RUNTIME_DIR=str(tmp_path))
    with ServerProcess(command, port, tmp_path, env) as running:
        reply = running.get("/mpm")
    forked = 1 if processes > 1 else 0  # AP_MPMQ_STATIC / AP_MPMQ_NOT_SUPPORTED
    threaded = 1 if threads > 1 else 0
    assert reply.status == 200, running.stderr
    assert reply.body.decode() == f"{processes} {threads} {forked} {threaded}"


# ---- the WSGI entry point --------------------------------------------------------------------

HELLO_HANDLER = """\
from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    req.write("part one, ")
    req.write("part two")
    return apache.OK
"""


@pytest.fixture
def site_conf(tmp_path):
    """A config with relative DocumentRoot, served from a handler that writes twice."""
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "hello.py").write_text(HELLO_HANDLER)
    conf = tmp_path / "site.conf"
    conf.write_text(
        "ServerName entry.test\nDocumentRoot www\nErrorLog stderr\n"
        "<Directory www>\n  SetHandler mod_python\n  PythonHandler hello\n</Directory>\n"
    )
    return conf


def call_wsgi(app, path: str, start_response_returns_write: bool = True):
    """Call a WSGI app in-process: (status, headers, body)."""
    environ = {"PATH_INFO": path, "HTTP_HOST": "entry.test"}
    wsgiref.util.setup_testing_defaults(environ)
    started = {}
    written: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)
        return written.append if start_response_returns_write else None

    result = app(environ, start_response)
    try:
        body = b"".join(written) + b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return started["status"], dict(started["headers"]), body


@pytest.fixture
def restore_process_model(monkeypatch):
    monkeypatch.setattr(process_model, "processes", process_model.processes)
    monkeypatch.setattr(process_model, "threads", process_model.threads)


def test_make_application_serves_the_config(site_conf, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path.parent)  # relative paths must not depend on the cwd
    app = wsgi_entry.make_application(site_conf)
    assert isinstance(app, Engine)
    status, headers, body = call_wsgi(app, "/hello.py")
    assert (status, body) == ("200 OK", b"part one, part two")


def test_lazy_application_needs_the_config_variable(monkeypatch):
    monkeypatch.delenv("MOD_PYTHON_CONFIG", raising=False)
    with pytest.raises(RuntimeError, match="MOD_PYTHON_CONFIG"):
        call_wsgi(wsgi_entry.LazyApplication(), "/")


def test_lazy_application_reads_the_config_variable(site_conf, monkeypatch):
    monkeypatch.setenv("MOD_PYTHON_CONFIG", str(site_conf))
    status, _, body = call_wsgi(wsgi_entry.LazyApplication(), "/hello.py")
    assert (status, body) == ("200 OK", b"part one, part two")


def test_lazy_application_builds_one_engine_for_concurrent_first_requests(monkeypatch):
    built = []

    def slow_factory(path):
        time.sleep(0.05)  # widens the window in which an unguarded loader would build twice
        built.append(path)
        return object()

    monkeypatch.setattr(wsgi_entry, "make_application", slow_factory)
    monkeypatch.setenv("MOD_PYTHON_CONFIG", "/site.conf")
    app = wsgi_entry.LazyApplication()
    start = threading.Barrier(8)
    engines = []

    def first_request():
        start.wait(timeout=10)
        engines.append(app.load())

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert built == ["/site.conf"]
    assert len(engines) == 8 and all(engine is engines[0] for engine in engines)


def test_process_model_comes_from_the_environment(monkeypatch, restore_process_model):
    monkeypatch.setenv("MOD_PYTHON_PROCESSES", "4")
    monkeypatch.setenv("MOD_PYTHON_THREADS", "7")
    wsgi_entry.apply_process_model_from_environment()
    assert (process_model.processes, process_model.threads) == (4, 7)


def test_process_model_left_alone_without_the_variables(monkeypatch, restore_process_model):
    monkeypatch.delenv("MOD_PYTHON_PROCESSES", raising=False)
    monkeypatch.delenv("MOD_PYTHON_THREADS", raising=False)
    process_model.set_process_model(3, 5)
    wsgi_entry.apply_process_model_from_environment()
    assert (process_model.processes, process_model.threads) == (3, 5)


def test_defines_come_from_the_environment(tmp_path, monkeypatch):
    conf = tmp_path / "site.conf"
    conf.write_text("ServerName a\n<IfDefine BLUE>\nServerName blue\n</IfDefine>\n")
    monkeypatch.setenv("MOD_PYTHON_DEFINES", "RED BLUE")
    assert wsgi_entry.make_application(conf).settings.server_name == "blue"
    monkeypatch.setenv("MOD_PYTHON_DEFINES", "RED")
    assert wsgi_entry.make_application(conf).settings.server_name == "a"


def test_write_callable_fallback_keeps_streamed_output(site_conf):
    engine = wsgi_entry.make_application(site_conf)
    app = wsgi_entry.WriteCallableFallback(engine)
    status, headers, body = call_wsgi(app, "/hello.py", start_response_returns_write=False)
    assert (status, body) == ("200 OK", b"part one, part two")
    assert headers["Content-Type"] == "text/plain"


def test_write_callable_fallback_uses_the_servers_write_when_there_is_one(site_conf):
    app = wsgi_entry.WriteCallableFallback(wsgi_entry.make_application(site_conf))
    assert call_wsgi(app, "/hello.py")[2] == b"part one, part two"


def test_write_callable_fallback_answers_a_list_when_the_app_does(site_conf):
    # granian sends a list in one piece and iterates anything else item by item.
    app = wsgi_entry.WriteCallableFallback(wsgi_entry.make_application(site_conf))
    environ = {"PATH_INFO": "/hello.py", "HTTP_HOST": "entry.test"}
    wsgiref.util.setup_testing_defaults(environ)
    result = app(environ, lambda status, headers, exc_info=None: None)
    assert type(result) is list
    assert b"".join(result) == b"part one, part two"


# ---- relative paths in the config ------------------------------------------------------------


@pytest.mark.parametrize(
    ("directives", "document_root", "error_log"),
    [
        ("DocumentRoot www\nErrorLog logs/e.log\n", "{conf_dir}/www", "{conf_dir}/logs/e.log"),
        ("ServerRoot srv\nDocumentRoot www\n", "{conf_dir}/srv/www", "{conf_dir}/srv/logs/error_log"),
        ("ServerRoot /opt/site\nDocumentRoot www\n", "/opt/site/www", "/opt/site/logs/error_log"),
        ("DocumentRoot /var/www/x\nErrorLog stderr\n", "/var/www/x", "stderr"),
    ],
)  # fmt: skip
def test_relative_paths_are_under_the_server_root(tmp_path, monkeypatch, directives,
                                                  document_root, error_log):  # fmt: skip
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    (conf_dir / "site.conf").write_text("ServerName x\n" + directives)
    monkeypatch.chdir(tmp_path)
    settings = wsgi_entry.load_settings(os.path.join("conf", "site.conf"))
    assert settings.document_root == document_root.format(conf_dir=conf_dir)
    assert settings.error_log == error_log.format(conf_dir=conf_dir)


def test_virtual_host_document_root_is_resolved_too(tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text(
        "ServerName main\nDocumentRoot main\n"
        "<VirtualHost *>\n  ServerName other\n  DocumentRoot other\n</VirtualHost>\n"
        "<VirtualHost *>\n  ServerName inherits\n</VirtualHost>\n"
    )
    settings = wsgi_entry.load_settings(str(conf))
    roots = [vhost.document_root for vhost in settings.vhosts]
    assert roots == [str(tmp_path / "other"), str(tmp_path / "main")]


# ---- gunicorn connections without Nagle's algorithm ------------------------------------------


def tcp_pair():
    """A connected (client, server-side) pair of TCP sockets on loopback."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    listener.close()
    return client, accepted


def test_tcp_nodelay_turns_nagle_off_on_the_connection_once():
    import socket

    from mod_python.backends import TcpNoDelay

    calls = []
    app = TcpNoDelay(lambda environ, start_response: calls.append(environ) or [b"ok"])
    client, accepted = tcp_pair()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        assert app({"gunicorn.socket": accepted}, None) == [b"ok"]
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        # Set once per connection: a handler's own choice on a kept-alive one stays.
        accepted.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        app({"gunicorn.socket": accepted}, None)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
    finally:
        client.close()
        accepted.close()
    assert len(calls) == 2


def test_tcp_nodelay_leaves_unix_sockets_and_other_servers_alone():
    import socket

    from mod_python.backends import TcpNoDelay

    app = TcpNoDelay(lambda environ, start_response: [b"ok"])
    left, right = socket.socketpair()
    try:
        assert app({"gunicorn.socket": left}, None) == [b"ok"]
    finally:
        left.close()
        right.close()
    assert app({}, None) == [b"ok"]
