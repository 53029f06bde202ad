"""``create`` -> ``genconfig`` -> ``start`` -> request -> ``stop``, and create's refusals."""

from __future__ import annotations

import pytest
from cli.sites import get, kill_daemon, run
from serving import free_port

HELLO = """\
from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    req.write("hello from a created site")
    return apache.OK
"""


@pytest.fixture
def server_root(tmp_path):
    root = tmp_path / "srv"
    yield root
    kill_daemon(root / "logs" / "httpd.pid")


def test_create_genconfig_start_request_stop(server_root, tmp_path):
    port = free_port()
    library = tmp_path / "lib"
    library.mkdir()
    (library / "hello.py").write_text(HELLO)
    created = run(
        "create", str(server_root), "--listen", f"127.0.0.1:{port}", "--pythonhandler", "hello",
        "--pythonpath", str(library), "--pythonoption", "greeting hi",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith(f"Created! The server root is {server_root}.")
    for name in ("conf", "htdocs", "logs"):
        assert (server_root / name).is_dir()
    script = server_root / "conf" / "httpd_conf.py"
    conf = server_root / "conf" / "httpd.conf"
    assert script.exists() and conf.exists()

    generated = run("genconfig", str(script))
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout == conf.read_text()
    assert f"Listen 127.0.0.1:{port}" in generated.stdout
    assert "PythonHandler hello" in generated.stdout

    checked = run("check", str(conf))
    assert checked.returncode == 0, checked.stderr

    started = run("start", str(conf))
    assert started.returncode == 0, started.stderr
    status, headers, body = get(port, "/")
    assert (status, body) == (200, "hello from a created site")
    stopped = run("stop", str(conf))
    assert stopped.returncode == 0, stopped.stderr
    assert not (server_root / "logs" / "httpd.pid").exists()


def test_create_refuses_an_existing_python_config_and_keeps_files(server_root):
    assert run("create", str(server_root)).returncode == 0
    conf = server_root / "conf" / "httpd.conf"
    conf.write_text("# edited by hand\n")
    again = run("create", str(server_root))
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert conf.read_text() == "# edited by hand\n"


def test_create_warns_about_existing_directories_and_httpd_conf(server_root):
    (server_root / "conf").mkdir(parents=True)
    (server_root / "conf" / "httpd.conf").write_text("# mine\n")
    result = run("create", str(server_root))
    assert result.returncode == 0, result.stderr
    assert "already exists" in result.stderr
    assert "not overwriting" in result.stderr
    assert (server_root / "conf" / "httpd.conf").read_text() == "# mine\n"


def test_genconfig_errors(tmp_path):
    missing = run("genconfig", str(tmp_path / "nowhere.py"))
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"mod_python: cannot read {tmp_path / 'nowhere.py'}: ")
    broken = tmp_path / "broken.py"
    broken.write_text("raise ValueError('bad config')\n")
    failed = run("genconfig", str(broken))
    assert failed.returncode == 1
    assert "ValueError: bad config" in failed.stderr
