"""The server model: main server, virtual hosts, their sections, and the merged
per-request configuration, computed once per distinct set of matching sections.
"""

from __future__ import annotations

import fnmatch
import os
import re
import threading
from dataclasses import dataclass, field

from .dirconfig import DirConfig
from .directives import REGISTRY, SECTION, SERVER, SectionScope
from .parser import ConfigError, Directive, parse_config

# Directives of mod_python copied into the *server* config when set outside sections (SPEC 1.2).
_SERVER_LEVEL_DIRECTIVES = (
    "PythonPath", "PythonInterpreter", "PythonDebug", "PythonEnablePdb",
    "PythonInterpPerDirective", "PythonAutoReload",
)  # fmt: skip


@dataclass(frozen=True)
class ConfigWarning:
    """A directive we accept but whose effect differs from Apache's, located at file:line."""

    file: str
    line: int
    directive: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.directive}: {self.message}"


@dataclass
class Section:
    """A <Directory>, <Files> or <Location> section (plain, wildcard or regex)."""

    kind: str  # "directory", "files" or "location"
    path: str  # as written (directory paths canonicalised, without trailing "/")
    regex: re.Pattern | None
    is_wildcard: bool
    config: DirConfig
    file: str
    line: int
    files: list[Section] = field(default_factory=list)  # <Files> nested in a <Directory>
    order: int = 0

    def matches_directory(self, directory: str) -> bool:
        """``directory`` is a canonical directory path with a trailing "/"."""
        if self.regex is not None:
            return self.regex.search(directory) is not None
        prefix = self.path.rstrip("/") + "/"
        if self.is_wildcard:
            depth = prefix.count("/")
            parts = directory.split("/")
            candidate = "/".join(parts[:depth]) + "/"
            return fnmatch.fnmatchcase(candidate, prefix)
        return directory.startswith(prefix)

    def matches_file(self, basename: str) -> bool:
        if self.regex is not None:
            return self.regex.search(basename) is not None
        return fnmatch.fnmatchcase(basename, self.path)

    def matches_location(self, uri: str) -> bool:
        if self.regex is not None:
            return self.regex.search(uri) is not None
        if self.is_wildcard:
            return fnmatch.fnmatchcase(uri, self.path) or fnmatch.fnmatchcase(uri, self.path + "/*")
        path = self.path
        if path == "/" or uri == path:
            return True
        # Apache matches <Location /foo> for /foo, /foo/ and /foo/bar, but not /foobar.
        return uri.startswith(path if path.endswith("/") else path + "/")


@dataclass
class ServerSettings:
    """One server record: the main server or a <VirtualHost>."""

    server_name: str = ""
    server_admin: str = "[no address given]"
    server_root: str = ""
    server_path: str = ""
    document_root: str = "/var/www/html"
    error_log: str = "logs/error_log"
    log_level: str = "warn"
    timeout: float = 60.0
    keep_alive_timeout: float = 5.0
    keep_alive_max: int = 100
    keep_alive: int = 1
    limit_req_line: int = 8190
    limit_req_fieldsize: int = 8190
    limit_req_fields: int = 100
    types_config: str = "/etc/mime.types"
    listen: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)  # <VirtualHost addr ...>
    connection_handler: str | None = None
    python_imports: list[tuple[str, str]] = field(default_factory=list)
    pid_file: str = "logs/httpd.pid"
    # mod_log_config: LogFormat nicknames -> format, and CustomLog (target, format) pairs.
    log_formats: dict[str, str] = field(default_factory=dict)
    custom_logs: list[tuple[str, str]] = field(default_factory=list)
    # LoadModule names (e.g. "python_module") and file names, for <IfModule>.
    loaded_modules: set[str] = field(default_factory=set)
    # Accepted directives whose effect we do not reproduce: reported at start and by `check`.
    warnings: list[ConfigWarning] = field(default_factory=list)
    is_virtual: int = 0
    defn_name: str = ""
    defn_line_number: int = 0
    # Settings made outside any section; the base every request's config merges onto.
    config: DirConfig = field(default_factory=DirConfig)
    sections: list[Section] = field(default_factory=list)
    vhosts: list[ServerSettings] = field(default_factory=list)
    # The parsed tree in apache.config_tree()'s shape, and the -D / Define names.
    config_tree: list = field(default_factory=list)
    defines: set[str] = field(default_factory=set)
    _merge_cache: dict = field(default_factory=dict, repr=False)
    _merge_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # ---- derived views ------------------------------------------------------------------

    def server_directives(self) -> dict[str, str]:
        """mod_python directives visible through ``server.get_config()``."""
        return {k: v for k, v in self.config.directives.items() if k in _SERVER_LEVEL_DIRECTIVES}

    def names(self) -> tuple[str, ...]:
        return tuple(name for name in self.aliases if "*" not in name and "?" not in name)

    def wild_names(self) -> tuple[str, ...]:
        return tuple(name for name in self.aliases if "*" in name or "?" in name)

    def answers_to(self, host: str) -> bool:
        host = host.lower()
        if host == self.server_name.lower():
            return True
        return any(fnmatch.fnmatchcase(host, alias.lower()) for alias in self.aliases)

    def select_vhost(self, host: str | None) -> ServerSettings:
        """Name-based virtual host selection; the first vhost is the default when any exist."""
        if not self.vhosts:
            return self
        if host:
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            for vhost in self.vhosts:
                if vhost.answers_to(name):
                    return vhost
        return self.vhosts[0]

    # ---- per-request merged configuration --------------------------------------------------

    def matching_sections(self, filename: str | None, uri: str, skip_directories: bool) -> tuple:
        """Indexes of the sections that apply, in Apache's merge order (dirs, files, locations)."""
        matched: list[tuple[int, int | None]] = []
        if filename and not skip_directories:
            directory = filename if filename.endswith("/") else filename.rpartition("/")[0] + "/"
            basename = filename.rstrip("/").rpartition("/")[2]
            directories = [s for s in self._directory_sections if s.matches_directory(directory)]
            matched.extend((s.order, None) for s in directories)
            for section in directories:
                matched.extend(
                    (section.order, index)
                    for index, nested in enumerate(section.files)
                    if nested.matches_file(basename)
                )
            matched.extend(
                (s.order, None) for s in self._files_sections if s.matches_file(basename)
            )
        matched.extend((s.order, None) for s in self._location_sections if s.matches_location(uri))
        return tuple(matched)

    def config_for(self, filename: str | None, uri: str, skip_directories: bool) -> DirConfig:
        """The merged config of a request, remembered per (file name, URI) between requests."""
        key = (filename, uri, skip_directories)
        merged = self._request_cache.get(key)
        if merged is None:
            merged = self.merged_config(self.matching_sections(filename, uri, skip_directories))
            if len(self._request_cache) >= 4096:
                self._request_cache.clear()
            self._request_cache[key] = merged
        return merged

    def location_handlers_skip_storage(self, uri: str) -> bool:
        """mod_python's map-to-storage shortcut: are the effective handlers from a <Location>?"""
        if not self._locations_with_handlers:
            return False
        return self.config_for(None, uri, True).handler_in_location

    def merged_config(self, key: tuple) -> DirConfig:
        """The server config overlaid with the sections named by ``key``; cached per key."""
        merged = self._merge_cache.get(key)
        if merged is not None:
            return merged
        merged = self.config
        for order, nested in key:
            section = self._section_by_order[order]
            merged = merged.merged_with(
                section.config if nested is None else section.files[nested].config
            )
        with self._merge_lock:
            if len(self._merge_cache) > 10000:
                self._merge_cache.clear()
            self._merge_cache[key] = merged
        return merged

    def section_for(self, order: int) -> Section:
        return self._section_by_order[order]

    def finish(self) -> None:
        """Precompute what every request needs: sections by kind, in Apache's merge order."""
        self._section_by_order = {s.order: s for s in self.sections}
        self._request_cache: dict[tuple, DirConfig] = {}
        plain = [s for s in self.sections if s.kind == "directory" and s.regex is None]
        plain.sort(key=lambda s: (s.path.rstrip("/").count("/") if s.path != "/" else 0, s.order))
        regexes = [s for s in self.sections if s.kind == "directory" and s.regex is not None]
        self._directory_sections = plain + regexes
        self._files_sections = [s for s in self.sections if s.kind == "files"]
        self._location_sections = [s for s in self.sections if s.kind == "location"]
        self._locations_with_handlers = any(s.config.handlers for s in self._location_sections)
        for vhost in self.vhosts:
            vhost.finish()


_CONTAINER_KINDS = {
    "directory": ("directory", False),
    "directorymatch": ("directory", True),
    "files": ("files", False),
    "filesmatch": ("files", True),
    "location": ("location", False),
    "locationmatch": ("location", True),
}


def _is_wildcard(path: str) -> bool:
    return any(ch in path for ch in "*?[")


class ConfigBuilder:
    """Applies a parsed directive tree to a ServerSettings, using the registry."""

    def __init__(self, defines: set[str] | None = None, base_dir: str | None = None,
                 collect_errors: bool = False):  # fmt: skip
        self.defines = set(defines or ())
        self.base_dir = base_dir
        self._order = 0
        # With collect_errors, a bad directive is recorded here and the build goes on, so
        # `mod_python check` can list every problem; otherwise the first one is raised.
        self.collect_errors = collect_errors
        self.errors: list[ConfigError] = []

    def build(self, tree: list[Directive], main: ServerSettings | None = None) -> ServerSettings:
        main = main or ServerSettings()
        self._apply_all(tree, main, SectionScope(main.config, SERVER, None, server=main))
        if not main.server_name:
            main.server_name = "localhost"
        for vhost in main.vhosts:
            self._inherit(main, vhost)
        main.config_tree = tree_as_lists(tree)
        main.defines = set(self.defines)
        main.finish()
        return main

    def _apply_all(
        self, nodes: list[Directive], server: ServerSettings, scope: SectionScope
    ) -> None:
        for node in nodes:
            try:
                if node.children is not None:
                    self._container(node, server, scope)
                else:
                    self._directive(node, scope)
            except ConfigError as error:
                if not self.collect_errors:
                    raise
                self.errors.append(error)

    def _directive(self, node: Directive, scope: SectionScope) -> None:
        if node.key == "define":
            if node.args:
                self.defines.add(node.args[0])
            return
        spec = REGISTRY.get(node.key)
        if spec is None:
            raise node.error("unknown directive (not supported by this server, or misspelled)")
        if scope.context not in spec.contexts:
            raise node.error(f"{spec.name} not allowed here")
        if len(node.args) < spec.min_args or (
            spec.max_args is not None and len(node.args) > spec.max_args
        ):
            raise node.error(_arg_count_message(spec.min_args, spec.max_args))
        spec.apply(node, scope)

    def _container(self, node: Directive, server: ServerSettings, scope: SectionScope) -> None:
        key = node.key
        if key == "ifmodule":
            name = node.args[0] if node.args else ""
            if not name.startswith("!"):  # every module a legacy config tests for is "loaded"
                self._apply_all(node.children, server, scope)
            return
        if key == "ifdefine":
            name = node.args[0] if node.args else ""
            wanted = not name.startswith("!")
            if (name.lstrip("!") in self.defines) == wanted:
                self._apply_all(node.children, server, scope)
            return
        if key in ("limit", "limitexcept"):
            self._apply_all(node.children, server, scope)
            return
        if key == "virtualhost":
            if scope.context != SERVER or scope.server.is_virtual:
                raise node.error("<VirtualHost> cannot occur within another section")
            vhost = ServerSettings(is_virtual=1, addresses=list(node.args),
                                   defn_name=node.file, defn_line_number=node.line)  # fmt: skip
            self._apply_all(
                node.children, vhost, SectionScope(vhost.config, SERVER, None, server=vhost)
            )
            server.vhosts.append(vhost)
            return
        if key not in _CONTAINER_KINDS:
            raise node.error("unknown section (not supported by this server, or misspelled)")
        kind, is_match = _CONTAINER_KINDS[key]
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
        nested_in_directory = scope.context == SECTION and kind == "files"
        if scope.context == SECTION and not nested_in_directory:
            raise node.error(
                f"<{node.name}> cannot occur within another <Directory>/<Location> section"
            )
        section = Section(
            kind, path, regex, wildcard, DirConfig(), node.file, node.line, order=self._order
        )
        self._order += 1
        if nested_in_directory:
            directory, is_location, pattern = (
                scope.directory,
                scope.is_location,
                scope.directory_pattern,
            )
        elif kind == "directory":
            directory = None if regex or wildcard else (path.rstrip("/") + "/")
            is_location, pattern = (
                False,
                (regex or _glob_regex(path) if (regex or wildcard) else None),
            )
            if directory is None:
                directory = path
        elif kind == "location":
            directory, is_location, pattern = path, True, None
        else:  # top-level <Files>: the next outer section is the server
            directory, is_location, pattern = None, False, None
        if nested_in_directory:
            parent = next(s for s in server.sections if s.config is scope.config)
            if parent.kind != "directory":
                raise node.error(f"<{node.name}> is only allowed inside <Directory> sections here")
            parent.files.append(section)
        else:
            server.sections.append(section)
        section_scope = SectionScope(
            section.config, SECTION, directory, is_location, pattern, server
        )
        self._apply_all(node.children, server, section_scope)

    @staticmethod
    def _inherit(main: ServerSettings, vhost: ServerSettings) -> None:
        """A vhost starts from the main server's settings; what it sets itself wins."""
        defaults = ServerSettings()
        for name in ("server_admin", "server_root", "document_root", "error_log", "log_level",
                     "timeout", "keep_alive_timeout", "keep_alive_max", "keep_alive",
                     "limit_req_line", "limit_req_fieldsize", "limit_req_fields", "types_config",
                     "pid_file"):  # fmt: skip
            if getattr(vhost, name) == getattr(defaults, name):
                setattr(vhost, name, getattr(main, name))
        if not vhost.server_name:
            vhost.server_name = main.server_name
        vhost.log_formats = {**main.log_formats, **vhost.log_formats}
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


def _glob_regex(pattern: str) -> re.Pattern:
    return re.compile(fnmatch.translate(pattern.rstrip("/") + "/"))


def _arg_count_message(low: int, high: int | None) -> str:
    if high is None:
        return f"takes at least {low} argument{'s' if low != 1 else ''}"
    if low == high:
        return f"takes {low} argument{'s' if low != 1 else ''}"
    return f"takes {low} to {high} arguments"


def load_config_text(
    text: str, file: str = "<config>", defines=None, base_dir=None
) -> ServerSettings:
    """Parse and build a server model from Apache config text."""
    return ConfigBuilder(defines, base_dir).build(parse_config(text, file))


def load_config_file(path: str, defines=None) -> ServerSettings:
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
    resolve_server_relative_paths(settings, os.path.dirname(path))
    return settings, builder.errors, list(settings.warnings)


_NOT_A_FILE_LOG = ("", "stderr", "/dev/stderr")


def resolve_server_relative_paths(settings: ServerSettings, config_directory: str) -> None:
    """Relative DocumentRoot and ErrorLog are relative to ServerRoot, as in Apache.

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
        log = record.error_log
        if log not in _NOT_A_FILE_LOG and not log.startswith(("|", "syslog")):
            if not os.path.isabs(log):
                record.error_log = os.path.normpath(os.path.join(root, log))


__all__ = [
    "ConfigError", "ConfigWarning", "ServerSettings", "Section", "load_config_text",
    "load_config_file", "check_config_file",
]  # fmt: skip
