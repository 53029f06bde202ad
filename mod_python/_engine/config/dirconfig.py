"""Per-section configuration and mod_python's merge rules (SPEC 1.2).

A ``DirConfig`` holds what one section (server, vhost, <Directory>, <Location>, <Files> ...)
sets. Merging overlays a more specific section on a less specific one: tables per key,
handler lists per phase(+ext) key, everything else per field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property


@dataclass(frozen=True)
class HandlerEntry:
    """One ``module[::object]`` of a Python*Handler directive, with where it was declared."""

    handler: str
    directory: str | None = None  # section path with trailing "/", or None at server level
    is_location: bool = False
    silent: bool = False
    # Wildcard or regex <Directory>: resolved per request to the shortest matching prefix.
    directory_pattern: re.Pattern | None = None


@dataclass(frozen=True)
class FilterEntry:
    """A ``PythonInputFilter``/``PythonOutputFilter`` registration."""

    handler: str
    name: str
    directory: str | None = None
    is_input: bool = False


# Fields whose merge is "the more specific section wins when it sets a value".
_SCALAR_FIELDS = (
    "set_handler", "force_type", "default_type", "auth_type", "auth_name", "directory_index",
    "allow_override", "limit_request_body", "default_charset", "auth_user_file",
    "auth_group_file", "auth_basic_provider", "auth_basic_authoritative", "satisfy", "order",
    "directory_slash", "allow_override_list",
)  # fmt: skip

# Fields that are dicts merged key by key.
_DICT_FIELDS = (
    "directives", "options_table", "handlers", "input_filters", "output_filters",
    "add_handlers", "add_types", "error_documents", "set_env", "add_output_filters",
    "add_input_filters", "wsgi",
)  # fmt: skip


# httpd 2.4's Options when none is set.
DEFAULT_OPTIONS = frozenset({"followsymlinks"})


@dataclass
class DirConfig:
    """Settings of one section, or the merged result of several."""

    # mod_python's non-handler directives, values as mod_python stores them ("1"/"0" for flags).
    directives: dict[str, str] = field(default_factory=dict)
    # PythonOption: lower-cased key -> (key as written, value). "" means unset.
    options_table: dict[str, tuple[str, str]] = field(default_factory=dict)
    # "PythonHandler" or "PythonHandler.py" -> handler entries in order.
    handlers: dict[str, tuple[HandlerEntry, ...]] = field(default_factory=dict)
    input_filters: dict[str, FilterEntry] = field(default_factory=dict)
    output_filters: dict[str, FilterEntry] = field(default_factory=dict)
    # Apache core / mod_mime / mod_auth settings the engine reproduces.
    set_handler: str | None = None
    add_handlers: dict[str, str] = field(default_factory=dict)  # ".ext" -> handler name
    add_types: dict[str, str] = field(default_factory=dict)  # ".ext" -> content type
    add_output_filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    add_input_filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    force_type: str | None = None
    default_type: str | None = None
    auth_type: str | None = None
    auth_name: str | None = None
    # Require lines and containers of the section (an implicit <RequireAny>), as
    # auth.Require / auth.RequireContainer nodes.
    requires: tuple | None = None
    directory_index: tuple[str, ...] | None = None
    error_documents: dict[int, str] = field(default_factory=dict)
    set_env: dict[str, str | None] = field(default_factory=dict)
    # Options: an absolute set, or +/- changes applied to the inherited set when merging.
    options: frozenset[str] | None = None
    options_add: frozenset[str] = frozenset()
    options_remove: frozenset[str] = frozenset()
    allow_override: frozenset[str] | None = None
    allow_override_list: frozenset[str] | None = None
    limit_request_body: int | None = None
    default_charset: str | None = None  # AddDefaultCharset ("" = Off)
    directory_slash: bool | None = None
    # mod_auth_basic / mod_authn_file / mod_authz_groupfile
    auth_user_file: str | None = None
    auth_group_file: str | None = None
    auth_basic_provider: tuple[str, ...] | None = None
    auth_basic_authoritative: bool | None = None
    satisfy: str | None = None  # "all" (default) or "any"
    # mod_access_compat: Order and the (word, limit) rules of Allow from / Deny from.
    order: str | None = None
    allow_from: tuple | None = None
    deny_from: tuple | None = None
    # mod_headers actions, in order (a more specific section's come after its parent's).
    header_actions: tuple = ()
    request_header_actions: tuple = ()
    # Redirect/RedirectMatch declared in sections (applied at fixups, as mod_alias does).
    redirects: tuple = ()
    # mod_wsgi's settings (config/wsgi_directives.py), merged key by key.
    wsgi: dict[str, object] = field(default_factory=dict)
    # True when a Python*Handler of this config was declared inside <Location>.
    handler_in_location: bool = False

    def merged_with(self, more_specific: DirConfig) -> DirConfig:
        """Return this config overlaid with ``more_specific`` (neither is modified)."""
        changes: dict = {}
        for name in _DICT_FIELDS:
            child = getattr(more_specific, name)
            if child:
                base = getattr(self, name)
                changes[name] = {**base, **child} if base else dict(child)
        for name in _SCALAR_FIELDS:
            value = getattr(more_specific, name)
            if value is not None:
                changes[name] = value
        if more_specific.requires is not None:
            changes["requires"] = more_specific.requires
        for name in ("allow_from", "deny_from"):
            if getattr(more_specific, name) is not None:
                changes[name] = getattr(more_specific, name)
        for name in ("header_actions", "request_header_actions", "redirects"):
            if getattr(more_specific, name):
                changes[name] = getattr(self, name) + getattr(more_specific, name)
        if more_specific.options is not None:
            changes["options"] = more_specific.options
        elif more_specific.options_add or more_specific.options_remove:
            added, removed = more_specific.options_add, more_specific.options_remove
            changes["options"] = (self.effective_options | added) - removed
        if more_specific.handlers:
            # The map-to-storage shortcut looks at where the effective handlers came from.
            changes["handler_in_location"] = more_specific.handler_in_location
        return replace(self, **changes) if changes else self

    @cached_property
    def handler_phases(self) -> frozenset[str]:
        """Phases with a handler list (plain or ``| .ext``): the others cost one lookup."""
        return frozenset(key.partition(".")[0] for key in self.handlers)

    @cached_property
    def fixed_handler_directories(self) -> dict[int, tuple[str | None, ...]]:
        """id(handler list) -> the directories of its entries, for the lists (of this
        config's ``handlers``) whose directories do not depend on the request (no wildcard
        or regex <Directory>)."""
        return {
            id(entries): tuple(entry.directory for entry in entries)
            for entries in self.handlers.values()
            if all(entry.directory_pattern is None for entry in entries)
        }

    @cached_property
    def access_is_open(self) -> bool:
        """No Order/Allow/Deny and no Require other than an unlimited "Require all granted":
        every request passes the access checks without evaluating anything."""
        if self.allow_from is not None or self.deny_from is not None:
            return False
        for node in self.requires or ():
            if getattr(node, "provider", None) != "all" or node.args != ("granted",):
                return False
            if node.negate or node.limit is not None:
                return False
        return True

    @cached_property
    def mime_cache(self) -> dict[str, tuple[str | None, str | None]]:
        """mod_mime's answer per file-name suffix (content type, handler), filled as met."""
        return {}

    def option_items(self) -> list[tuple[str, str]]:
        return list(self.options_table.values())

    @cached_property
    def effective_options(self) -> frozenset[str]:
        """The Options in force (computed once: every request asks, for FollowSymLinks)."""
        if self.options is not None:
            return self.options
        return (DEFAULT_OPTIONS | self.options_add) - self.options_remove

    @cached_property
    def follows_symlinks(self) -> bool:
        """Options FollowSymLinks or SymLinksIfOwnerMatch: links are not checked for."""
        options = self.effective_options
        return "followsymlinks" in options or "symlinksifownermatch" in options

    @cached_property
    def interpreter_rule(self) -> tuple[str | None, bool, bool]:
        """(PythonInterpreter, PythonInterpPerDirectory, PythonInterpPerDirective), read once."""
        directives = self.directives
        return (
            directives.get("PythonInterpreter") or None,
            directives.get("PythonInterpPerDirectory") == "1",
            directives.get("PythonInterpPerDirective") == "1",
        )

    @cached_property
    def dispatch_settings(self) -> tuple[bool, bool, str | None]:
        """(PythonDebug On, PythonAutoReload not Off, PythonPath), read once per config."""
        directives = self.directives
        return (
            directives.get("PythonDebug") == "1",
            directives.get("PythonAutoReload") != "0",
            directives.get("PythonPath"),
        )

    @property
    def debug(self) -> bool:
        return self.directives.get("PythonDebug") == "1"
