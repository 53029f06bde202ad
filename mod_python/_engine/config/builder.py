"""Parsed directive tree -> server model, read the way httpd reads its configuration.

Walks the tree top to bottom once, as httpd does: ``Define`` and ``${VAR}`` apply from the
line they appear on, ``Include`` reads its files in place, the ``<If...>`` conditionals
decide on the spot, and every section becomes a ``Section`` of the server (or virtual host)
being built. Directives themselves are applied through the registry (directives.py).
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from dataclasses import replace

from ..auth import MethodLimit, RequireContainer, RequireSyntaxError
from .conditionals import if_version_holds, negated
from .dirconfig import DirConfig
from .directives import HTACCESS, REGISTRY, SECTION, SERVER, SectionScope
from .htaccess import HtaccessReader
from .modules import LoadedModules
from .parser import ConfigError, Directive, parse_config, split_args
from .server import ConfigWarning, Section, ServerSettings

_CONTAINER_KINDS = {
    "directory": ("directory", False),
    "directorymatch": ("directory", True),
    "files": ("files", False),
    "filesmatch": ("files", True),
    "location": ("location", False),
    "locationmatch": ("location", True),
}

_REQUIRE_CONTAINERS = {"requireall": "all", "requireany": "any", "requirenone": "none"}

# Core sections whose contents we cannot honour: skipped, with a warning naming them.
_SKIPPED_SECTIONS = {
    "if": "<If> expressions are not evaluated; its directives are ignored",
    "elseif": "<ElseIf> expressions are not evaluated; its directives are ignored",
    "else": "<Else> (of an <If>) is ignored",
    "proxy": "mod_proxy is not emulated; the <Proxy> section is ignored",
    "proxymatch": "mod_proxy is not emulated; the <ProxyMatch> section is ignored",
    "macro": "mod_macro is not emulated; the <Macro> section is ignored",
    "authnprovideralias": "provider aliases are not supported; the section is ignored",
    "authzprovideralias": "provider aliases are not supported; the section is ignored",
}

KNOWN_SECTIONS = frozenset(
    {"virtualhost", "ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection",
     "limit", "limitexcept", *_CONTAINER_KINDS, *_REQUIRE_CONTAINERS, *_SKIPPED_SECTIONS}
)  # fmt: skip

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_MAX_INCLUDE_DEPTH = 128


class _ModulesLoadedLate(Exception):
    """A LoadModule came after an <IfModule> that assumed every module built in."""


def invalid_command(node: Directive) -> ConfigError:
    """httpd's wording for a directive or section nobody registered."""
    shown = f"<{node.name}" if node.children is not None else node.name
    return ConfigError(
        f"Invalid command '{shown}', perhaps misspelled or defined by a module not included "
        "in the server configuration",
        node.file,
        node.line,
    )


class ConfigBuilder:
    """Applies a parsed directive tree to a new ServerSettings, using the registry."""

    def __init__(self, defines=None, base_dir: str | None = None, collect_errors: bool = False,
                 environ=None):  # fmt: skip
        self._initial_defines = set(defines or ())
        self.base_dir = base_dir
        # With collect_errors, a bad directive is recorded here and the build goes on, so
        # `mod_python check` can list every problem; otherwise the first one is raised.
        self.collect_errors = collect_errors
        self.environ = os.environ if environ is None else environ
        self._reset(everything_built_in=True)

    def _reset(self, everything_built_in: bool) -> None:
        self.defines = set(self._initial_defines)
        self.variables: dict[str, str] = {}
        self.errors: list[ConfigError] = []
        self.warnings: list[ConfigWarning] = []
        self.modules = LoadedModules(config_loads_modules=not everything_built_in)
        self._asked_about_modules = False
        self._order = 0
        self._include_stack: list[str] = []
        self._main: ServerSettings | None = None

    # ---- entry point -------------------------------------------------------------------

    def build(self, tree: list[Directive]) -> ServerSettings:
        try:
            return self._build(tree)
        except _ModulesLoadedLate:
            self._reset(everything_built_in=False)
            return self._build(tree)

    def _build(self, tree: list[Directive]) -> ServerSettings:
        main = self._main = ServerSettings()
        self._apply_all(tree, main, SectionScope(main.config, SERVER, None, server=main,
                                                 warn=self.warn))  # fmt: skip
        if not main.server_name:
            main.server_name = "localhost"
        for vhost in main.vhosts:
            _inherit(main, vhost)
        main.config_tree = tree_as_lists(tree)
        main.defines = set(self.defines)
        main.loaded_modules = set(self.modules.names)
        main.warnings = list(self.warnings)
        for record in [main, *main.vhosts]:
            record.htaccess_reader = HtaccessReader(self, record, record.access_file_names)
        main.finish()
        return main

    def apply_htaccess(self, tree: list[Directive], scope: SectionScope) -> None:
        """Apply a parsed .htaccess file to ``scope`` (context HTACCESS, its overrides set)."""
        collecting, self.collect_errors = self.collect_errors, False
        try:
            self._apply_all(tree, scope.server, scope)
        finally:
            self.collect_errors = collecting

    # ---- walking -----------------------------------------------------------------------

    def _apply_all(self, nodes, server: ServerSettings, scope: SectionScope) -> None:
        for node in nodes:
            try:
                node = self._expand_variables(node)
                if node.children is not None:
                    self._container(node, server, scope)
                else:
                    self._directive(node, server, scope)
            except ConfigError as error:
                if not self.collect_errors:
                    raise
                self.errors.append(error)

    def warn(self, node: Directive, message: str) -> None:
        self.warnings.append(ConfigWarning(node.file, node.line, node.name, message))

    def _expand_variables(self, node: Directive) -> Directive:
        """``${NAME}``: a Define'd value, else the environment; unknown names stay as written."""
        if "${" not in node.raw:
            return node

        def value(match: re.Match) -> str:
            name = match.group(1)
            if name in self.variables:
                return self.variables[name]
            if name in self.environ:
                return self.environ[name]
            self.warn(node, f"config variable ${{{name}}} is not defined")
            return match.group(0)

        raw = _VARIABLE.sub(value, node.raw)
        return replace(node, raw=raw, args=split_args(raw))

    # ---- plain directives ----------------------------------------------------------------

    def _directive(self, node: Directive, server: ServerSettings, scope: SectionScope) -> None:
        spec = REGISTRY.get(node.key)
        if spec is None:
            raise invalid_command(node)
        if scope.context not in spec.contexts:
            where = ".htaccess" if scope.context == HTACCESS else "here"
            raise node.error(f"{spec.name} not allowed {where}")
        if scope.context == HTACCESS and not _override_allows(
            spec.override, scope.overrides, node.key
        ):
            raise node.error(f"{spec.name} not allowed here (AllowOverride)")
        if len(node.args) < spec.min_args or (
            spec.max_args is not None and len(node.args) > spec.max_args
        ):
            raise node.error(_arg_count_message(spec.min_args, spec.max_args))
        hook = _BUILDER_DIRECTIVES.get(node.key)
        if hook is not None:
            hook(self, node, server, scope)
        else:
            spec.apply(node, scope)
        if spec.warning:
            self.warn(node, spec.warning)

    def _define(self, node: Directive, server, scope) -> None:
        name = node.args[0]
        self.defines.add(name)
        if len(node.args) > 1:
            self.variables[name] = node.args[1]

    def _undefine(self, node: Directive, server, scope) -> None:
        self.defines.discard(node.args[0])
        self.variables.pop(node.args[0], None)

    def _load_module(self, node: Directive, server, scope) -> None:
        if self.modules.everything_built_in:
            if self._asked_about_modules:
                raise _ModulesLoadedLate
            self.modules = LoadedModules(config_loads_modules=True)
        self.modules.load(node.args[0], node.args[1])

    def _include(self, node: Directive, server, scope, optional: bool = False) -> None:
        pattern = node.args[0]
        if not os.path.isabs(pattern):
            pattern = os.path.join(self._server_root(), pattern)
        pattern = os.path.normpath(pattern)
        if glob.has_magic(pattern):
            files = sorted(path for path in glob.glob(pattern) if os.path.isfile(path))
            if not files and not optional:
                raise node.error(f"No matches for the wildcard '{os.path.basename(pattern)}' "
                                 f"in '{os.path.dirname(pattern)}', failing")  # fmt: skip
        elif os.path.isdir(pattern):
            files = _files_below(pattern)
        elif os.path.exists(pattern):
            files = [pattern]
        elif optional:
            files = []
        else:
            raise node.error(f"Could not open configuration file {pattern}: No such file or "
                             "directory")  # fmt: skip
        for path in files:
            self._include_file(node, path, server, scope)

    def _include_optional(self, node: Directive, server, scope) -> None:
        self._include(node, server, scope, optional=True)

    def _include_file(self, node: Directive, path: str, server, scope) -> None:
        if len(self._include_stack) >= _MAX_INCLUDE_DEPTH or path in self._include_stack:
            raise node.error(f"Include of {path} loops back on itself (include nesting too "
                             "deep)")  # fmt: skip
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise node.error(f"Could not read configuration file {path}: {error}") from None
        tree = parse_config(text, path)
        self._include_stack.append(path)
        try:
            self._apply_all(tree, server, scope)
        finally:
            self._include_stack.pop()

    def _server_root(self) -> str:
        base = self.base_dir or os.getcwd()
        root = self._main.server_root if self._main is not None else ""
        return os.path.normpath(os.path.join(base, root)) if root else base

    # ---- sections and conditionals -------------------------------------------------------

    def _container(self, node: Directive, server: ServerSettings, scope: SectionScope) -> None:
        key = node.key
        condition = self._CONDITIONS.get(key)
        if condition is not None:
            if not node.args:
                raise node.error(f"<{node.name}> needs an argument")
            if condition(self, node):
                self._apply_all(node.children, server, scope)
            return
        if key in ("limit", "limitexcept"):
            self._limit(node, server, scope)
        elif key in _REQUIRE_CONTAINERS:
            self._require_container(node, server, scope)
        elif key == "virtualhost":
            self._virtual_host(node, server, scope)
        elif key in _CONTAINER_KINDS:
            self._section(node, server, scope)
        elif key in _SKIPPED_SECTIONS:
            self.warn(node, _SKIPPED_SECTIONS[key])
        else:
            raise invalid_command(node)

    def _if_module(self, node: Directive) -> bool:
        self._asked_about_modules = True
        wanted, name = negated(node.args[0])
        return (name in self.modules) == wanted

    def _if_define(self, node: Directive) -> bool:
        wanted, name = negated(node.args[0])
        return (name in self.defines) == wanted

    def _if_version(self, node: Directive) -> bool:
        try:
            return if_version_holds(node.args)
        except ValueError as error:
            raise node.error(str(error)) from None

    def _if_file(self, node: Directive) -> bool:
        wanted, path = negated(node.args[0])
        if not os.path.isabs(path):
            path = os.path.join(self._server_root(), path)
        return os.path.exists(path) == wanted

    def _if_directive(self, node: Directive) -> bool:
        wanted, name = negated(node.args[0])
        return (name.lower() in REGISTRY) == wanted

    def _if_section(self, node: Directive) -> bool:
        wanted, name = negated(node.args[0])
        return (name.lower() in KNOWN_SECTIONS) == wanted

    _CONDITIONS = {
        "ifmodule": _if_module,
        "ifdefine": _if_define,
        "ifversion": _if_version,
        "iffile": _if_file,
        "ifdirective": _if_directive,
        "ifsection": _if_section,
    }

    def _limit(self, node: Directive, server, scope: SectionScope) -> None:
        if scope.limit is not None:
            raise node.error(f"<{node.name}> cannot be nested inside another <Limit> section")
        if not node.args:
            raise node.error(f"<{node.name}> needs at least one HTTP method")
        methods = frozenset(method.upper() for method in node.args)
        limited = replace(scope, limit=(methods, node.key == "limitexcept"))
        self._apply_all(node.children, server, limited)

    def _require_container(self, node: Directive, server, scope: SectionScope) -> None:
        if scope.context == SERVER:
            raise node.error(f"<{node.name}> is only allowed in <Directory>, <Location> and "
                             "<Files> sections")  # fmt: skip
        items: list = []
        self._apply_all(node.children, server, replace(scope, require_sink=items))
        for child in node.children:
            if child.children is None and child.key != "require":
                raise child.error(f"{child.name} not allowed in <{node.name}>")
        limit = MethodLimit(scope.limit[0], scope.limit[1]) if scope.limit else None
        try:
            container = RequireContainer(_REQUIRE_CONTAINERS[node.key], tuple(items), limit)
        except RequireSyntaxError as error:
            raise node.error(str(error)) from None
        if scope.require_sink is not None:
            scope.require_sink.append(container)
        else:
            scope.config.requires = (scope.config.requires or ()) + (container,)

    def _virtual_host(self, node: Directive, server: ServerSettings, scope: SectionScope) -> None:
        if scope.context != SERVER or server.is_virtual:
            raise node.error("<VirtualHost> cannot occur within another section")
        if not node.args:
            raise node.error("<VirtualHost> needs at least one address")
        vhost = ServerSettings(is_virtual=1, addresses=list(node.args),
                               defn_name=node.file, defn_line_number=node.line)  # fmt: skip
        self._apply_all(
            node.children, vhost, SectionScope(vhost.config, SERVER, None, server=vhost)
        )
        server.vhosts.append(vhost)

    def _section(self, node: Directive, server: ServerSettings, scope: SectionScope) -> None:
        kind, is_match = _CONTAINER_KINDS[node.key]
        if not node.args:
            raise node.error(f"<{node.name}> needs an argument")
        args = list(node.args)
        regex = None
        if args[0] == "~" and len(args) > 1:
            is_match, args = True, args[1:]
        path = args[0]
        if is_match:
            try:
                regex = re.compile(path)
            except re.error as error:
                raise node.error(f"bad regular expression {path!r}: {error}") from None
        wildcard = regex is None and _is_wildcard(path)
        if kind == "directory" and regex is None:
            path = (
                os.path.normpath(os.path.join(self.base_dir or "/", path)) if path != "/" else "/"
            )
        nested_in_section = scope.context in (SECTION, HTACCESS) and kind == "files"
        if scope.context == HTACCESS and kind != "files":
            raise node.error(f"<{node.name}> not allowed in .htaccess files")
        if scope.context == SECTION and not nested_in_section:
            raise node.error(
                f"<{node.name}> cannot occur within another <Directory>/<Location> section"
            )
        section = Section(
            kind, path, regex, wildcard, DirConfig(), node.file, node.line, order=self._order
        )
        self._order += 1
        if nested_in_section:
            # <Files> records the next outer section's directory (SPEC 1.2).
            directory, is_location, pattern = (
                scope.directory,
                scope.is_location,
                scope.directory_pattern,
            )
        elif kind == "directory":
            if regex or wildcard:
                directory, pattern = path, regex or _glob_regex(path)
            else:
                directory, pattern = path.rstrip("/") + "/", None
            is_location = False
        elif kind == "location":
            directory, is_location, pattern = path, True, None
        else:  # top-level <Files>: the next outer section is the server
            directory, is_location, pattern = None, False, None
        if nested_in_section and scope.files_sink is not None:
            scope.files_sink.append(section)  # a <Files> of a .htaccess file
        elif nested_in_section:
            parent = server.section_owning(scope.config)
            if parent is None or parent.kind != "directory":
                raise node.error(f"<{node.name}> is only allowed inside <Directory> sections here")
            parent.files.append(section)
        else:
            server.sections.append(section)
        context = HTACCESS if scope.context == HTACCESS else SECTION
        section_scope = SectionScope(section.config, context, directory, is_location, pattern,
                                     server, overrides=scope.overrides, warn=scope.warn)  # fmt: skip
        self._apply_all(node.children, server, section_scope)


def _builder_hook(method_name: str):
    return lambda builder, node, server, scope: getattr(builder, method_name)(node, server, scope)


# Directives that change how the rest of the file is read: the builder handles them itself.
_BUILDER_DIRECTIVES = {
    "define": _builder_hook("_define"),
    "undefine": _builder_hook("_undefine"),
    "loadmodule": _builder_hook("_load_module"),
    "include": _builder_hook("_include"),
    "includeoptional": _builder_hook("_include_optional"),
}


def _files_below(directory: str) -> list[str]:
    """Include of a directory: every file in it and its subdirectories, in name order."""
    found = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            found.extend(_files_below(path))
        elif os.path.isfile(path):
            found.append(path)
    return found


def _override_allows(needed: str | None, allowed: frozenset[str] | None, name: str) -> bool:
    """AllowOverride classes, or AllowOverrideList names (held as "=name")."""
    if not allowed:
        return False
    if "=" + name in allowed:
        return True
    if needed is None:
        return False
    if "all" in allowed or needed == "all":
        return True
    return needed in allowed


def _inherit(main: ServerSettings, vhost: ServerSettings) -> None:
    """A vhost starts from the main server's settings; what it sets itself wins."""
    defaults = ServerSettings()
    vhost.error_log_inherited = vhost.error_log == defaults.error_log
    for name in ("server_admin", "server_root", "document_root", "error_log", "log_level",
                 "timeout", "keep_alive_timeout", "keep_alive_max", "keep_alive",
                 "limit_req_line", "limit_req_fieldsize", "limit_req_fields", "types_config",
                 "pid_file", "access_file_names"):  # fmt: skip
        if getattr(vhost, name) == getattr(defaults, name):
            setattr(vhost, name, getattr(main, name))
    if not vhost.server_name:
        vhost.server_name = main.server_name
    vhost.log_formats = {**main.log_formats, **vhost.log_formats}
    vhost.alias_rules = vhost.alias_rules + main.alias_rules  # the vhost's are tried first
    if not vhost.custom_logs:  # a vhost with its own CustomLog does not log to main's
        vhost.custom_logs = list(main.custom_logs)
    vhost.config = main.config.merged_with(vhost.config)
    # Main-server sections apply inside the vhost, before the vhost's own.
    vhost.sections = main.sections + vhost.sections


def tree_as_lists(nodes: list[Directive]) -> list:
    """httpd's config tree as mod_python returns it: ``(name, args)`` tuples, a container
    written ``("<Name", "args>")`` and followed by the list of its children."""
    result: list = []
    for node in nodes:
        if node.children is None:
            result.append((node.name, node.raw))
        else:
            result.append(("<" + node.name, node.raw + ">"))
            result.append(tree_as_lists(node.children))
    return result


def _is_wildcard(path: str) -> bool:
    return any(ch in path for ch in "*?[")


def _glob_regex(pattern: str) -> re.Pattern:
    return re.compile(fnmatch.translate(pattern.rstrip("/") + "/"))


def _arg_count_message(low: int, high: int | None) -> str:
    if high is None:
        return f"takes at least {low} argument{'s' if low != 1 else ''}"
    if low == high:
        return f"takes {low} argument{'s' if low != 1 else ''}"
    return f"takes {low} to {high} arguments"


__all__ = ["ConfigBuilder", "KNOWN_SECTIONS", "invalid_command", "tree_as_lists"]
