"""Errors and warnings, each with file:line: unknown directives (httpd's "Invalid command"),
wrong context, wrong argument count, constructs accepted without their effect (reported
in settings.warnings and logged at Engine start), and check_config_file's full list."""

from __future__ import annotations

import io

import pytest

from mod_python._engine.app import Engine
from mod_python._engine.config.parser import ConfigError
from mod_python._engine.config.server import check_config_file


def config_error(load_text, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_text(text)
    return caught.value


def test_unknown_directive_is_invalid_command_with_file_and_line(load_text, tmp_path):
    error = config_error(load_text, "ServerName a\n\nPythonHandlr foo\n")
    assert (error.file, error.line) == (str(tmp_path / "httpd.conf"), 3)
    assert error.message.startswith("Invalid command 'PythonHandlr', perhaps misspelled")
    assert str(error).startswith(f"{tmp_path}/httpd.conf:3:")


def test_unknown_section_is_invalid_command(load_text):
    error = config_error(load_text, "ServerName a\n<Frobnicate /x>\n</Frobnicate>\n")
    assert error.line == 2 and "Invalid command '<Frobnicate'" in error.message


def test_unknown_directive_nested_in_sections_names_its_own_line(load_text):
    error = config_error(
        load_text,
        """\
        <VirtualHost *:80>
            ServerName v
            <Directory /srv>
                SetHandler mod_python
                Bogus thing
            </Directory>
        </VirtualHost>
    """,
    )
    assert error.line == 5


@pytest.mark.parametrize(
    "text, line",
    [
        ("<Directory /x>\nServerName a\n</Directory>\n", 2),
        ("<Location /x>\nListen 8080\n</Location>\n", 2),
        ("<Location /x>\nAlias /a /b\n</Location>\n", 2),
        ("<Location /x>\n<Directory /y>\n</Directory>\n</Location>\n", 2),
        ("<Directory /x>\n<Location /y>\n</Location>\n</Directory>\n", 2),
        ("<VirtualHost *:80>\n<VirtualHost *:81>\n</VirtualHost>\n</VirtualHost>\n", 2),
        ("<Directory /x>\n<VirtualHost *:80>\n</VirtualHost>\n</Directory>\n", 2),
        ("Require valid-user\n<RequireAll>\nRequire all granted\n</RequireAll>\n", 2),
        ("<Directory /x>\n<Limit GET>\n<Limit POST>\n</Limit>\n</Limit>\n</Directory>\n", 3),
    ],
)
def test_directive_or_section_in_the_wrong_context(load_text, text, line):
    error = config_error(load_text, text)
    assert error.line == line
    assert "not allowed" in error.message or "cannot" in error.message or "only" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "ServerName a b\n",
        "DocumentRoot\n",
        "Alias /only-one\n",
        "PythonImport a b c\n",
        "Define\n",
        "SetHandler a b\n",
        "ErrorDocument 404\n",
        "PythonDebug On Off\n",
    ],
)
def test_wrong_argument_count(load_text, text):
    error = config_error(load_text, "ServerName ok\n" + text)
    assert error.line == 2
    assert "takes" in error.message


@pytest.mark.parametrize(
    "text, message",
    [
        ("Options Nonsense\n", "Illegal option Nonsense"),
        ("AllowOverride Everything\n", "Illegal override option Everything"),
        ("ErrorDocument 200 /ok.html\n", "Unsupported HTTP response code 200"),
        ("Satisfy sometimes\n", "Satisfy either 'any' or 'all'"),
        ("Timeout soon\n", "invalid value"),
        ('<LocationMatch "(">\n</LocationMatch>\n', "bad regular expression"),
    ],
)
def test_bad_argument_values(load_text, text, message):
    error = config_error(load_text, "ServerName ok\n" + text)
    assert error.line == 2 and message in error.message


@pytest.mark.parametrize(
    "text, directive, line",
    [
        ("RewriteEngine On\nRewriteRule ^/a /b\n", "RewriteEngine", 2),
        ("<If \"%{HTTP_HOST} == 'a'\">\nPythonOption x y\n</If>\n", "If", 2),
        ("<Proxy *>\nRequire all granted\n</Proxy>\n", "Proxy", 2),
        ("SSLEngine on\n", "SSLEngine", 2),
        ("<Location /x>\nProxyPass http://backend/\n</Location>\n", "ProxyPass", 3),
        ("SetEnvIf User-Agent bot IS_BOT\n", "SetEnvIf", 2),
        ("ExpiresActive On\n", "ExpiresActive", 2),
    ],
)
def test_unsupported_construct_is_a_warning_with_file_and_line(load_text, tmp_path, text,
                                                                directive, line):  # fmt: skip
    settings = load_text("ServerName ok\n" + text)
    found = [w for w in settings.warnings if w.directive == directive]
    assert found, settings.warnings
    assert (found[0].file, found[0].line) == (str(tmp_path / "httpd.conf"), line)
    assert str(found[0]).startswith(f"{tmp_path}/httpd.conf:{line}: {directive}: ")


def test_every_rewrite_directive_warns_once_per_line(load_text):
    settings = load_text("RewriteEngine On\nRewriteCond %{HTTPS} off\nRewriteRule ^ /x [R]\n")
    assert [(w.directive, w.line) for w in settings.warnings] == [
        ("RewriteEngine", 1), ("RewriteCond", 2), ("RewriteRule", 3),
    ]  # fmt: skip


def test_directives_inside_if_are_not_applied(load_text):
    settings = load_text('<If "true">\nPythonOption inside yes\n</If>\nPythonOption after yes\n')
    assert set(settings.config.options_table) == {"after"}


def test_warnings_are_logged_when_the_engine_starts(load_text, tmp_path):
    settings = load_text("ServerName ok\nRewriteEngine On\n<Proxy *>\n</Proxy>\n")
    log = io.StringIO()
    Engine(settings, error_stream=log, set_argv=False)
    logged = log.getvalue()
    assert f"{tmp_path}/httpd.conf:2: RewriteEngine: mod_rewrite is not emulated" in logged
    assert f"{tmp_path}/httpd.conf:3: Proxy:" in logged
    assert "[warn]" in logged or ":warn]" in logged


def test_check_config_file_collects_every_bad_directive(write_tree):
    root = write_tree({
        "httpd.conf": """\
            ServerName checked.test
            Bogus1 x
            Include extra.conf
            <Directory /srv>
                ServerAdmin wrong@place
            </Directory>
            RewriteEngine On
            Bogus2 y
        """,
        "extra.conf": "PythonOption fine yes\nPythonDebug maybe\n",
    })  # fmt: skip
    settings, errors, warnings = check_config_file(str(root / "httpd.conf"))
    conf, extra = str(root / "httpd.conf"), str(root / "extra.conf")
    assert [(e.file, e.line) for e in errors] == [(conf, 2), (extra, 2), (conf, 5), (conf, 8)]
    assert [(w.file, w.line, w.directive) for w in warnings] == [(conf, 7, "RewriteEngine")]
    assert settings is not None and settings.server_name == "checked.test"


def test_check_config_file_stops_at_a_syntax_error(write_tree):
    root = write_tree({"httpd.conf": "ServerName a\n<Directory /x>\nBogus\n"})
    settings, errors, warnings = check_config_file(str(root / "httpd.conf"))
    assert settings is None
    assert [(e.line, "not closed" in e.message) for e in errors] == [(2, True)]


def test_check_config_file_of_a_missing_file(tmp_path):
    settings, errors, _ = check_config_file(str(tmp_path / "nope.conf"))
    assert settings is None and "cannot read" in errors[0].message


def test_clean_config_checks_without_errors_or_warnings(write_tree):
    root = write_tree({"httpd.conf": "ServerName clean.test\nDocumentRoot /srv\n"})
    _, errors, warnings = check_config_file(str(root / "httpd.conf"))
    assert (errors, warnings) == ([], [])
