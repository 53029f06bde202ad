"""``Require`` lines and ``<RequireAll|Any|None>`` containers, evaluated as mod_authz_core does.

A section's access rules form a tree: ``Require`` leaves (``parse_require``) inside
``RequireContainer`` nodes; the ``Require`` lines written directly in a <Directory> or
<Location> form an implicit ``RequireContainer("any", ...)``. ``AuthMerging And|Or`` is a
container of kind ``"all"`` / ``"any"`` holding the parent's and the child's trees.

Every node evaluates to one of Apache's five results (``AuthzResult``):

- a leaf asks its provider; user-based providers answer DENIED_NO_USER while no user is
  known ("a user might change this"), all others GRANTED or DENIED;
- ``all``: a DENIED child ends it as DENIED; otherwise DENIED_NO_USER beats GRANTED, and
  a container whose children are all NEUTRAL is NEUTRAL;
- ``any``: a GRANTED child ends it as GRANTED; otherwise DENIED_NO_USER beats DENIED;
- ``not`` / ``none``: GRANTED becomes DENIED, DENIED and DENIED_NO_USER become NEUTRAL
  (not being rejected grants nothing);
- a node limited to some methods (``<Limit>``) that does not apply to the request is
  GRANTED under an ``all`` parent and NEUTRAL under an ``any`` parent; a container covers
  the union of its children's methods, so a section holding only ``<Limit POST>`` rules
  grants a GET outright (the root counts as having an ``all`` parent).

Apache runs the tree twice, which ``authorize_before_authentication`` and
``authorize_after_authentication`` reproduce; see their docstrings for the status rules.
Supported providers: ``all``, ``valid-user``, ``user``, ``group``, ``ip``, ``local``,
``env``, ``method``, and mod_wsgi's ``wsgi-group`` (WSGIAuthGroupScript). ``host``, ``forward-dns``, ``expr``, ``file-owner``, ``file-group``
and the dbm/dbd/ldap providers are recognised but not supported (``UnsupportedRequire``).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..constants import METHOD_NUMBERS

SUPPORTED_PROVIDERS = frozenset(
    {"all", "valid-user", "user", "group", "ip", "local", "env", "method", "wsgi-group"}
)
UNSUPPORTED_PROVIDERS = frozenset(
    {
        "host", "forward-dns", "expr", "file-owner", "file-group", "dbm-group", "dbd-group",
        "ldap-user", "ldap-group", "ldap-dn", "ldap-attribute", "ldap-filter", "ldap-search",
    }
)  # fmt: skip

_CONTAINER_NAMES = {"all": "RequireAll", "any": "RequireAny", "none": "RequireNone"}


class RequireSyntaxError(ValueError):
    """A ``Require`` line or container Apache refuses at startup; the text is Apache's."""


class UnsupportedRequire(RequireSyntaxError):
    """A provider Apache knows but this engine does not evaluate (``host``, ``expr``...).

    ``require`` is the parsed line anyway: placed in a tree it evaluates to GENERAL_ERROR
    (a 500), so a caller may choose to load the configuration and fail only those requests.
    """

    def __init__(self, message: str, require: Require):
        super().__init__(message)
        self.require = require


class AuthzResult(enum.Enum):
    """What one node of the tree says (mod_authz_core's authz_status)."""

    GRANTED = "granted"
    DENIED = "denied"
    DENIED_NO_USER = "denied (no authenticated user yet)"
    NEUTRAL = "neutral"
    GENERAL_ERROR = "error"


# ---- the tree ----------------------------------------------------------------------------


def _method_key(name: str) -> int | str:
    """HEAD is GET for method checks (one method number); unknown methods compare by name."""
    return METHOD_NUMBERS.get(name, name)


@dataclass(frozen=True)
class MethodLimit:
    """The ``<Limit>`` / ``<LimitExcept>`` around a node: the methods it applies to."""

    methods: frozenset[str]
    excluding: bool = False  # True for <LimitExcept>

    def applies_to(self, method: str) -> bool:
        listed = _method_key(method) in {_method_key(name) for name in self.methods}
        return listed != self.excluding


@dataclass(frozen=True)
class IPNetwork:
    """One ``Require ip`` argument: address and mask, possibly non-contiguous (10.0.0.0/255.0.255.0)."""

    version: int
    network: int
    mask: int

    def contains(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if address.version == 6 and self.version == 4 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:10.1.2.3 matches IPv4 rules, as in apr
        if address.version != self.version:
            return False
        return int(address) & self.mask == self.network


@dataclass(frozen=True)
class Require:
    """One ``Require [not] PROVIDER ARGS...`` line."""

    provider: str
    args: tuple[str, ...] = ()
    negate: bool = False
    limit: MethodLimit | None = None
    networks: tuple[IPNetwork, ...] = field(default=(), compare=False)  # "ip", parsed

    @property
    def is_negative(self) -> bool:
        return self.negate


@dataclass(frozen=True)
class RequireContainer:
    """``<RequireAll>`` (``kind="all"``), ``<RequireAny>`` ("any") or ``<RequireNone>`` ("none").

    Built with Apache's startup checks: not empty, no ``Require not`` or ``<RequireNone>``
    directly inside RequireAny or RequireNone, and a RequireAll not made only of negative
    children. Raises RequireSyntaxError with Apache's message otherwise.
    """

    kind: Literal["all", "any", "none"]
    children: tuple[RequireNode, ...]
    limit: MethodLimit | None = None

    def __post_init__(self):
        if self.kind not in _CONTAINER_NAMES:
            raise ValueError(f"unknown container kind {self.kind!r}")
        object.__setattr__(self, "children", tuple(self.children))
        name = _CONTAINER_NAMES[self.kind]
        if not self.children:
            raise RequireSyntaxError(f"<{name}> directive contains no authorization directives")
        if self.kind in ("any", "none"):
            for child in self.children:
                if isinstance(child, Require) and child.negate:
                    raise RequireSyntaxError(
                        f"negative Require directive has no effect in <{name}> directive"
                    )
                if isinstance(child, RequireContainer) and child.kind == "none":
                    raise RequireSyntaxError(
                        f"<RequireNone> directive has no effect in <{name}> directive"
                    )
        elif all(child.is_negative for child in self.children):
            raise RequireSyntaxError(
                f"<{name}> directive contains only negative authorization directives"
            )

    @property
    def is_negative(self) -> bool:
        return self.kind == "none"


RequireNode = Require | RequireContainer


# ---- parsing one Require line ------------------------------------------------------------


def parse_require(words: Sequence[str], limit: MethodLimit | None = None) -> Require:
    """The words after ``Require`` (already split and unquoted) -> a checked ``Require``.

    Raises RequireSyntaxError with Apache's startup message for what Apache refuses, and
    UnsupportedRequire for a known provider this engine cannot evaluate.
    """
    words = list(words)
    negate = bool(words) and words[0] == "not"
    if negate:
        words = words[1:]
    provider = words[0] if words else ""
    args = tuple(words[1:])
    require = Require(provider, args, negate, limit)
    if provider in UNSUPPORTED_PROVIDERS:
        raise UnsupportedRequire(f"Require {provider} is not supported", require)
    if provider not in SUPPORTED_PROVIDERS:
        raise RequireSyntaxError(f"Unknown Authz provider: {provider}")
    if provider == "all" and args not in (("granted",), ("denied",)):
        raise RequireSyntaxError("Argument for 'Require all' must be 'granted' or 'denied'")
    if provider == "method":
        for name in args:
            if name not in METHOD_NUMBERS:
                raise RequireSyntaxError(f"Invalid Method '{name}'")
    if provider == "ip":
        if not args:
            raise RequireSyntaxError("'require ip' requires an argument")
        networks = tuple(parse_ip_network(arg) for arg in args)
        require = Require(provider, args, negate, limit, networks)
    return require


def _looks_like_ip(text: str) -> bool:
    return ":" in text or all(char in "0123456789." for char in text)


def parse_ip_network(text: str) -> IPNetwork:
    """A ``Require ip`` argument as apr reads it, or RequireSyntaxError with Apache's message.

    Forms: a full IPv4 or IPv6 address; a partial IPv4 address (``10.1`` = 10.1.0.0/16,
    trailing dot allowed); ``ADDRESS/BITS`` (1-32 or 1-128); ``IPv4/DOTTED-MASK`` (any mask).
    """
    address_text, slash, mask_text = text.partition("/")

    def invalid(reason: str | None) -> RequireSyntaxError:
        suffix = f": {reason}" if reason else ""
        return RequireSyntaxError(f"ip address '{text}' appears to be invalid{suffix}")

    if not _looks_like_ip(address_text):
        raise invalid(None)
    bad_address = invalid("The specified IP address is invalid.")
    bad_mask = invalid("The specified network mask is invalid.")
    if ":" in address_text:
        if "%" in address_text:
            raise bad_address  # apr takes no zone index
        try:
            address = ipaddress.IPv6Address(address_text)
        except ValueError:
            raise bad_address
        version, width, value = 6, 128, int(address)
        implied_bits = 128
    else:
        parts = (
            address_text[:-1].split(".") if address_text.endswith(".") else address_text.split(".")
        )
        if not 1 <= len(parts) <= 4 or any(not part or int(part) > 255 for part in parts):
            raise bad_address
        if slash and len(parts) != 4:
            raise bad_address  # a partial address takes no explicit mask
        version, width = 4, 32
        value = 0
        for part in parts + ["0"] * (4 - len(parts)):
            value = (value << 8) | int(part)
        implied_bits = 8 * len(parts)
    if not slash:
        mask = _mask_of_bits(implied_bits, width)
    elif mask_text.isascii() and mask_text.isdigit():
        if not 1 <= int(mask_text) <= width:
            raise bad_mask
        mask = _mask_of_bits(int(mask_text), width)
    elif version == 4:
        try:
            mask = int(ipaddress.IPv4Address(mask_text))
        except ValueError:
            raise bad_mask
    else:
        raise bad_mask
    return IPNetwork(version, value & mask, mask)


def _mask_of_bits(bits: int, width: int) -> int:
    return ((1 << bits) - 1) << (width - bits)


# ---- evaluation --------------------------------------------------------------------------


@dataclass
class RequestFacts:
    """What the providers may look at, filled in by the caller from the request.

    ``groups_of(user)`` returns the user's groups from the AuthGroupFile (None: no
    AuthGroupFile configured); it may raise OSError (e.g. ``userfiles.AuthFileError``),
    which Apache logs and treats as "not in the group". ``uri`` and ``filename`` only feed
    log messages. ``messages`` collects the lines Apache would write to the error log.
    """

    user: str | None = None
    remote_ip: str | None = None
    local_ip: str | None = None
    method: str = "GET"
    env: Mapping[str, str] = field(default_factory=dict)
    groups_of: Callable[[str], Collection[str]] | None = None
    # ``Require wsgi-group``: the user's groups from WSGIAuthGroupScript (may raise OSError).
    wsgi_groups_of: Callable[[str], Collection[str]] | None = None
    uri: str = ""
    filename: str | None = None
    messages: list[str] = field(default_factory=list)


def evaluate(requires: RequireNode | Sequence[RequireNode], facts: RequestFacts) -> AuthzResult:
    """The tree's result for one request; a sequence is an implicit <RequireAny>."""
    if not isinstance(requires, (Require, RequireContainer)):
        requires = RequireContainer("any", tuple(requires))
    return _evaluate_node(requires, facts, parent_kind="all")


def _applies(node: RequireNode, method: str) -> bool:
    """Whether a node takes part for this method: a container covers its children's methods."""
    if node.limit is not None and not node.limit.applies_to(method):
        return False
    if isinstance(node, RequireContainer):
        return any(_applies(child, method) for child in node.children)
    return True


def _evaluate_node(node: RequireNode, facts: RequestFacts, parent_kind: str) -> AuthzResult:
    if not _applies(node, facts.method):
        return AuthzResult.GRANTED if parent_kind == "all" else AuthzResult.NEUTRAL
    if isinstance(node, Require):
        result = _PROVIDERS.get(node.provider, _unsupported)(node, facts)
    else:
        result = _combine(node, facts)
    if node.is_negative:
        if result is AuthzResult.GRANTED:
            return AuthzResult.DENIED
        if result in (AuthzResult.DENIED, AuthzResult.DENIED_NO_USER):
            return AuthzResult.NEUTRAL
    return result


def _combine(container: RequireContainer, facts: RequestFacts) -> AuthzResult:
    conjunction = container.kind == "all"
    decisive = AuthzResult.DENIED if conjunction else AuthzResult.GRANTED
    result = AuthzResult.NEUTRAL
    for child in container.children:
        child_result = _evaluate_node(child, facts, "all" if conjunction else "any")
        if child_result in (AuthzResult.GENERAL_ERROR, decisive):
            return child_result
        if child_result is AuthzResult.NEUTRAL:
            continue
        if child_result is AuthzResult.DENIED_NO_USER or result is AuthzResult.NEUTRAL:
            result = child_result
    return result


def _unsupported(require: Require, facts: RequestFacts) -> AuthzResult:
    facts.messages.append(f"Require {require.provider} is not supported by this server")
    return AuthzResult.GENERAL_ERROR


def _granted_if(condition: bool) -> AuthzResult:
    return AuthzResult.GRANTED if condition else AuthzResult.DENIED


def _check_all(require: Require, facts: RequestFacts) -> AuthzResult:
    return _granted_if(require.args == ("granted",))


def _check_valid_user(require: Require, facts: RequestFacts) -> AuthzResult:
    return AuthzResult.DENIED_NO_USER if facts.user is None else AuthzResult.GRANTED


def _check_user(require: Require, facts: RequestFacts) -> AuthzResult:
    if facts.user is None:
        return AuthzResult.DENIED_NO_USER
    return _granted_if(facts.user in require.args)


def _check_group(require: Require, facts: RequestFacts) -> AuthzResult:
    if facts.user is None:
        return AuthzResult.DENIED_NO_USER
    groups_of = facts.wsgi_groups_of if require.provider == "wsgi-group" else facts.groups_of
    if groups_of is None:
        facts.messages.append("AH01664: No group file was specified in the configuration")
        return AuthzResult.DENIED
    try:
        groups = groups_of(facts.user)
    except OSError as error:
        facts.messages.append(getattr(error, "message", str(error)))
        return AuthzResult.DENIED
    return _granted_if(any(group in groups for group in require.args))


def _remote_address(facts: RequestFacts):
    if not facts.remote_ip:
        return None
    try:
        return ipaddress.ip_address(facts.remote_ip.split("%", 1)[0])
    except ValueError:
        return None


def _check_ip(require: Require, facts: RequestFacts) -> AuthzResult:
    address = _remote_address(facts)
    return _granted_if(address is not None and any(n.contains(address) for n in require.networks))


def _check_local(require: Require, facts: RequestFacts) -> AuthzResult:
    """Loopback (127.0.0.0/8, ::1, also v4-mapped) or the address the request came in on."""
    address = _remote_address(facts)
    if address is None:
        return AuthzResult.DENIED
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return _granted_if(address.is_loopback or facts.remote_ip == facts.local_ip)


def _check_env(require: Require, facts: RequestFacts) -> AuthzResult:
    return _granted_if(any(name in facts.env for name in require.args))


def _check_method(require: Require, facts: RequestFacts) -> AuthzResult:
    return _granted_if(_method_key(facts.method) in {_method_key(m) for m in require.args})


_PROVIDERS: dict[str, Callable[[Require, RequestFacts], AuthzResult]] = {
    "all": _check_all,
    "valid-user": _check_valid_user,
    "user": _check_user,
    "group": _check_group,
    "wsgi-group": _check_group,  # mod_wsgi's provider: groups from WSGIAuthGroupScript
    "ip": _check_ip,
    "local": _check_local,
    "env": _check_env,
    "method": _check_method,
}


# ---- the two passes ----------------------------------------------------------------------


class Decision(enum.Enum):
    """What the request cycle does next."""

    GRANTED = "granted"  # go on to the handler
    AUTHENTICATE = "authenticate"  # run authentication, then authorize_after_authentication
    FORBIDDEN = "forbidden"  # 403
    UNAUTHORIZED = "unauthorized"  # 401 with a fresh WWW-Authenticate challenge
    ERROR = "error"  # 500


@dataclass(frozen=True)
class AuthzDecision:
    """A decision, its HTTP status (None when the request goes on) and the error-log lines."""

    decision: Decision
    status: int | None
    messages: tuple[str, ...] = ()


_STATUS = {
    Decision.GRANTED: None,
    Decision.AUTHENTICATE: None,
    Decision.FORBIDDEN: 403,
    Decision.UNAUTHORIZED: 401,
    Decision.ERROR: 500,
}


def _decided(decision: Decision, facts: RequestFacts, *extra: str) -> AuthzDecision:
    return AuthzDecision(decision, _STATUS[decision], (*facts.messages, *extra))


def _denied_by_configuration(facts: RequestFacts) -> str:
    where = facts.filename if facts.filename is not None else f"uri {facts.uri}"
    return f"AH01630: client denied by server configuration: {where}"


def authorize_before_authentication(
    requires: RequireNode | Sequence[RequireNode] | None, facts: RequestFacts
) -> AuthzDecision:
    """Apache's first pass (access_checker_ex), run with no user whatever ``facts.user`` says.

    GRANTED: the request proceeds without authentication, even with bad credentials sent.
    AUTHENTICATE: only a user can decide; the caller authenticates (401 on failure; 500
    "AH00027 No authentication done but request not allowed without authentication ...
    Authentication not configured?" when there is no AuthType) and calls the second pass.
    FORBIDDEN: 403 (DENIED or all NEUTRAL). ERROR: 500. ``requires`` None (no Require in
    scope) grants.
    """
    userless = RequestFacts(**{**facts.__dict__, "user": None, "messages": []})
    if requires is None:
        return _decided(Decision.GRANTED, userless)
    result = evaluate(requires, userless)
    if result is AuthzResult.GRANTED:
        return _decided(Decision.GRANTED, userless)
    if result is AuthzResult.DENIED_NO_USER:
        return _decided(Decision.AUTHENTICATE, userless)
    if result is AuthzResult.GENERAL_ERROR:
        return _decided(Decision.ERROR, userless)
    return _decided(Decision.FORBIDDEN, userless, _denied_by_configuration(userless))


def authorize_after_authentication(
    requires: RequireNode | Sequence[RequireNode] | None,
    facts: RequestFacts,
    *,
    auth_type: str | None,
) -> AuthzDecision:
    """Apache's second pass (auth_checker), with ``facts.user`` set by authentication.

    An authenticated user who is refused gets 401, not 403, whenever an AuthType is
    configured (AH01631 'user U: authorization failure for "URI": '), so the browser asks
    again; 403 only without an AuthType. GRANTED goes on; ERROR is a 500.
    """
    if requires is None:
        return _decided(Decision.GRANTED, facts)
    result = evaluate(requires, facts)
    if result is AuthzResult.GRANTED:
        return _decided(Decision.GRANTED, facts)
    if result is AuthzResult.GENERAL_ERROR:
        return _decided(Decision.ERROR, facts)
    if result is AuthzResult.DENIED_NO_USER:
        return _decided(
            Decision.UNAUTHORIZED,
            facts,
            f"AH01629: authorization failure (no authenticated user): {facts.uri}",
        )
    if not auth_type:
        return _decided(Decision.FORBIDDEN, facts, _denied_by_configuration(facts))
    return _decided(
        Decision.UNAUTHORIZED,
        facts,
        f'AH01631: user {facts.user}: authorization failure for "{facts.uri}": ',
    )
