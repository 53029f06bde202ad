"""The directive registry: every directive the engine understands, declared once.

Each entry names the contexts it is allowed in and how it applies its arguments to the
section being built. The config builder, error messages and (later) ``mod_python check``
all read this table, so they cannot disagree. Issue "Apache configuration engine" grows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..constants import PHASE_DEFAULT_FUNCTIONS
from .dirconfig import DirConfig, FilterEntry, HandlerEntry, RequireRule
from .parser import Directive

# Where a directive may appear (Apache's RSRC_CONF / OR_ALL / ACCESS_CONF groups).
SERVER = "server"  # main server config or <VirtualHost>
SECTION = "section"  # <Directory>, <Location>, <Files> and their *Match forms
HTACCESS = "htaccess"
ANYWHERE = frozenset({SERVER, SECTION, HTACCESS})
SERVER_ONLY = frozenset({SERVER})
SERVER_AND_SECTIONS = frozenset({SERVER, SECTION})


@dataclass
class SectionScope:
    """What a directive applies to: the section's DirConfig plus where it sits."""

    config: DirConfig
    context: str  # SERVER, SECTION or HTACCESS
    directory: str | None  # recorded handler directory (SPEC 1.2), trailing "/"
    is_location: bool = False
    directory_pattern: re.Pattern | None = None
    server: object = None  # the ServerSettings being built (for server-level directives)
    # Inside <Limit m ...> / <LimitExcept m ...>: (methods, is_except); Require honours it.
    limit: tuple[frozenset[str], bool] | None = None
    # Inside <RequireAll>/<RequireAny>/<RequireNone>: where Require rules are collected.
    require_sink: list | None = None
    # In a .htaccess file: the AllowOverride classes in force there, and where its <Files>
    # sections go.
    overrides: frozenset[str] | None = None
    files_sink: list | None = None


@dataclass(frozen=True)
class DirectiveSpec:
    name: str
    contexts: frozenset[str]
    apply: Callable[[Directive, SectionScope], None]
    min_args: int = 0
    max_args: int | None = None
    # The AllowOverride class a .htaccess needs for it ("all" = any class will do), or None.
    override: str | None = "all"
    # Set for directives accepted without their effect: reported at start and by `check`.
    warning: str | None = None


REGISTRY: dict[str, DirectiveSpec] = {}


def directive(name: str, contexts=ANYWHERE, min_args: int = 0, max_args: int | None = None,
              override: str | None = "all", warning: str | None = None):  # fmt: skip
    def register(function):
        REGISTRY[name.lower()] = DirectiveSpec(
            name, frozenset(contexts), function, min_args, max_args, override, warning
        )
        return function

    return register


def flag(node: Directive) -> str:
    """An On/Off argument as mod_python stores it: "1" or "0"."""
    if len(node.args) != 1 or node.args[0].lower() not in ("on", "off"):
        raise node.error("must be On or Off")
    return "1" if node.args[0].lower() == "on" else "0"


# ---- mod_python's handler directives (SPEC 1.1) -------------------------------------------

_NO_EXTENSION_PHASES = {"PythonPostReadRequestHandler", "PythonTransHandler"}
_SERVER_ONLY_PHASES = _NO_EXTENSION_PHASES


def _handler_entries(node: Directive, scope: SectionScope, silent: bool = False):
    handlers_part, bar, ext_part = node.raw.partition("|")
    specs = handlers_part.split()
    if not specs:
        raise node.error("takes at least one handler")
    extensions = ext_part.split() if bar else []
    entries = tuple(
        HandlerEntry(spec, scope.directory, scope.is_location, silent, scope.directory_pattern)
        for spec in specs
    )
    return entries, extensions


def _add_handlers(scope: SectionScope, phase: str, entries, extensions) -> None:
    keys = [phase + ext for ext in extensions] if extensions else [phase]
    for key in keys:
        scope.config.handlers[key] = scope.config.handlers.get(key, ()) + entries
    if scope.is_location:
        scope.config.handler_in_location = True


def _register_phase(phase: str) -> None:
    contexts = SERVER_ONLY if phase in _SERVER_ONLY_PHASES else ANYWHERE

    def apply(node: Directive, scope: SectionScope) -> None:
        entries, extensions = _handler_entries(node, scope)
        if extensions and phase in _NO_EXTENSION_PHASES:
            raise node.error(f'{phase} does not accept "| .ext" syntax.')
        _add_handlers(scope, phase, entries, extensions)

    directive(phase, contexts, min_args=1)(apply)


for _phase in PHASE_DEFAULT_FUNCTIONS:
    _register_phase(_phase)

_MODULE_PHASES = tuple(PHASE_DEFAULT_FUNCTIONS)


@directive("PythonHandlerModule", min_args=1)
def _handler_module(node: Directive, scope: SectionScope) -> None:
    entries, extensions = _handler_entries(node, scope, silent=True)
    for phase in _MODULE_PHASES:
        _add_handlers(scope, phase, entries, extensions)


@directive("PythonConnectionHandler", SERVER_ONLY, min_args=1)
def _connection_handler(node: Directive, scope: SectionScope) -> None:
    scope.server.connection_handler = node.args[0]


def _filter_directive(is_input: bool):
    def apply(node: Directive, scope: SectionScope) -> None:
        handler = node.args[0]
        name = node.args[1] if len(node.args) > 1 else handler
        entry = FilterEntry(handler, name.lower(), scope.directory, is_input)
        table = scope.config.input_filters if is_input else scope.config.output_filters
        table[name.lower()] = entry

    return apply


directive("PythonInputFilter", SERVER_AND_SECTIONS, 1, 2)(_filter_directive(True))
directive("PythonOutputFilter", SERVER_AND_SECTIONS, 1, 2)(_filter_directive(False))

# ---- mod_python's other directives ---------------------------------------------------------

for _name in ("PythonDebug", "PythonAutoReload", "PythonEnablePdb", "PythonInterpPerDirectory",
              "PythonInterpPerDirective"):  # fmt: skip

    def _flag_directive(node: Directive, scope: SectionScope, _name=_name) -> None:
        scope.config.directives[_name] = flag(node)

    directive(_name, min_args=1, max_args=1)(_flag_directive)


@directive("PythonInterpreter", min_args=1, max_args=1)
def _interpreter(node: Directive, scope: SectionScope) -> None:
    scope.config.directives["PythonInterpreter"] = node.args[0]


@directive("PythonPath", min_args=1, max_args=1)
def _python_path(node: Directive, scope: SectionScope) -> None:
    scope.config.directives["PythonPath"] = node.args[0]


@directive("PythonOption", min_args=1, max_args=2)
def _python_option(node: Directive, scope: SectionScope) -> None:
    key = node.args[0]
    value = node.args[1] if len(node.args) > 1 else ""
    scope.config.options_table[key.lower()] = (key, value)


@directive("PythonImport", SERVER_ONLY, min_args=2, max_args=2)
def _python_import(node: Directive, scope: SectionScope) -> None:
    scope.server.python_imports.append((node.args[0], node.args[1]))


@directive("PythonOptimize", SERVER_ONLY, min_args=1, max_args=1)
def _python_optimize(node: Directive, scope: SectionScope) -> None:
    flag(node)  # validated; no effect on Python >= 3.12 and none here (documented)


# ---- Apache core, mod_mime, mod_dir, mod_auth* and friends -------------------------------


def _server_attr(attr: str, convert=str):
    def apply(node: Directive, scope: SectionScope) -> None:
        try:
            setattr(scope.server, attr, convert(node.args[0]))
        except ValueError as error:
            raise node.error(f"invalid value {node.args[0]!r}: {error}") from None

    return apply


def _seconds(text: str) -> float:
    return float(int(text))


def _on_off(text: str) -> int:
    if text.lower() not in ("on", "off"):
        raise ValueError("must be On or Off")
    return 1 if text.lower() == "on" else 0


for _name, _attr, _convert in (
    ("ServerName", "server_name", str),
    ("ServerAdmin", "server_admin", str),
    ("ServerRoot", "server_root", str),
    ("ServerPath", "server_path", str),
    ("DocumentRoot", "document_root", str),
    ("ErrorLog", "error_log", str),
    ("LogLevel", "log_level", str),
    ("Timeout", "timeout", _seconds),
    ("KeepAliveTimeout", "keep_alive_timeout", _seconds),
    ("MaxKeepAliveRequests", "keep_alive_max", int),
    ("KeepAlive", "keep_alive", _on_off),
    ("LimitRequestLine", "limit_req_line", int),
    ("LimitRequestFieldSize", "limit_req_fieldsize", int),
    ("LimitRequestFields", "limit_req_fields", int),
    ("TypesConfig", "types_config", str),
    ("PidFile", "pid_file", str),
):
    directive(_name, SERVER_ONLY, 1, 1)(_server_attr(_attr, _convert))


@directive("ServerAlias", SERVER_ONLY, min_args=1)
def _server_alias(node: Directive, scope: SectionScope) -> None:
    scope.server.aliases.extend(node.args)


@directive("Listen", SERVER_ONLY, min_args=1, max_args=2)
def _listen(node: Directive, scope: SectionScope) -> None:
    scope.server.listen.append(node.args[0])


@directive("LogFormat", SERVER_ONLY, min_args=1, max_args=2)
def _log_format(node: Directive, scope: SectionScope) -> None:
    nickname = node.args[1] if len(node.args) > 1 else ""  # "" = TransferLog's format
    scope.server.log_formats[nickname] = node.args[0]


@directive("CustomLog", SERVER_ONLY, min_args=2, max_args=3)
def _custom_log(node: Directive, scope: SectionScope) -> None:
    scope.server.custom_logs.append((node.args[0], node.args[1]))


@directive("TransferLog", SERVER_ONLY, min_args=1, max_args=1)
def _transfer_log(node: Directive, scope: SectionScope) -> None:
    scope.server.custom_logs.append((node.args[0], ""))


@directive("SetHandler", min_args=1, max_args=1)
def _set_handler(node: Directive, scope: SectionScope) -> None:
    value = node.args[0]
    scope.config.set_handler = "" if value.lower() == "none" else value


def _extensions(node: Directive, first: int) -> list[str]:
    exts = []
    for ext in node.args[first:]:
        ext = ext.lower()
        exts.append(ext if ext.startswith(".") else "." + ext)
    return exts


@directive("AddHandler", min_args=2)
def _add_handler(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_handlers[ext] = node.args[0]


@directive("RemoveHandler", min_args=1)
def _remove_handler(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 0):
        scope.config.add_handlers[ext] = ""


@directive("AddType", min_args=2)
def _add_type(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_types[ext] = node.args[0]


def _filter_list(node: Directive) -> tuple[str, ...]:
    return tuple(name.lower() for name in node.args[0].split(";") if name)


@directive("AddOutputFilter", min_args=2)
def _add_output_filter(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_output_filters[ext] = _filter_list(node)


@directive("AddInputFilter", min_args=2)
def _add_input_filter(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_input_filters[ext] = _filter_list(node)


@directive("SetOutputFilter", min_args=1, max_args=1)
def _set_output_filter(node: Directive, scope: SectionScope) -> None:
    scope.config.add_output_filters["*"] = _filter_list(node)


@directive("SetInputFilter", min_args=1, max_args=1)
def _set_input_filter(node: Directive, scope: SectionScope) -> None:
    scope.config.add_input_filters["*"] = _filter_list(node)


@directive("ForceType", min_args=1, max_args=1)
def _force_type(node: Directive, scope: SectionScope) -> None:
    scope.config.force_type = node.args[0]


@directive("DefaultType", min_args=1, max_args=1)
def _default_type(node: Directive, scope: SectionScope) -> None:
    scope.config.default_type = node.args[0]


@directive("AuthType", min_args=1, max_args=1)
def _auth_type(node: Directive, scope: SectionScope) -> None:
    scope.config.auth_type = None if node.args[0].lower() == "none" else node.args[0]


@directive("AuthName", min_args=1, max_args=1)
def _auth_name(node: Directive, scope: SectionScope) -> None:
    scope.config.auth_name = node.args[0]


@directive("Require", SERVER_AND_SECTIONS | {HTACCESS}, min_args=1, override="authconfig")
def _require(node: Directive, scope: SectionScope) -> None:
    words = tuple(node.args)
    negate = words[0].lower() == "not"
    if negate:
        words = words[1:]
        if not words or scope.require_sink is None:
            raise node.error("negative Require directive has no effect outside <RequireAll> "
                             "or <RequireNone>")  # fmt: skip
    rule = RequireRule(words, negate, scope.limit)
    if scope.require_sink is not None:
        scope.require_sink.append(rule)
    else:
        scope.config.requires = (scope.config.requires or ()) + (rule,)


@directive("DirectoryIndex", min_args=1)
def _directory_index(node: Directive, scope: SectionScope) -> None:
    scope.config.directory_index = tuple(node.args)


@directive("ErrorDocument", min_args=2, max_args=2)
def _error_document(node: Directive, scope: SectionScope) -> None:
    try:
        status = int(node.args[0])
    except ValueError:
        raise node.error(f"unsupported HTTP response code {node.args[0]}") from None
    scope.config.error_documents[status] = node.args[1]


@directive("SetEnv", min_args=1, max_args=2)
def _set_env(node: Directive, scope: SectionScope) -> None:
    scope.config.set_env[node.args[0]] = node.args[1] if len(node.args) > 1 else ""


@directive("UnsetEnv", min_args=1)
def _unset_env(node: Directive, scope: SectionScope) -> None:
    for name in node.args:
        scope.config.set_env[name] = None


@directive("Options", min_args=1)
def _options(node: Directive, scope: SectionScope) -> None:
    current = set(scope.config.options or ())
    for word in node.args:
        if word[0] in "+-":
            (current.add if word[0] == "+" else current.discard)(word[1:].lower())
        elif word.lower() == "none":
            current = set()
        elif word.lower() == "all":
            current = {"indexes", "includes", "followsymlinks", "execcgi", "multiviews"} - {
                "multiviews"
            }
        else:
            current.add(word.lower())
    scope.config.options = frozenset(current)


@directive("AllowOverride", SERVER_AND_SECTIONS, min_args=1)
def _allow_override(node: Directive, scope: SectionScope) -> None:
    scope.config.allow_override = frozenset(word.lower() for word in node.args) - {"none"}


@directive("LimitRequestBody", min_args=1, max_args=1)
def _limit_request_body(node: Directive, scope: SectionScope) -> None:
    try:
        scope.config.limit_request_body = int(node.args[0])
    except ValueError:
        raise node.error(f"{node.args[0]!r} is not a number of bytes") from None


def _read_by_builder(node: Directive, scope: SectionScope) -> None:
    """Define, Include, LoadModule ...: the config builder acts on these itself."""


directive("Define", SERVER_AND_SECTIONS, 1, 2, override=None)(_read_by_builder)
directive("UnDefine", SERVER_AND_SECTIONS, 1, 1, override=None)(_read_by_builder)
directive("Include", SERVER_AND_SECTIONS, 1, 1, override=None)(_read_by_builder)
directive("IncludeOptional", SERVER_AND_SECTIONS, 1, 1, override=None)(_read_by_builder)
directive("LoadModule", SERVER_ONLY, 2, 2, override=None)(_read_by_builder)


def _ignored(node: Directive, scope: SectionScope) -> None:
    """Directives of httpd's process model and modules we do not need: accepted, no effect."""


for _name in (
    "User", "Group", "Mutex", "DefaultRuntimeDir", "ServerTokens",
    "ServerSignature", "StartServers", "MinSpareServers",
    "MaxSpareServers", "ServerLimit", "MaxRequestWorkers", "MaxClients", "MaxConnectionsPerChild",
    "MaxRequestsPerChild", "ThreadLimit", "ThreadsPerChild", "MinSpareThreads", "MaxSpareThreads",
    "HostnameLookups", "UseCanonicalName", "AddDefaultCharset", "AccessFileName", "EnableSendfile",
    "EnableMMAP", "TraceEnable", "LockFile", "AcceptMutex", "ScoreBoardFile", "AddLanguage",
    "AddCharset", "LanguagePriority", "BrowserMatch", "IndexOptions", "AddIcon", "DefaultIcon",
    "ReadmeName", "HeaderName", "IndexIgnore", "Order", "Allow", "Deny", "Satisfy",
    "AuthBasicAuthoritative", "AuthBasicProvider", "AuthzUserAuthoritative", "NameVirtualHost",
):  # fmt: skip
    directive(_name)(_ignored)
