"""mod_alias: Alias/AliasMatch/ScriptAlias map a URL to a file; Redirect* answer 3xx/410.

At server level the rules run in the translate phase, before PythonTransHandler (mod_alias
is loaded ahead of mod_python, as the oracle shows), redirects first, then aliases, each in
config order, a virtual host's before the main server's. Redirects declared in sections
run at fixups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from .constants import DECLINED, OK

_STATUS_WORDS = {"permanent": 301, "temp": 302, "seeother": 303, "gone": 410}
_GROUP_REFERENCE = re.compile(r"\\(.)|\$(\d)")


@dataclass(frozen=True)
class AliasRule:
    pattern: str  # as written
    matcher: re.Pattern | None  # AliasMatch/RedirectMatch; None for prefix rules
    target: str | None  # file path, or URL (None for 410 Gone)
    status: int | None  # None for an alias, the HTTP status for a redirect
    is_regex: bool
    handler: str | None = None  # ScriptAlias: "cgi-script", WSGIScriptAlias: "wsgi-script"
    # WSGIScriptAlias options (process-group= ...), put in req.notes as mod_wsgi does.
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def is_redirect(self) -> bool:
        return self.status is not None

    def match(self, uri: str) -> str | None:
        """The URI rewritten by this rule, or None when it does not apply."""
        if self.matcher is not None:
            found = self.matcher.search(uri)
            if found is None:
                return None
            if self.target is None:
                return ""
            if self.handler == "wsgi-script":
                # mod_wsgi keeps what follows the match: it becomes the script's PATH_INFO.
                return _substitute(self.target, found) + uri[found.end() :]
            return _substitute(self.target, found)
        length = _prefix_length(self.pattern, uri)
        if length is None:
            return None
        if self.target is None:
            return ""
        rest = uri[length:]
        if self.handler == "wsgi-script" and self.pattern.endswith("/"):
            # mod_wsgi's alias keeps the slash the URL-path ends with, so that
            # "WSGIScriptAlias / /srv/app.wsgi" gives /srv/app.wsgi + "/x" for "/x".
            return self.target.rstrip("/") + "/" + rest
        if self.is_redirect and rest:
            rest = quote(rest, safe="/;:@&=+$,!~*'()")
        return self.target + rest


def compile_pattern(pattern: str, is_regex: bool) -> re.Pattern | None:
    if not is_regex:
        return None
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"bad regular expression {pattern!r}: {error}") from None


def redirect_status(word: str) -> int:
    """``permanent``/``temp``/``seeother``/``gone`` or a number -> the status."""
    if word.lower() in _STATUS_WORDS:
        return _STATUS_WORDS[word.lower()]
    if word.isdigit() and 300 <= int(word) <= 599:
        return int(word)
    raise ValueError(word)


def _prefix_length(alias: str, uri: str) -> int | None:
    """mod_alias's match: path segments must match whole, repeated slashes count as one."""
    a = u = 0
    while a < len(alias):
        if alias[a] == "/":
            if u >= len(uri) or uri[u] != "/":
                return None
            while a < len(alias) and alias[a] == "/":
                a += 1
            while u < len(uri) and uri[u] == "/":
                u += 1
        else:
            if u >= len(uri) or uri[u] != alias[a]:
                return None
            a += 1
            u += 1
    # "/foo" must not match "/foobar": the match ends at a segment boundary.
    if alias and alias[-1] != "/" and u < len(uri) and uri[u] != "/":
        return None
    return u


def _substitute(template: str, found: re.Match) -> str:
    def group(reference: re.Match) -> str:
        if reference.group(1) is not None:
            return reference.group(1)
        index = int(reference.group(2))
        if index > (found.re.groups or 0):
            return ""
        return found.group(index) or ""

    return _GROUP_REFERENCE.sub(group, template)


def first_match(rules, uri: str, redirects: bool):
    """(rule, rewritten) for the first rule of the wanted kind that applies, else None."""
    for rule in rules:
        if rule.is_redirect != redirects:
            continue
        rewritten = rule.match(uri)
        if rewritten is not None:
            return rule, rewritten
    return None


def translate_alias(req, rules) -> int:
    """Redirects first, then aliases: the status, OK with req.filename set, or DECLINED."""
    found = first_match(rules, req.uri, redirects=True)
    if found is not None:
        rule, target = found
        if not 300 <= rule.status <= 399:
            return rule.status  # Redirect gone (410) and other non-3xx statuses
        if req.args and "?" not in target:
            target = f"{target}?{req.args}"
        if target.startswith("/"):
            target = req.construct_url(target)  # mod_alias makes a local path absolute
        req.headers_out["Location"] = target
        return rule.status
    found = first_match(rules, req.uri, redirects=False)
    if found is None:
        return DECLINED
    rule, path = found
    req._filename = path
    if rule.handler:
        req.handler = rule.handler
        req.notes["alias-forced-type"] = rule.handler  # as mod_alias/mod_wsgi mark it
    for name, value in rule.notes:
        req.notes[name] = value
    return OK


__all__ = ["AliasRule", "compile_pattern", "first_match", "redirect_status", "translate_alias"]
