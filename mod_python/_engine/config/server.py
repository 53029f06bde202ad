"""The server model: main server, virtual hosts, their sections, and the merged
per-request configuration, computed once per distinct set of matching sections.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from dataclasses import dataclass, field

from .dirconfig import DirConfig

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
    access_file_names: tuple[str, ...] = (".htaccess",)
    # mod_alias: Alias/AliasMatch/ScriptAlias and server-level Redirect*, in config order.
    alias_rules: list = field(default_factory=list)
    htaccess_reader: object = field(default=None, repr=False)  # set by the loader
    # mod_log_config: LogFormat nicknames -> format, and CustomLog (target, format) pairs.
    log_formats: dict[str, str] = field(default_factory=dict)
    custom_logs: list[tuple[str, str]] = field(default_factory=list)
    # LoadModule names (e.g. "python_module") and file names, for <IfModule>.
    loaded_modules: set[str] = field(default_factory=set)
    # Accepted directives whose effect we do not reproduce: reported at start and by `check`.
    warnings: list[ConfigWarning] = field(default_factory=list)
    is_virtual: int = 0
    # A vhost without an ErrorLog of its own logs to the main server's file, but httpd leaves
    # its error_fname NULL (server.error_fname is None).
    error_log_inherited: bool = False
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
        if host == self.server_name.lower().rsplit(":", 1)[0]:
            return True
        return any(fnmatch.fnmatchcase(host, alias.lower()) for alias in self.aliases)

    def select_vhost(
        self, host: str | None, port: str | None = None, local_ip: str | None = None
    ) -> ServerSettings:
        """httpd's virtual host choice: first by the address the request came in on, then
        by name (ServerName/ServerAlias) among the vhosts of that address; the first of
        them is the default. No vhost for the address: the main server answers."""
        if not self.vhosts:
            return self
        candidates = self._vhosts_by_address.get((port, local_ip))
        if candidates is None:
            candidates = self._vhosts_for_address(port, local_ip)
            self._vhosts_by_address[(port, local_ip)] = candidates
        if not candidates:
            return self
        if host and len(candidates) > 1:
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            for vhost in candidates:
                if vhost.answers_to(name):
                    return vhost
        return candidates[0]

    def _vhosts_for_address(self, port: str | None, local_ip: str | None) -> tuple:
        """The vhosts declared for (port, local IP).

        Ports count only when the config listens on several and the request came in on one
        of them, and IP addresses only when one matches: a config written for port 80 or
        for a public address keeps working when served elsewhere (--listen).
        """
        vhosts = self.vhosts
        listen_ports = {entry.rsplit(":", 1)[-1] for entry in self.listen}
        if len(listen_ports) > 1 and port in listen_ports:
            vhosts = [v for v in vhosts if any(_port_of(a) in (port, "*") for a in v.addresses)]
        exact = [
            v for v in vhosts if local_ip and any(_host_of(a) == local_ip for a in v.addresses)
        ]
        if exact:
            return tuple(exact)
        wildcard = [
            v for v in vhosts if any(_host_of(a) in ("*", "_default_") for a in v.addresses)
        ]
        return tuple(wildcard or vhosts)

    # ---- per-request merged configuration --------------------------------------------------

    def matching_sections(self, filename: str | None, uri: str, skip_directories: bool) -> tuple:
        """The sections that apply, in Apache's merge order: <Directory> by depth (each
        level followed by its .htaccess when AllowOverride permits), regex directories,
        <Files>, <Location>. Entries are (section order, nested <Files> index or None), or
        ("htaccess", file) / ("htaccess-files", file, index)."""
        matched: list[tuple] = []
        if filename and not skip_directories:
            directory = filename if filename.endswith("/") else filename.rpartition("/")[0] + "/"
            basename = filename.rstrip("/").rpartition("/")[2]
            if self._htaccess is None:
                directories = [
                    s for s in self._directory_sections if s.matches_directory(directory)
                ]
                matched.extend((s.order, None) for s in directories)
                htaccess_files = ()
            else:
                directories, htaccess_files = self._walk_with_htaccess(directory, matched)
            for section in directories:
                matched.extend(
                    (section.order, index)
                    for index, nested in enumerate(section.files)
                    if nested.matches_file(basename)
                )
            for found in htaccess_files:
                matched.extend(
                    ("htaccess-files", found, index)
                    for index, nested in enumerate(found.files)
                    if nested.matches_file(basename)
                )
            matched.extend(
                (s.order, None) for s in self._files_sections if s.matches_file(basename)
            )
        matched.extend((s.order, None) for s in self._location_sections if s.matches_location(uri))
        return tuple(matched)

    def _walk_with_htaccess(self, directory: str, matched: list) -> tuple[list, list]:
        """httpd's directory walk, reading .htaccess files level by level."""
        from .htaccess import HtaccessError

        directories: list[Section] = []
        found_files = []
        merged = self.config
        parts = [part for part in directory.split("/") if part]
        for depth in range(len(parts) + 1):
            level = "/" + "".join(part + "/" for part in parts[:depth])
            for section in self._plain_by_depth.get(depth, ()):
                if section.matches_directory(directory):
                    directories.append(section)
                    matched.append((section.order, None))
                    merged = merged.merged_with(section.config)
            allowed = merged.allow_override or frozenset()
            if merged.allow_override_list:
                allowed = allowed | {"=" + name for name in merged.allow_override_list}
            if not allowed:
                continue
            found = self._htaccess.lookup(level, frozenset(allowed))
            if found is None:
                continue
            if found.error:
                raise HtaccessError(found.error)
            matched.append(("htaccess", found))
            merged = merged.merged_with(found.config)
            found_files.append(found)
        for section in self._regex_directory_sections:
            if section.matches_directory(directory):
                directories.append(section)
                matched.append((section.order, None))
        return directories, found_files

    def config_for(self, filename: str | None, uri: str, skip_directories: bool) -> DirConfig:
        """The merged config of a request, remembered per (file name, URI) between requests
        (not when .htaccess files may take part: those are checked on every request)."""
        key = (filename, uri, skip_directories)
        merged = self._request_cache.get(key)
        if merged is None:
            merged = self.merged_config(self.matching_sections(filename, uri, skip_directories))
            if self._htaccess is not None and filename and not skip_directories:
                return merged
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
        for entry in key:
            merged = merged.merged_with(self._entry_config(entry))
        with self._merge_lock:
            if len(self._merge_cache) > 10000:
                self._merge_cache.clear()
            self._merge_cache[key] = merged
        return merged

    def _entry_config(self, entry: tuple) -> DirConfig:
        first = entry[0]
        if first == "htaccess":
            return entry[1].config
        if first == "htaccess-files":
            return entry[1].files[entry[2]].config
        section = self._section_by_order[first]
        return section.config if entry[1] is None else section.files[entry[1]].config

    def section_owning(self, config: DirConfig) -> Section | None:
        """The section whose own (unmerged) config is ``config``."""
        return next((s for s in self.sections if s.config is config), None)

    def section_for(self, order: int) -> Section:
        return self._section_by_order[order]

    def _overrides_anywhere(self) -> bool:
        configs = [self.config, *(s.config for s in self.sections)]
        return any(c.allow_override or c.allow_override_list for c in configs)

    def finish(self) -> None:
        """Precompute what every request needs: sections by kind, in Apache's merge order."""
        self._section_by_order = {s.order: s for s in self.sections}
        self._vhosts_by_address: dict[tuple, tuple] = {}
        self._request_cache: dict[tuple, DirConfig] = {}
        # Plain <Directory> by depth, then in list order (a vhost's after the main server's).
        plain = [
            (_depth(s.path), index, s)
            for index, s in enumerate(self.sections)
            if s.kind == "directory" and s.regex is None
        ]
        plain.sort(key=lambda item: item[:2])
        self._plain_by_depth: dict[int, list[Section]] = {}
        for depth, _, section in plain:
            self._plain_by_depth.setdefault(depth, []).append(section)
        regexes = [s for s in self.sections if s.kind == "directory" and s.regex is not None]
        self._regex_directory_sections = regexes
        self._directory_sections = [s for _, _, s in plain] + regexes
        self._htaccess = None
        if self.htaccess_reader is not None and self._overrides_anywhere():
            self._htaccess = self.htaccess_reader
        self._files_sections = [s for s in self.sections if s.kind == "files"]
        self._location_sections = [s for s in self.sections if s.kind == "location"]
        self._locations_with_handlers = any(s.config.handlers for s in self._location_sections)
        for vhost in self.vhosts:
            vhost.finish()


def _depth(path: str) -> int:
    """Path components of a <Directory> path: "/" is 0, "/a/b" is 2."""
    return 0 if path == "/" else path.rstrip("/").count("/")


def _host_of(address: str) -> str:
    """``[::1]:80`` -> ``::1``; ``*:80`` -> ``*``; ``10.0.0.1`` -> ``10.0.0.1``."""
    if address.startswith("["):
        return address[1:].partition("]")[0]
    return address.rsplit(":", 1)[0] if address.count(":") == 1 else address


def _port_of(address: str) -> str:
    """The port of a <VirtualHost> address; "*" when none is given."""
    if address.startswith("["):
        rest = address.partition("]")[2]
        return rest[1:] if rest.startswith(":") else "*"
    return address.rsplit(":", 1)[1] if address.count(":") == 1 else "*"


def __getattr__(name: str):
    """The loaders (loader.py) are reachable from here too, imported on first use: they
    import this module, so importing them at the top would be circular."""
    if name in ("check_config_file", "load_config_file", "load_config_text",
                "resolve_server_relative_paths"):  # fmt: skip
        from . import loader

        return getattr(loader, name)
    if name == "ConfigError":
        from .parser import ConfigError

        return ConfigError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ConfigWarning", "ServerSettings", "Section"]
