"""mod_headers: ``Header`` and ``RequestHeader`` actions, parsed once, applied per request.

``Header`` actions run when the response headers go out: the default ("onsuccess") ones
act on ``headers_out`` and are skipped for httpd's own error pages; ``always`` ones act on
``err_headers_out`` and apply to every response. ``RequestHeader`` actions run at fixups,
before the content handler sees ``headers_in``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

_ACTIONS = frozenset(
    {"set", "append", "add", "merge", "setifempty", "unset", "edit", "edit*", "echo", "note"}
)
_REQUEST_ACTIONS = _ACTIONS - {"echo", "note"}
_FORMAT = re.compile(r"%(%|t|D|\{([^}]*)\}([es]))")


@dataclass(frozen=True)
class HeaderAction:
    action: str
    name: str
    value: str | None = None
    replacement: str | None = None
    always: bool = False
    env: tuple[str, bool] | None = None  # (variable, wanted present)
    pattern: re.Pattern | None = None  # edit/edit*/echo


def parse_header_action(args: list[str], request_side: bool) -> HeaderAction:
    """``[always|onsuccess] action header [value [replacement]] [early|env=[!]VAR]``."""
    words = list(args)
    always = False
    if not request_side and words and words[0].lower() in ("always", "onsuccess"):
        always = words.pop(0).lower() == "always"
    if not words:
        raise ValueError("missing header action")
    action = words.pop(0).lower()
    allowed = _REQUEST_ACTIONS if request_side else _ACTIONS
    if action not in allowed:
        raise ValueError(f"first argument must be one of {', '.join(sorted(allowed))}")
    if not words:
        raise ValueError("header name missing")
    name = words.pop(0)
    if name.endswith(":"):
        name = name[:-1]  # "Header set X-Name: value" is written with a colon in the wild
    env = None
    if words and words[-1].lower().startswith("env="):
        variable = words.pop()[4:]
        env = (variable[1:], False) if variable.startswith("!") else (variable, True)
    elif words and words[-1].lower() == "early":
        raise ValueError("'early' header actions are not supported by this server")
    elif words and words[-1].lower().startswith("expr="):
        raise ValueError("expr= conditions are not supported by this server")
    needs_value = action not in ("unset", "echo")
    value = replacement = pattern = None
    if action in ("edit", "edit*"):
        if len(words) != 2:
            raise ValueError(f"{action} takes a regular expression and a replacement")
        value, replacement = words
        pattern = _compile(value)
    elif action == "echo":
        if words:
            raise ValueError("echo takes only a header name pattern")
        pattern = _compile(name)
    elif needs_value:
        if len(words) != 1:
            raise ValueError(f"{action} takes a header name and one value")
        value = words[0]
    elif words:
        raise ValueError(f"{action} takes only a header name")
    return HeaderAction(action, name, value, replacement, always, env, pattern)


def _compile(text: str) -> re.Pattern:
    try:
        return re.compile(text)
    except re.error as error:
        raise ValueError(f"bad regular expression {text!r}: {error}") from None


def _format_value(value: str, req) -> str:
    if "%" not in value:
        return value

    def expand(found: re.Match) -> str:
        code = found.group(1)
        if code == "%":
            return "%"
        if code == "t":
            return f"t={int(req.request_time * 1_000_000)}"
        if code == "D":
            return f"D={int((time.time() - req.request_time) * 1_000_000)}"
        if found.group(3) == "e":
            return req.subprocess_env.get(found.group(2)) or "(null)"
        return "(null)"  # %{VAR}s: no SSL variables here

    return _FORMAT.sub(expand, value)


def _applies(action: HeaderAction, req) -> bool:
    if action.env is None:
        return True
    variable, wanted = action.env
    return (variable in req.subprocess_env) == wanted


def _perform(action: HeaderAction, table, req, source=None) -> None:
    kind = action.action
    name = action.name
    if kind == "unset":
        del table[name]
        return
    if kind == "echo":
        for header, value in source.items() if source is not None else ():
            if action.pattern.search(header):
                table.add(header, value)
        return
    if kind in ("edit", "edit*"):
        count = 0 if kind == "edit*" else 1
        if name not in table:
            return
        found = table[name]
        values = found if isinstance(found, list) else [found]
        del table[name]
        replacement = re.sub(r"\$(\d)", r"\\\1", action.replacement)
        for current in values:
            table.add(name, action.pattern.sub(replacement, current, count=count))
        return
    value = _format_value(action.value, req)
    if kind == "set":
        table[name] = value
    elif kind == "add":
        table.add(name, value)
    elif kind == "setifempty":
        if not table.get(name):
            table[name] = value
    elif kind in ("append", "merge"):
        current = table.get(name)
        if isinstance(current, list):
            current = ", ".join(current)
        if current is None:
            table[name] = value
        elif kind == "merge" and value in [part.strip() for part in current.split(",")]:
            return
        else:
            table[name] = f"{current}, {value}"
    elif kind == "note":
        found = table.get(name)
        if found is not None:
            req.notes[action.value] = found


def apply_response_actions(req, actions, error_page: bool) -> None:
    """Header actions, when the response headers are about to go out."""
    for action in actions:
        if error_page and not action.always:
            continue
        if not _applies(action, req):
            continue
        table = req.err_headers_out if action.always else req.headers_out
        _perform(action, table, req, source=req.headers_in)


def apply_request_actions(req, actions) -> None:
    """RequestHeader actions, at fixups."""
    for action in actions:
        if _applies(action, req):
            _perform(action, req.headers_in, req)


__all__ = ["HeaderAction", "apply_request_actions", "apply_response_actions",
           "parse_header_action"]  # fmt: skip
