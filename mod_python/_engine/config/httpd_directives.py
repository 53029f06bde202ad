"""Apache httpd's own directives (core, mod_mime, mod_dir, mod_alias, mod_auth*, mod_env,
mod_headers, mod_log_config ...) that the engine reproduces or accepts.

``override`` names the AllowOverride class a .htaccess file needs to use a directive.
"""

from __future__ import annotations

from ..auth import MethodLimit, RequireSyntaxError, UnsupportedRequire, parse_require
from .directives import (
    HTACCESS,
    SERVER_AND_SECTIONS,
    SERVER_ONLY,
    SectionScope,
    directive,
)
from .parser import Directive

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
    directive(_name, SERVER_ONLY, 1, 1, override=None)(_server_attr(_attr, _convert))


@directive("ServerAlias", SERVER_ONLY, min_args=1, override=None)
def _server_alias(node: Directive, scope: SectionScope) -> None:
    scope.server.aliases.extend(node.args)


@directive("Listen", SERVER_ONLY, min_args=1, max_args=2, override=None)
def _listen(node: Directive, scope: SectionScope) -> None:
    scope.server.listen.append(node.args[0])


@directive("LogFormat", SERVER_ONLY, min_args=1, max_args=2, override=None)
def _log_format(node: Directive, scope: SectionScope) -> None:
    nickname = node.args[1] if len(node.args) > 1 else ""  # "" = TransferLog's format
    scope.server.log_formats[nickname] = node.args[0]


@directive("CustomLog", SERVER_ONLY, min_args=2, max_args=3, override=None)
def _custom_log(node: Directive, scope: SectionScope) -> None:
    scope.server.custom_logs.append((node.args[0], node.args[1]))


@directive("TransferLog", SERVER_ONLY, min_args=1, max_args=1, override=None)
def _transfer_log(node: Directive, scope: SectionScope) -> None:
    scope.server.custom_logs.append((node.args[0], ""))


@directive("LogLevel", SERVER_AND_SECTIONS, min_args=1, override=None)
def _log_level(node: Directive, scope: SectionScope) -> None:
    """``LogLevel warn`` or per module ``LogLevel info python:debug``: the plain level counts."""
    for word in node.args:
        if ":" not in word and scope.server is not None and scope.context == "server":
            scope.server.log_level = word


@directive("AccessFileName", SERVER_ONLY, min_args=1, override=None)
def _access_file_name(node: Directive, scope: SectionScope) -> None:
    scope.server.access_file_names = tuple(node.args)


# ---- mod_mime and core handler/type selection ------------------------------------------------


@directive("SetHandler", min_args=1, max_args=1, override="fileinfo")
def _set_handler(node: Directive, scope: SectionScope) -> None:
    value = node.args[0]
    scope.config.set_handler = "" if value.lower() == "none" else value


def _extensions(node: Directive, first: int) -> list[str]:
    exts = []
    for ext in node.args[first:]:
        ext = ext.lower()
        exts.append(ext if ext.startswith(".") else "." + ext)
    return exts


@directive("AddHandler", min_args=2, override="fileinfo")
def _add_handler(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_handlers[ext] = node.args[0]


@directive("RemoveHandler", min_args=1, override="fileinfo")
def _remove_handler(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 0):
        scope.config.add_handlers[ext] = ""


@directive("AddType", min_args=2, override="fileinfo")
def _add_type(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_types[ext] = node.args[0]


@directive("RemoveType", min_args=1, override="fileinfo")
def _remove_type(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 0):
        scope.config.add_types[ext] = ""


def _filter_list(node: Directive) -> tuple[str, ...]:
    return tuple(name.lower() for name in node.args[0].split(";") if name)


@directive("AddOutputFilter", min_args=2, override="fileinfo")
def _add_output_filter(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_output_filters[ext] = _filter_list(node)


@directive("AddInputFilter", min_args=2, override="fileinfo")
def _add_input_filter(node: Directive, scope: SectionScope) -> None:
    for ext in _extensions(node, 1):
        scope.config.add_input_filters[ext] = _filter_list(node)


@directive("SetOutputFilter", min_args=1, max_args=1, override="fileinfo")
def _set_output_filter(node: Directive, scope: SectionScope) -> None:
    scope.config.add_output_filters["*"] = _filter_list(node)


@directive("SetInputFilter", min_args=1, max_args=1, override="fileinfo")
def _set_input_filter(node: Directive, scope: SectionScope) -> None:
    scope.config.add_input_filters["*"] = _filter_list(node)


@directive("ForceType", min_args=1, max_args=1, override="fileinfo")
def _force_type(node: Directive, scope: SectionScope) -> None:
    scope.config.force_type = "" if node.args[0].lower() == "none" else node.args[0]


@directive("DefaultType", min_args=1, max_args=1, override="fileinfo")
def _default_type(node: Directive, scope: SectionScope) -> None:
    scope.config.default_type = node.args[0]


@directive("AddDefaultCharset", min_args=1, max_args=1, override="fileinfo")
def _add_default_charset(node: Directive, scope: SectionScope) -> None:
    value = node.args[0]
    if value.lower() == "off":
        scope.config.default_charset = ""
    else:
        scope.config.default_charset = "iso-8859-1" if value.lower() == "on" else value


# ---- authentication and authorization (mod_auth_basic, mod_authn_file, mod_authz_*) ----------


@directive("AuthType", min_args=1, max_args=1, override="authconfig")
def _auth_type(node: Directive, scope: SectionScope) -> None:
    scope.config.auth_type = "" if node.args[0].lower() == "none" else node.args[0]


@directive("AuthName", min_args=1, max_args=1, override="authconfig")
def _auth_name(node: Directive, scope: SectionScope) -> None:
    scope.config.auth_name = node.args[0]


@directive("AuthUserFile", min_args=1, max_args=1, override="authconfig")
def _auth_user_file(node: Directive, scope: SectionScope) -> None:
    scope.config.auth_user_file = node.args[0]  # relative: to ServerRoot, at use


@directive("AuthGroupFile", min_args=1, max_args=1, override="authconfig")
def _auth_group_file(node: Directive, scope: SectionScope) -> None:
    scope.config.auth_group_file = node.args[0]  # relative: to ServerRoot, at use


@directive("AuthBasicProvider", min_args=1, override="authconfig")
def _auth_basic_provider(node: Directive, scope: SectionScope) -> None:
    providers = tuple(word.lower() for word in node.args)
    unknown = [word for word in providers if word not in ("file", "wsgi")]
    if unknown:
        raise node.error(
            f"unknown authentication provider {unknown[0]!r} (only 'file' and 'wsgi' here)"
        )
    scope.config.auth_basic_provider = providers


@directive("AuthBasicAuthoritative", min_args=1, max_args=1, override="authconfig")
def _auth_basic_authoritative(node: Directive, scope: SectionScope) -> None:
    if node.args[0].lower() not in ("on", "off"):
        raise node.error("must be On or Off")
    scope.config.auth_basic_authoritative = node.args[0].lower() == "on"


@directive("Require", SERVER_AND_SECTIONS | {HTACCESS}, min_args=1, override="authconfig")
def _require(node: Directive, scope: SectionScope) -> None:
    limit = None
    if scope.limit is not None:
        limit = MethodLimit(scope.limit[0], scope.limit[1])
    try:
        rule = parse_require(node.args, limit)
    except UnsupportedRequire as unsupported:
        rule = unsupported.require  # kept: requests it decides get a 500
        if scope.warn is not None:
            scope.warn(node, f"{unsupported}: requests that depend on it are answered 500")
    except RequireSyntaxError as error:
        raise node.error(str(error)) from None
    if rule.negate and scope.require_sink is None:
        raise node.error("negative Require directive has no effect in <RequireAny> directive")
    if scope.require_sink is not None:
        scope.require_sink.append(rule)
    else:
        scope.config.requires = (scope.config.requires or ()) + (rule,)


@directive("Satisfy", min_args=1, max_args=1, override="authconfig")
def _satisfy(node: Directive, scope: SectionScope) -> None:
    if node.args[0].lower() not in ("any", "all"):
        raise node.error("Satisfy either 'any' or 'all'")
    scope.config.satisfy = node.args[0].lower()


@directive("Order", min_args=1, max_args=1, override="limit")
def _order(node: Directive, scope: SectionScope) -> None:
    value = node.args[0].lower().replace(" ", "")
    if value not in ("allow,deny", "deny,allow", "mutual-failure"):
        raise node.error("unknown order (use allow,deny or deny,allow)")
    scope.config.order = value


def _host_rule(node: Directive, scope: SectionScope, field_name: str) -> None:
    if not node.args or node.args[0].lower() != "from" or len(node.args) < 2:
        raise node.error(f"{node.name} must be followed by 'from' and hosts")
    rules = tuple((word, scope.limit) for word in node.args[1:])
    setattr(scope.config, field_name, (getattr(scope.config, field_name) or ()) + rules)


@directive("Allow", min_args=2, override="limit")
def _allow(node: Directive, scope: SectionScope) -> None:
    _host_rule(node, scope, "allow_from")


@directive("Deny", min_args=2, override="limit")
def _deny(node: Directive, scope: SectionScope) -> None:
    _host_rule(node, scope, "deny_from")


# ---- mod_dir, mod_autoindex, core options --------------------------------------------------


@directive("DirectoryIndex", min_args=1, override="indexes")
def _directory_index(node: Directive, scope: SectionScope) -> None:
    names = tuple(node.args)
    scope.config.directory_index = () if names[0].lower() == "disabled" else names


@directive("DirectorySlash", min_args=1, max_args=1, override="indexes")
def _directory_slash(node: Directive, scope: SectionScope) -> None:
    scope.config.directory_slash = node.args[0].lower() != "off"


_ALL_OPTIONS = frozenset({"indexes", "includes", "followsymlinks", "execcgi"})
_KNOWN_OPTIONS = _ALL_OPTIONS | {"multiviews", "symlinksifownermatch", "includesnoexec"}


@directive("Options", min_args=1, override="options")
def _options(node: Directive, scope: SectionScope) -> None:
    """Plain words replace the inherited options; +word/-word adjust them (at merge time)."""
    absolute: set[str] | None = None
    added: set[str] = set()
    removed: set[str] = set()
    for word in node.args:
        sign, name = (word[0], word[1:].lower()) if word[0] in "+-" else ("", word.lower())
        if scope.context == HTACCESS and not _option_overridable(name, scope.overrides):
            raise node.error(f"Option {word.lstrip('+-')} not allowed here")
        if name == "all":
            names = set(_ALL_OPTIONS)
        elif name == "none":
            names = set()
        elif name in _KNOWN_OPTIONS:
            names = {name}
        else:
            raise node.error(f"Illegal option {word}")
        if sign == "+":
            added |= names
            removed -= names
        elif sign == "-":
            removed |= names
            added -= names
        else:
            absolute = (absolute or set()) | names
    config = scope.config
    if absolute is not None:
        config.options = frozenset(absolute | added) - removed
        config.options_add = config.options_remove = frozenset()
    elif config.options is not None:
        config.options = (config.options | added) - removed
    else:
        config.options_add = (config.options_add - removed) | added
        config.options_remove = (config.options_remove - added) | removed


def _option_overridable(name: str, overrides: frozenset[str] | None) -> bool:
    """AllowOverride Options=LIST limits which options a .htaccess may touch."""
    listed = {entry[len("options:") :] for entry in overrides or () if entry.startswith("options:")}
    if not listed or "all" in (overrides or ()):
        return True
    if name == "all":
        return False
    return name == "none" or name in listed


_OVERRIDE_CLASSES = frozenset({"all", "none", "authconfig", "fileinfo", "indexes", "limit",
                               "options"})  # fmt: skip


@directive("AllowOverride", SERVER_AND_SECTIONS, min_args=1, override=None)
def _allow_override(node: Directive, scope: SectionScope) -> None:
    classes = set()
    for word in node.args:
        name, equals, listed = word.lower().partition("=")
        if name == "nonfatal":
            continue
        if name not in _OVERRIDE_CLASSES:
            raise node.error(f"Illegal override option {word}")
        classes.add(name)
        if name == "options" and equals:
            # Options=Indexes,MultiViews: only those options may be set in .htaccess.
            classes.update("options:" + option for option in listed.split(",") if option)
    scope.config.allow_override = frozenset(classes - {"none"})


@directive("AllowOverrideList", SERVER_AND_SECTIONS, min_args=1, override=None)
def _allow_override_list(node: Directive, scope: SectionScope) -> None:
    names = {word.lower() for word in node.args} - {"none"}
    scope.config.allow_override_list = frozenset(names)


@directive("LimitRequestBody", min_args=1, max_args=1)
def _limit_request_body(node: Directive, scope: SectionScope) -> None:
    try:
        scope.config.limit_request_body = int(node.args[0])
    except ValueError:
        raise node.error(f"{node.args[0]!r} is not a number of bytes") from None


@directive("ErrorDocument", min_args=2, max_args=2, override="fileinfo")
def _error_document(node: Directive, scope: SectionScope) -> None:
    try:
        status = int(node.args[0])
    except ValueError:
        status = 0
    if not 400 <= status <= 599:
        raise node.error(f"Unsupported HTTP response code {node.args[0]}")
    value = node.args[1]
    # httpd keeps a quoted message's opening quote to tell text from a URL.
    if node.raw.split(None, 1)[1].startswith('"') and not value.startswith(("/", "http")):
        value = '"' + value
    scope.config.error_documents[status] = "" if value.lower() == "default" else value


# ---- mod_env and mod_headers -----------------------------------------------------------------


@directive("SetEnv", min_args=1, max_args=2, override="fileinfo")
def _set_env(node: Directive, scope: SectionScope) -> None:
    scope.config.set_env[node.args[0]] = node.args[1] if len(node.args) > 1 else ""


@directive("UnsetEnv", min_args=1, override="fileinfo")
def _unset_env(node: Directive, scope: SectionScope) -> None:
    for name in node.args:
        scope.config.set_env[name] = None


@directive("PassEnv", min_args=1, override="fileinfo")
def _pass_env(node: Directive, scope: SectionScope) -> None:
    import os

    for name in node.args:
        if name in os.environ:
            scope.config.set_env[name] = os.environ[name]


def _header_directive(request_side: bool):
    from ..header_actions import parse_header_action

    def apply(node: Directive, scope: SectionScope) -> None:
        try:
            action = parse_header_action(node.args, request_side)
        except ValueError as error:
            raise node.error(str(error)) from None
        if request_side:
            scope.config.request_header_actions += (action,)
        else:
            scope.config.header_actions += (action,)

    return apply


directive("Header", min_args=2, max_args=5, override="fileinfo")(_header_directive(False))
directive("RequestHeader", min_args=2, max_args=5, override="fileinfo")(_header_directive(True))


# ---- mod_alias ------------------------------------------------------------------------------


def _alias_directive(is_regex: bool, handler: str | None = None):
    from ..aliases import AliasRule, compile_pattern

    def apply(node: Directive, scope: SectionScope) -> None:
        if scope.context != "server":
            raise node.error(f"{node.name} not allowed here")
        pattern, target = node.args
        try:
            matcher = compile_pattern(pattern, is_regex)
        except ValueError as error:
            raise node.error(str(error)) from None
        scope.server.alias_rules.append(
            AliasRule(pattern, matcher, target, None, is_regex, handler)
        )

    return apply


directive("Alias", SERVER_ONLY, 2, 2, override=None)(_alias_directive(False))
directive("AliasMatch", SERVER_ONLY, 2, 2, override=None)(_alias_directive(True))
directive(
    "ScriptAlias", SERVER_ONLY, 2, 2, override=None,
    warning="CGI scripts are not run (mod_cgi is not emulated): requests under it get 403",
)(_alias_directive(False, "cgi-script"))  # fmt: skip
directive(
    "ScriptAliasMatch", SERVER_ONLY, 2, 2, override=None,
    warning="CGI scripts are not run (mod_cgi is not emulated): requests under it get 403",
)(_alias_directive(True, "cgi-script"))  # fmt: skip


def _redirect_directive(is_regex: bool, fixed_status: int | None = None):
    from ..aliases import AliasRule, compile_pattern, redirect_status

    def apply(node: Directive, scope: SectionScope) -> None:
        args = list(node.args)
        status = fixed_status
        if status is None:
            try:
                status = redirect_status(args[0])
                args = args[1:]
            except ValueError:
                status = None
        status = status or 302
        gone = not 300 <= status <= 399
        in_section = scope.context != "server"
        # Inside <Location>/<Directory> the URL-path may be left out: the section is it.
        if in_section and ((gone and not args) or (not gone and len(args) == 1)):
            args = [""] + args
        if gone and len(args) != 1:
            raise node.error("Redirect to non-URL: a 4xx status takes no URL")
        if not gone and len(args) != 2:
            raise node.error("URL to redirect to is missing")
        pattern, target = (args[0], None) if gone else args
        if not gone and "://" not in target and not target.startswith("/"):
            raise node.error("Redirect to non-URL")
        # An empty pattern is the whole section: the target as given, without a suffix.
        regex_rule = is_regex or not pattern
        try:
            matcher = compile_pattern(pattern, regex_rule)
        except ValueError as error:
            raise node.error(str(error)) from None
        rule = AliasRule(pattern, matcher, target, status, regex_rule, None)
        if scope.context == "server":
            scope.server.alias_rules.append(rule)
        else:
            scope.config.redirects += (rule,)

    return apply


directive("Redirect", min_args=1, max_args=3, override="fileinfo")(_redirect_directive(False))
directive("RedirectMatch", min_args=2, max_args=3, override="fileinfo")(_redirect_directive(True))
directive("RedirectPermanent", min_args=2, max_args=2, override="fileinfo")(
    _redirect_directive(False, 301)
)
directive("RedirectTemp", min_args=2, max_args=2, override="fileinfo")(
    _redirect_directive(False, 302)
)


# ---- read by the config builder itself -----------------------------------------------------


def _read_by_builder(node: Directive, scope: SectionScope) -> None:
    """Define, Include, LoadModule ...: the config builder acts on these itself."""


directive("Define", SERVER_AND_SECTIONS, 1, 2, override=None)(_read_by_builder)
directive("UnDefine", SERVER_AND_SECTIONS, 1, 1, override=None)(_read_by_builder)
directive("Include", SERVER_AND_SECTIONS, 1, 1, override=None)(_read_by_builder)
directive("IncludeOptional", SERVER_AND_SECTIONS, 1, 1, override=None)(_read_by_builder)
directive("LoadModule", SERVER_ONLY, 2, 2, override=None)(_read_by_builder)
