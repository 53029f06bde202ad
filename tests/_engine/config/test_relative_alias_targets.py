"""Relative Alias-family targets are taken from ServerRoot (httpd would fail on them)."""

from __future__ import annotations

import pytest

from mod_python._engine.config.loader import load_config_file


@pytest.mark.parametrize(
    ("directive", "expected"),
    [
        ("Alias /static static/files", "{root}/srv/static/files"),
        ("WSGIScriptAlias /app wsgi/app.wsgi", "{root}/srv/wsgi/app.wsgi"),
        ("AliasMatch ^/x/(.*) x/$1", "{root}/srv/x/$1"),
        ("Alias /abs /var/www/abs", "/var/www/abs"),
        ("Redirect /old http://example.com/new", "http://example.com/new"),
    ],
)
def test_alias_target_is_resolved_against_server_root(write_tree, directive, expected):
    root = write_tree({"conf/httpd.conf": f"ServerRoot {{root}}/srv\n{directive}\n"})
    settings = load_config_file(str(root / "conf/httpd.conf"))
    assert [rule.target for rule in settings.alias_rules] == [expected.replace("{root}", str(root))]


def test_alias_target_without_server_root_is_beside_the_config(write_tree):
    root = write_tree({"conf/httpd.conf": "WSGIScriptAlias /app wsgi/app.wsgi\n"})
    settings = load_config_file(str(root / "conf/httpd.conf"))
    assert settings.alias_rules[0].target == str(root / "conf/wsgi/app.wsgi")
