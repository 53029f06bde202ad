"""The ``mod_python`` command: version, serve's banner, listen addresses and its errors."""

from __future__ import annotations

import platform
import socket
import subprocess
import sys

import pytest
from serving import EXAMPLES_CONF, ServerProcess, child_environment, free_port, mod_python_command

from mod_python import version
from mod_python.backends import ServeOptions
from mod_python.cli import banner, listen_address, main, parse_listen
from mod_python.wsgi_entry import load_settings

# ---- version ---------------------------------------------------------------------------


def test_version_prints_mod_python_python_and_platform(capsys):
    assert main(["version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"mod_python:  {version.version}\n")
    assert f"python:      {' '.join(sys.version.split())}\n" in out
    assert f"             {sys.executable!r}\n" in out
    assert f"platform:    {platform.platform()}" in out


def test_version_lists_the_serving_back_ends(capsys):
    main(["version"])
    servers = next(line for line in capsys.readouterr().out.splitlines() if "servers:" in line)
    assert "cheroot " in servers and "gunicorn " in servers and "granian " in servers


def test_version_runs_as_a_program():
    result = subprocess.run(
        mod_python_command("version"), capture_output=True, text=True, env=child_environment(),
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.startswith(f"mod_python:  {version.version}")


def test_no_command_prints_usage_and_exits_2(capsys):
    assert main([]) == 2
    assert "serve" in capsys.readouterr().err


# ---- config errors -----------------------------------------------------------------------

BAD_CONFIGS = [
    # (config text, line, what follows "file:line: ")
    ("ServerName x\n\n<Directory />\n  PythonHandlr hello\n</Directory>\n", 4,
     "PythonHandlr"),
    ("ServerName x\n<Location /a>\n  SetHandler mod_python\n", 2,
     "<Location> section not closed"),
    ("ServerName x\nPythonDebug maybe\n", 2, "PythonDebug: must be On or Off"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), BAD_CONFIGS)
def test_config_error_exits_1_with_file_line_and_directive(tmp_path, capsys, text, line, message):
    conf = tmp_path / "bad.conf"
    conf.write_text(text)
    assert main(["serve", str(conf)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"mod_python: {conf}:{line}: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert captured.out == ""


def test_config_error_from_the_program_has_no_traceback(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("ServerName x\nFrobnicate on\n")
    result = subprocess.run(
        mod_python_command("serve", str(conf)), capture_output=True, text=True,
        env=child_environment(), cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(f"mod_python: {conf}:2: ")
    assert "Frobnicate" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file_exits_1(tmp_path, capsys):
    missing = tmp_path / "nowhere.conf"
    assert main(["serve", str(missing)]) == 1
    assert capsys.readouterr().err == (
        f"mod_python: cannot read {missing}: No such file or directory\n"
    )


# ---- usage errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--listen", "not-a-port"], "bad port"),
        (["--listen", "127.0.0.1:70000"], "bad port"),
        (["--threads", "0"], "must be at least 1"),
        (["--server", "tornado"], "invalid choice: 'tornado'"),
        (["--processes", "2"], "cheroot serves from a single process"),
    ],
)
def test_bad_serve_options_exit_2(capsys, arguments, message):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", str(EXAMPLES_CONF), *arguments])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


# ---- listen addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("localhost:9000", ("localhost", 9000)),
        ("[::1]:8443", ("::1", 8443)),
        (":8081", ("127.0.0.1", 8081)),
    ],
)
def test_parse_listen(text, expected):
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["", "http", "host:", "1.2.3.4:0", "1.2.3.4:65536", "[::1]80"])
def test_parse_listen_rejects(text):
    with pytest.raises(ValueError):
        parse_listen(text)


@pytest.mark.parametrize(
    ("listen_lines", "requested", "expected"),
    [
        ("", None, ("127.0.0.1", 8080)),
        ("Listen 8123\n", None, ("0.0.0.0", 8123)),  # a bare port: every interface, as Apache
        ("Listen 127.0.0.2:9000\nListen 9001\n", None, ("127.0.0.2", 9000)),
        ("Listen 127.0.0.2:9000\n", ("127.0.0.1", 7000), ("127.0.0.1", 7000)),
    ],
)
def test_listen_address_prefers_option_then_first_listen(tmp_path, listen_lines, requested,
                                                         expected):  # fmt: skip
    conf = tmp_path / "site.conf"
    conf.write_text("ServerName x\n" + listen_lines)
    assert listen_address(load_settings(str(conf)), requested) == expected


# ---- the banner ------------------------------------------------------------------------------


def test_banner_names_url_config_root_server_and_error_log(tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text("ServerName x\nDocumentRoot www\nErrorLog logs/site_error.log\n")
    settings = load_settings(str(conf))
    options = ServeOptions(str(conf), "0.0.0.0", 8000, processes=3, threads=4)
    lines = banner(options, settings, "gunicorn").splitlines()
    assert lines[0] == f"mod_python {version.version} serving http://127.0.0.1:8000/"
    assert f"  config file:    {conf}" in lines
    assert f"  document root:  {tmp_path / 'www'}" in lines
    assert "  server:         gunicorn, 3 processes x 4 threads" in lines
    assert f"  error log:      {tmp_path / 'logs' / 'site_error.log'}" in lines


def test_serve_prints_the_banner_once_listening(tmp_path):
    port = free_port()
    command = mod_python_command(
        "serve", str(EXAMPLES_CONF), "--listen", f"127.0.0.1:{port}", "--threads", "3"
    )
    with ServerProcess(command, port, tmp_path) as server:
        server.wait_for_output("Stop with Ctrl-C or SIGTERM.")
        out = server.stdout
    assert f"serving http://127.0.0.1:{port}/" in out
    assert f"config file:    {EXAMPLES_CONF}" in out
    assert f"document root:  {EXAMPLES_CONF.parent / 'htdocs'}" in out
    assert "server:         cheroot, 1 process x 3 threads" in out
    assert "error log:      stderr" in out


def test_serve_on_a_busy_port_exits_1(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            mod_python_command("serve", str(EXAMPLES_CONF), "--listen", f"127.0.0.1:{port}"),
            capture_output=True, text=True, env=child_environment(), timeout=60,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(f"mod_python: cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in result.stderr


# ---- help ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    ["create", "genconfig", "start", "stop", "restart", "graceful", "serve", "check", "version"],
)
def test_every_command_has_help_with_examples_and_exit_codes(capsys, command):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"mod_python {command}" in out
    assert "exit status: 0 success; 1 " in out


def test_httpd_help_lists_its_options(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["httpd", "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    for option in ("-f CONF", "-k ACTION", "-D NAME", "-t", "-v", "-V", "-X", "examples:"):
        assert option in out


def test_version_names_the_api_level_reproduced(capsys):
    main(["version"])
    assert "reproducing the mod_python 3.5 API" in capsys.readouterr().out
