"""Process-wide mod_wsgi settings (WSGIPythonPath, WSGIPythonHome, WSGIImportScript,
WSGIPythonOptimize, WSGIRestrict*) and what ``mod_python check`` reports."""

from __future__ import annotations

import signal
import sys

import pytest
from script_samples import ENVIRON_SCRIPT

from mod_python._engine.config.loader import check_config_file


@pytest.fixture
def clean_sys(monkeypatch):
    """Start-up changes process state: sys.path, sys.stdin/stdout are put back after."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "stdin", sys.stdin)
    monkeypatch.setattr(sys, "stdout", sys.stdout)


def test_python_path_adds_site_directories_with_their_pth_files(wsgi_site, tmp_path, clean_sys):
    (tmp_path / "libs" / "extra").mkdir(parents=True)
    (tmp_path / "libs" / "eggs.pth").write_text("extra\n")
    (tmp_path / "other").mkdir()
    wsgi_site(f"WSGIPythonPath {tmp_path}/libs:{tmp_path}/other")
    for directory in ("libs", "libs/extra", "other"):
        assert str(tmp_path / directory) in sys.path


def test_daemon_python_path_is_applied_to_this_process(wsgi_site, tmp_path, clean_sys):
    (tmp_path / "venv").mkdir()
    wsgi_site(f"WSGIDaemonProcess site python-path={tmp_path}/venv processes=2")
    assert str(tmp_path / "venv") in sys.path


@pytest.mark.parametrize(
    "home, warning",
    [("{tmp}/missing", "Unable to stat Python home {tmp}/missing. Python interpreter may not be "
                       "able to be initialized correctly."),
     ("{tmp}/afile", "Python home {tmp}/afile is not a directory."),
     ("{tmp}", "is not the home of the running Python"),
     (sys.prefix, None)],
)  # fmt: skip
def test_python_home_is_checked(wsgi_site, tmp_path, home, warning):
    (tmp_path / "afile").write_text("")
    site = wsgi_site(f"WSGIPythonHome {home.format(tmp=tmp_path)}")
    if warning is None:
        assert "Python home" not in site.error_log
    else:
        assert warning.format(tmp=tmp_path) in site.error_log


def test_daemon_python_home_is_checked(wsgi_site, tmp_path):
    site = wsgi_site(f"WSGIDaemonProcess d python-home={tmp_path}/nothing")
    assert f"Unable to stat Python home {tmp_path}/nothing" in site.error_log


PRELOAD = """
import os
with open(os.path.join(os.path.dirname(__file__), "loads.txt"), "a") as log:
    log.write("loaded\\n")

def application(environ, start_response):
    start_response("200 OK", [])
    return [b"served"]
"""


def test_import_script_preloads_into_its_group(wsgi_site):
    site = wsgi_site(
        """
        WSGIImportScript {scripts}/pre.wsgi process-group=%{GLOBAL} application-group=%{GLOBAL}
        WSGIScriptAlias /pre {scripts}/pre.wsgi
        WSGIApplicationGroup %{GLOBAL}
        """,
        scripts={"pre.wsgi": PRELOAD},
    )
    assert (site.scripts / "loads.txt").read_text() == "loaded\n"  # before any request
    assert site.get("/pre").body == b"served"
    assert (site.scripts / "loads.txt").read_text() == "loaded\n"  # not loaded again


def test_an_import_script_that_fails_is_logged_and_start_up_goes_on(wsgi_site):
    site = wsgi_site(
        "WSGIImportScript {scripts}/bad.wsgi process-group=%{GLOBAL} application-group=x",
        scripts={"bad.wsgi": "raise ImportError('nope')\n"},
    )
    assert "Failed to exec Python script file" in site.error_log
    assert "ImportError: nope" in site.error_log


@pytest.mark.parametrize("level, body", [("0", b"docs"), ("1", b"docs"), ("2", b"None")])
def test_python_optimize_compiles_scripts_at_that_level(wsgi_site, level, body):
    script = '''
    """docs"""
    asserted = True
    assert not asserted or LEVEL == "0", "asserts are stripped from level 1"

    def application(environ, start_response):
        start_response("200 OK", [])
        return [str(__doc__).encode()]
    '''.replace("LEVEL", repr(level))
    site = wsgi_site(
        f"WSGIPythonOptimize {level}\nWSGIScriptAlias /o {{scripts}}/o.wsgi",
        scripts={"o.wsgi": script},
    )
    response = site.get("/o")
    assert (response.status, response.body) == (200, body)


def test_restrict_stdout_makes_print_an_error(wsgi_site, clean_sys):
    script = (
        "def application(e, s):\n    print('to stdout')\n    s('200 OK', [])\n    return [b'']\n"
    )
    site = wsgi_site(
        "WSGIRestrictStdout On\nWSGIScriptAlias /p {scripts}/p.wsgi", scripts={"p.wsgi": script}
    )
    assert site.get("/p").status == 500
    assert "sys.stdout access restricted by mod_wsgi" in site.error_log


def test_restrict_stdout_leaves_the_server_its_stdout(wsgi_site, clean_sys, capsys):
    wsgi_site("WSGIRestrictStdout On")
    print("the command line still prints")
    assert capsys.readouterr().out == "the command line still prints\n"


def test_restrict_stdin_makes_reading_it_an_error(wsgi_site, clean_sys):
    script = "import sys\ndef application(e, s):\n    sys.stdin.read()\n"
    site = wsgi_site(
        "WSGIRestrictStdin On\nWSGIScriptAlias /p {scripts}/p.wsgi", scripts={"p.wsgi": script}
    )
    assert site.get("/p").status == 500
    assert "sys.stdin access restricted by mod_wsgi" in site.error_log


def test_a_script_cannot_take_over_signals(wsgi_site):
    script = """
    import signal
    signal.signal(signal.SIGUSR2, lambda *args: None)

    def application(environ, start_response):
        start_response("200 OK", [])
        return [b"ok"]
    """
    before = signal.getsignal(signal.SIGUSR2)
    site = wsgi_site("WSGIScriptAlias /s {scripts}/s.wsgi", scripts={"s.wsgi": script})
    assert site.get("/s").body == b"ok"
    assert signal.getsignal(signal.SIGUSR2) is before
    assert f"Callback registration for signal {int(signal.SIGUSR2)} ignored." in site.error_log


# ---- directive contexts and `mod_python check` ------------------------------------------------


@pytest.mark.parametrize(
    "conf, message",
    [("<VirtualHost *:80>\nWSGIPythonPath /x\n</VirtualHost>",
      "WSGIPythonPath cannot occur within <VirtualHost> section"),
     ("WSGIAuthUserScript /x.wsgi", "not allowed here"),
     ("<Directory />\nWSGIPythonHome /x\n</Directory>", "not allowed here"),
     ("WSGIPythonOptimize 3", "must be 0, 1 or 2"),
     ("WSGIPassAuthorization maybe", "must be On or Off"),
     ("WSGIApplicationGroup %{BOGUS}", "Invalid name"),
     ("WSGIDaemonProcess d bogus=1", "Invalid option to WSGIDaemonProcess"),
     ("WSGIDaemonProcess d\nWSGIDaemonProcess d", "duplicates previous WSGI daemon"),
     ("WSGITrustedProxies not-an-ip", "WSGITrustedProxies"),
     ("WSGIMapHEADToGET sometimes", "must be On, Off or Auto")],
)  # fmt: skip
def test_directive_errors(make_site, conf, message):
    with pytest.raises(Exception, match=message):
        make_site(conf)


def test_per_directory_settings_are_allowed_in_htaccess(wsgi_site):
    site = wsgi_site(
        """
        <Directory "{docroot}">
            AllowOverride FileInfo AuthConfig
            Options ExecCGI
            AddHandler wsgi-script .wsgi
        </Directory>
        """,
        files={
            ".htaccess": "WSGICallableObject app\nWSGIPassAuthorization On\n",
            "a.wsgi": ENVIRON_SCRIPT.replace("def application", "def app"),
        },
    )
    response = site.get("/a.wsgi?HTTP_AUTHORIZATION", headers={"Authorization": "Basic eDp5"})
    assert response.body == b"HTTP_AUTHORIZATION='Basic eDp5'"


def test_check_reports_what_is_accepted_without_effect(tmp_path):
    conf = tmp_path / "httpd.conf"
    conf.write_text(
        "WSGIDaemonProcess site processes=2 threads=15\n"
        "WSGIProcessGroup site\n"
        "WSGISocketPrefix run/wsgi\n"
        "WSGILazyInitialization On\n"
        "WSGIAcceptMutex default\n"
        "WSGIScriptAlias / /srv/app.wsgi\n"
    )
    settings, errors, warnings = check_config_file(str(conf))
    assert errors == []
    reported = {(warning.line, warning.directive) for warning in warnings}
    assert reported == {
        (1, "WSGIDaemonProcess"), (2, "WSGIProcessGroup"), (3, "WSGISocketPrefix"),
        (4, "WSGILazyInitialization"), (5, "WSGIAcceptMutex"),
    }  # fmt: skip
