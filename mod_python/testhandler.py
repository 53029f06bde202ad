"""``PythonHandler mod_python.testhandler``: a diagnostic page about the server (SPEC 9.5).

The page lists, in mod_python's order and markup: general information (server software,
process model, server and document roots, error log, Python version and path, the
interpreter name, whether the publisher and PSP import), then key/value tables of the
request headers, ``subprocess_env``, the request's config and options, its notes, the
server's config and options, and the configuration tree. ``?view_log=1`` answers with the
last 100 lines of the error log as text/plain.

Unlike mod_python's page, every value is HTML-escaped: request headers come from the
client and would otherwise be written into the page as markup.
"""

from __future__ import annotations

import collections
import html
import os
import sys

from . import apache, util

# How much of the error log ?view_log=1 shows.
LOG_LINES = 100


def _cell(text) -> str:
    return f"<code>{html.escape(str(text), quote=False)}</code>"


def _row(key, value_cell: str) -> str:
    return f"<tr><td>{_cell(key)}</td><td>{value_cell}</td></tr>\n"


def _key_value_table(pairs) -> str:
    rows = "".join(_row(key, _cell(value)) for key, value in pairs)
    return f'<table border="1"><tr><th>Key</th><th>Value</th></tr>\n{rows}</table>'


def _tree_lines(tree, level: int = 0):
    """``apache.config_tree()`` as text: ``name args``, 4 spaces per nesting level."""
    for entry in tree:
        if isinstance(entry, list):
            yield from _tree_lines(entry, level + 1)
        else:
            yield "    " * level + " ".join(entry) + "\n"


def _importable(module: str) -> str:
    try:
        __import__(module)
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return "No"
    return "Yes"


def _mpm_line(flag: int, maximum: int, available: str, absent: str) -> str:
    if apache.mpm_query(flag):
        return available % apache.mpm_query(maximum)
    return absent


def _error_log_path(req) -> str | None:
    name = req.server.error_fname
    if not name:
        return None
    return os.path.join(apache.server_root(), name)


def _general_information(req) -> str:
    log_path = _error_log_path(req)
    if log_path is None:
        log_cell = _cell("None")
    else:
        link = '<a href="?view_log=1" target="_new">view last 100 lines</a>'
        log_cell = f"{_cell(log_path)} ({link})"
    rows = [
        _row("Apache version", _cell(req.subprocess_env.get("SERVER_SOFTWARE"))),
        _row("Apache threaded MPM", _cell(_mpm_line(
            apache.AP_MPMQ_IS_THREADED, apache.AP_MPMQ_MAX_THREADS,
            "Yes, maximum %i threads / process", "No (single thread MPM)"))),
        _row("Apache forked MPM", _cell(_mpm_line(
            apache.AP_MPMQ_IS_FORKED, apache.AP_MPMQ_MAX_DAEMONS,
            "Yes, maximum %i processes", "No (single process MPM)"))),
        _row("Apache server root", _cell(apache.server_root())),
        _row("Apache document root", _cell(req.document_root())),
        _row("Apache error log", log_cell),
        _row("Python sys.version", _cell(sys.version)),
        _row("Python sys.path", f"<pre>{html.escape(chr(10).join(sys.path), quote=False)}</pre>"),
        _row("Python interpreter name", _cell(req.interpreter)),
        _row("mod_python.publisher available", _cell(_importable("mod_python.publisher"))),
        _row("mod_python.psp available", _cell(_importable("mod_python.psp"))),
    ]  # fmt: skip
    return '<h3>General information</h3>\n<table border="1">\n' + "".join(rows) + "</table>\n"


def _view_log(req) -> int:
    req.content_type = "text/plain"
    path = _error_log_path(req)
    try:
        with open(path, "rb") as log:
            last_lines = collections.deque(log, maxlen=LOG_LINES)
    except (OSError, TypeError) as error:
        # ErrorLog stderr (or a log we cannot read): say so instead of failing.
        req.write(f"The error log cannot be shown ({path}): {error}\n")
        return apache.OK
    req.write(b"".join(last_lines))
    return apache.OK


def handler(req) -> int:
    """The test page, or the tail of the error log with ``?view_log=1``."""
    req.form = util.FieldStorage(req)
    if req.form.getfirst("view_log"):
        return _view_log(req)
    req.add_common_vars()
    req.content_type = "text/html"
    tables = [
        ("Request input headers", req.headers_in),
        ("Request environment", req.subprocess_env),
        ("Request configuration", req.get_config()),
        ("Request options", req.get_options()),
        ("Request notes", req.notes),
        ("Server configuration", req.server.get_config()),
        ("Server options", req.server.get_options()),
    ]
    parts = ["<html><head><title>mod_python test page</title></head><body>\n"]
    parts.append(_general_information(req))
    for title, table in tables:
        parts.append(f"<h3>{title}</h3>\n{_key_value_table(table.items())}")
    tree = "".join(_tree_lines(apache.config_tree()))
    parts.append(
        f"<h3>Server configuration tree</h3>\n<pre>{html.escape(tree, quote=False)}</pre>\n"
    )
    parts.append("</body></html>")
    req.write("".join(parts))
    return apache.OK


__all__ = ["handler"]
