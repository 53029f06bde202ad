"""Configuration file or text -> ServerSettings, with server-root-relative paths resolved."""

from __future__ import annotations

import dataclasses
import os

from .builder import ConfigBuilder
from .parser import ConfigError, parse_config
from .server import ConfigWarning, ServerSettings


def load_config_text(
    text: str, file: str = "<config>", defines=None, base_dir=None
) -> ServerSettings:
    """Parse and build a server model from Apache config text (first error raised)."""
    builder = ConfigBuilder(defines, base_dir)
    settings = builder.build(parse_config(text, file))
    settings.builder = builder
    return settings


def load_config_file(path: str, defines=None) -> ServerSettings:
    """Parse and build ``path``; raises ConfigError (file:line) or OSError."""
    path = os.path.abspath(path)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    settings = load_config_text(text, path, defines, os.path.dirname(path))
    resolve_server_relative_paths(settings, os.path.dirname(path))
    return settings


def check_config_file(
    path: str, defines=None
) -> tuple[ServerSettings | None, list[ConfigError], list[ConfigWarning]]:
    """Every problem of a config file: (settings or None, errors, warnings).

    A syntax error (unclosed section, unreadable file) stops at once and gives no settings;
    a bad directive is recorded and the rest of the file is still checked.
    """
    path = os.path.abspath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            tree = parse_config(handle.read(), path)
    except OSError as error:
        return None, [ConfigError(f"cannot read: {error.strerror}", path)], []
    except UnicodeDecodeError as error:
        return None, [ConfigError(f"not UTF-8 text: {error}", path)], []
    except ConfigError as error:
        return None, [error], []
    builder = ConfigBuilder(defines, os.path.dirname(path), collect_errors=True)
    settings = builder.build(tree)
    settings.builder = builder
    resolve_server_relative_paths(settings, os.path.dirname(path))
    return settings, builder.errors, list(settings.warnings)


_NOT_A_FILE_LOG = ("", "stderr", "/dev/stderr")


def resolve_server_relative_paths(settings: ServerSettings, config_directory: str) -> None:
    """Relative DocumentRoot, ErrorLog and PidFile are relative to ServerRoot, as in Apache.

    With no ServerRoot, the config file's directory stands in for httpd's compiled-in
    root (and a relative ServerRoot is taken from there too), so a site's config works from
    any working directory. Already-absolute paths are left alone.
    """
    for record in [settings, *settings.vhosts]:
        root = record.server_root or config_directory
        if not os.path.isabs(root):
            root = os.path.join(config_directory, root)
        root = os.path.normpath(root)
        if record.document_root and not os.path.isabs(record.document_root):
            record.document_root = os.path.normpath(os.path.join(root, record.document_root))
        if record.pid_file and not os.path.isabs(record.pid_file):
            record.pid_file = os.path.normpath(os.path.join(root, record.pid_file))
        record.custom_logs = [
            (target if target.startswith("|") or os.path.isabs(target)
             else os.path.normpath(os.path.join(root, target)), log_format)
            for target, log_format in record.custom_logs
        ]  # fmt: skip
        log = record.error_log
        if log not in _NOT_A_FILE_LOG and not log.startswith(("|", "syslog")):
            if not os.path.isabs(log):
                record.error_log = os.path.normpath(os.path.join(root, log))
        # Ours: a relative Alias/ScriptAlias/WSGIScriptAlias target (httpd would fail on it)
        # is taken from ServerRoot too, so a site that ships its scripts beside its config
        # (examples/httpd.conf) works from any working directory.
        record.alias_rules = [
            dataclasses.replace(rule, target=os.path.join(root, rule.target))
            if not rule.is_redirect and rule.target and not os.path.isabs(rule.target)
            else rule
            for rule in record.alias_rules
        ]


__all__ = ["check_config_file", "load_config_file", "load_config_text",
           "resolve_server_relative_paths"]  # fmt: skip
