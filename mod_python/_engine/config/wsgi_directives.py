"""mod_wsgi's directives (4.9), applied by the same config engine as mod_python's.

Values land in ``DirConfig.wsgi`` (merged key by key, a more specific section winning),
server-wide ones in the server's own config; ``wsgi_scripts/`` reads them per request.
WSGIScriptAlias(Match) become mod_alias rules whose handler is ``wsgi-script``. The
daemon-mode directives are parsed and kept for the process model; the ones that only
mean something inside Apache are accepted and reported by ``mod_python check``.
"""

from __future__ import annotations

import re

from ..auth import RequireSyntaxError, parse_ip_network
from .directives import (
    ANYWHERE,
    HTACCESS,
    SECTION,
    SERVER_AND_SECTIONS,
    SERVER_ONLY,
    SectionScope,
    directive,
)
from .parser import Directive

# %{GLOBAL}, %{SERVER}, %{RESOURCE}, %{ENV:name} (or a plain name) in group directives.
_EXPANSION = re.compile(r"%\{(GLOBAL|SERVER|RESOURCE|ENV:[^}]+)\}")
_ALIAS_OPTIONS = ("process-group", "application-group", "callable-object", "pass-authorization")
_ON_OFF = {"on": True, "off": False}
# mod_wsgi's option names for WSGIDaemonProcess (4.9): anything else is a config error.
_DAEMON_OPTIONS = frozenset(
    """user group processes threads umask home python-path python-home python-eggs
    stack-size maximum-requests inactivity-timeout deadlock-timeout shutdown-timeout
    display-name receive-buffer-size send-buffer-size header-buffer-size response-buffer-size
    socket-timeout connect-timeout request-timeout graceful-timeout eviction-timeout
    restart-interval cpu-time-limit memory-limit virtual-memory-limit cpu-priority lang locale
    chroot script-user server-metrics startup-timeout listen-backlog queue-timeout
    socket-user supplementary-groups startup-time response-socket-timeout busy-timeout
    python-optimize python-warnings python-dont-write-bytecode python-pycache-prefix""".split()
)  # fmt: skip


def _store(scope: SectionScope, key: str, value) -> None:
    scope.config.wsgi[key] = value


def _main_server_only(node: Directive, scope: SectionScope) -> None:
    """mod_wsgi's process-wide settings refuse a <VirtualHost>, as httpd's GLOBAL_ONLY does."""
    if scope.server is not None and scope.server.is_virtual:
        raise node.error(f"{node.name} cannot occur within <VirtualHost> section")


def _on_off(node: Directive) -> bool:
    value = _ON_OFF.get(node.args[0].lower())
    if value is None:
        raise node.error(f"{node.name} must be On or Off")
    return value


def _group_value(node: Directive, text: str) -> str:
    """A group name as written, checked: only the known %{...} expansions are allowed."""
    if "%{" in text and not _EXPANSION.fullmatch(text):
        raise node.error(
            f"Invalid name for {node.name}: expected %{{GLOBAL}}, %{{SERVER}}, %{{RESOURCE}}, "
            f"%{{ENV:variable}} or a name, not {text!r}"
        )
    return text


def _options(node: Directive, words, allowed) -> dict[str, str]:
    """``name=value`` words after the positional arguments."""
    found: dict[str, str] = {}
    for word in words:
        name, equals, value = word.partition("=")
        if not equals or name.lower() not in allowed:
            raise node.error(f"Invalid option to {node.name} directive: {word!r}")
        found[name.lower()] = value
    return found


# ---- WSGIScriptAlias and WSGIScriptAliasMatch ----------------------------------------------


def _script_alias(is_regex: bool):
    from ..aliases import AliasRule, compile_pattern

    def apply(node: Directive, scope: SectionScope) -> None:
        pattern, target, *extra = node.args
        options = _options(node, extra, _ALIAS_OPTIONS)
        notes = []
        for name, value in options.items():
            if name == "application-group":
                value = _group_value(node, value)
            elif name == "pass-authorization":
                if value.lower() not in _ON_OFF:
                    raise node.error("pass-authorization must be On or Off")
                value = "1" if _ON_OFF[value.lower()] else "0"
            notes.append(("mod_wsgi." + name.replace("-", "_"), value))
        try:
            matcher = compile_pattern(pattern, is_regex)
        except ValueError as error:
            raise node.error(str(error)) from None
        scope.server.alias_rules.append(
            AliasRule(pattern, matcher, target, None, is_regex, "wsgi-script", tuple(notes))
        )

    return apply


directive("WSGIScriptAlias", SERVER_ONLY, 2, None, override=None)(_script_alias(False))
directive("WSGIScriptAliasMatch", SERVER_ONLY, 2, None, override=None)(_script_alias(True))


# ---- per-section settings ------------------------------------------------------------------


@directive("WSGIApplicationGroup", SERVER_AND_SECTIONS, 1, 1, override=None)
def _application_group(node: Directive, scope: SectionScope) -> None:
    _store(scope, "application_group", _group_value(node, node.args[0]))


@directive("WSGIProcessGroup", SERVER_AND_SECTIONS, 1, 1, override=None,
           warning="daemon mode is not implemented yet: the application runs in the serving "
           "process (mod_wsgi.process_group still names the group)")  # fmt: skip
def _process_group(node: Directive, scope: SectionScope) -> None:
    _store(scope, "process_group", _group_value(node, node.args[0]))


@directive("WSGICallableObject", ANYWHERE, 1, 1, override="fileinfo")
def _callable_object(node: Directive, scope: SectionScope) -> None:
    _store(scope, "callable_object", _group_value(node, node.args[0]))


def _flag_setting(key: str):
    def apply(node: Directive, scope: SectionScope) -> None:
        _store(scope, key, _on_off(node))

    return apply


for _name, _key, _override in (
    ("WSGIPassAuthorization", "pass_authorization", "fileinfo"),
    ("WSGIScriptReloading", "script_reloading", "fileinfo"),
    ("WSGIChunkedRequest", "chunked_request", "fileinfo"),
):
    directive(_name, ANYWHERE, 1, 1, override=_override)(_flag_setting(_key))

directive("WSGIErrorOverride", ANYWHERE, 1, 1, override="fileinfo",
          warning="not acted on yet: the application's error responses are sent as they "
          "are")(_flag_setting("error_override"))  # fmt: skip


@directive("WSGIMapHEADToGET", ANYWHERE, 1, 1, override="fileinfo")
def _map_head_to_get(node: Directive, scope: SectionScope) -> None:
    value = node.args[0].lower()
    if value not in ("on", "off", "auto"):
        raise node.error("WSGIMapHEADToGET must be On, Off or Auto")
    _store(scope, "map_head_to_get", value)


def _script_directive(key: str):
    """WSGIAuthUserScript / WSGIAuthGroupScript / WSGIAccessScript: path [application-group=]."""

    def apply(node: Directive, scope: SectionScope) -> None:
        path, *extra = node.args
        group = _options(node, extra, ("application-group",)).get("application-group", "")
        _store(scope, key, (path, _group_value(node, group) if group else ""))

    return apply


for _name, _key in (
    ("WSGIAuthUserScript", "auth_user_script"),
    ("WSGIAuthGroupScript", "auth_group_script"),
    ("WSGIAccessScript", "access_script"),
):
    directive(_name, {SECTION, HTACCESS}, 1, 2, override="authconfig")(_script_directive(_key))


@directive("WSGITrustedProxyHeaders", ANYWHERE, 1, None, override="fileinfo")
def _trusted_proxy_headers(node: Directive, scope: SectionScope) -> None:
    names = tuple("HTTP_" + name.upper().replace("-", "_") for name in node.args)
    _store(scope, "trusted_proxy_headers", names)


@directive("WSGITrustedProxies", ANYWHERE, 1, None, override="fileinfo")
def _trusted_proxies(node: Directive, scope: SectionScope) -> None:
    networks = []
    for word in node.args:
        try:
            networks.append(parse_ip_network(word))
        except RequireSyntaxError as error:
            raise node.error(f"WSGITrustedProxies: {error}") from None
    _store(scope, "trusted_proxies", tuple(networks))


@directive("WSGIRestrictProcess", ANYWHERE, 1, None, override="fileinfo",
           warning="daemon mode is not implemented yet: the restriction is recorded only")  # fmt: skip
def _restrict_process(node: Directive, scope: SectionScope) -> None:
    _store(scope, "restrict_process", tuple(node.args))


# ---- process-wide settings (main server config) --------------------------------------------


def _server_flag(key: str):
    def apply(node: Directive, scope: SectionScope) -> None:
        _main_server_only(node, scope)
        _store(scope, key, _on_off(node))

    return apply


for _name, _key in (
    ("WSGICaseSensitivity", "case_sensitivity"),
    ("WSGIRestrictEmbedded", "restrict_embedded"),
    ("WSGIRestrictStdin", "restrict_stdin"),
    ("WSGIRestrictStdout", "restrict_stdout"),
    ("WSGIRestrictSignal", "restrict_signal"),
):
    directive(_name, SERVER_ONLY, 1, 1, override=None)(_server_flag(_key))


@directive("WSGIPythonPath", SERVER_ONLY, 1, None, override=None)
def _python_path(node: Directive, scope: SectionScope) -> None:
    _main_server_only(node, scope)
    directories = [part for word in node.args for part in word.split(":") if part]
    _store(scope, "python_path", tuple(directories))


@directive("WSGIPythonHome", SERVER_ONLY, 1, 1, override=None)
def _python_home(node: Directive, scope: SectionScope) -> None:
    _main_server_only(node, scope)
    _store(scope, "python_home", node.args[0])


@directive("WSGIPythonOptimize", SERVER_ONLY, 1, 1, override=None)
def _python_optimize(node: Directive, scope: SectionScope) -> None:
    _main_server_only(node, scope)
    if node.args[0] not in ("0", "1", "2"):
        raise node.error("WSGIPythonOptimize must be 0, 1 or 2")
    _store(scope, "python_optimize", int(node.args[0]))


@directive("WSGIPythonEggs", SERVER_ONLY, 1, 1, override=None)
def _python_eggs(node: Directive, scope: SectionScope) -> None:
    _main_server_only(node, scope)
    _store(scope, "python_eggs", node.args[0])


@directive("WSGIImportScript", SERVER_ONLY, 1, 3, override=None)
def _import_script(node: Directive, scope: SectionScope) -> None:
    path, *extra = node.args
    options = _options(node, extra, ("process-group", "application-group"))
    entry = (
        path,
        _group_value(node, options.get("process-group", "%{GLOBAL}")),
        _group_value(node, options.get("application-group", "%{GLOBAL}")),
    )
    scope.config.wsgi["import_scripts"] = scope.config.wsgi.get("import_scripts", ()) + (entry,)


@directive("WSGIDaemonProcess", SERVER_ONLY, 1, None, override=None,
           warning="daemon processes are not started yet: applications run in the serving "
           "process (python-path and python-home are applied to it)")  # fmt: skip
def _daemon_process(node: Directive, scope: SectionScope) -> None:
    name, *extra = node.args
    options = _options(node, extra, _DAEMON_OPTIONS)
    daemons = dict(scope.config.wsgi.get("daemon_processes", {}))
    if name in daemons:
        raise node.error(f"Name duplicates previous WSGI daemon definition: {name!r}")
    daemons[name] = options
    _store(scope, "daemon_processes", daemons)


@directive("WSGISocketPrefix", SERVER_ONLY, 1, 1, override=None,
           warning="no daemon sockets here: the prefix is recorded only")  # fmt: skip
def _socket_prefix(node: Directive, scope: SectionScope) -> None:
    _main_server_only(node, scope)
    _store(scope, "socket_prefix", node.args[0])


def _apache_only(node: Directive, scope: SectionScope) -> None:
    """Accepted: it tunes something that exists only inside Apache."""


for _name, _why in (
    ("WSGILazyInitialization", "Python is already initialised in the serving process"),
    ("WSGIAcceptMutex", "there is no Apache accept mutex"),
    ("WSGIVerboseDebugging", "mod_wsgi's internal tracing does not exist here"),
    ("WSGIDestroyInterpreter", "application groups are namespaces, not sub-interpreters"),
    ("WSGIPythonWarnings", "set warning filters with PYTHONWARNINGS or in the application"),
    ("WSGIApplicationMode", "there is no Apache accept mutex or daemon mode to tune"),
):
    directive(_name, SERVER_ONLY, 1, None, override=None,
              warning=f"Apache-only, no effect here: {_why}")(_apache_only)  # fmt: skip
