"""Require parsing and mod_authz_core evaluation; the section cases mirror runs on Apache 2.4.68."""

from __future__ import annotations

import pytest

from mod_python._engine.auth import (
    AuthFileError,
    AuthzResult,
    Decision,
    MethodLimit,
    RequestFacts,
    RequireContainer,
    RequireSyntaxError,
    UnsupportedRequire,
    authorize_after_authentication,
    authorize_before_authentication,
    evaluate,
    parse_ip_network,
    parse_require,
)

GRANTED, DENIED = AuthzResult.GRANTED, AuthzResult.DENIED
NO_USER, NEUTRAL = AuthzResult.DENIED_NO_USER, AuthzResult.NEUTRAL

GROUPS = {"alice": {"admins"}, "bob": {"admins"}, "carol": {"staff"}}


def req(line: str):
    return parse_require(line.split())


def any_of(*lines):
    return RequireContainer(
        "any", tuple(req(line) if isinstance(line, str) else line for line in lines)
    )


def all_of(*lines):
    return RequireContainer(
        "all", tuple(req(line) if isinstance(line, str) else line for line in lines)
    )


def none_of(*lines):
    return RequireContainer(
        "none", tuple(req(line) if isinstance(line, str) else line for line in lines)
    )


def facts(**overrides):
    values = {"remote_ip": "127.0.0.1", "groups_of": lambda user: GROUPS.get(user, set())}
    values.update(overrides)
    return RequestFacts(**values)


# ---- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, message",
    [
        ("all maybe", "Argument for 'Require all' must be 'granted' or 'denied'"),
        ("all", "Argument for 'Require all' must be 'granted' or 'denied'"),
        ("all granted extra", "Argument for 'Require all' must be 'granted' or 'denied'"),
        ("User alice", "Unknown Authz provider: User"),
        ("", "Unknown Authz provider: "),
        ("not", "Unknown Authz provider: "),
        ("frob x", "Unknown Authz provider: frob"),
        ("method FOO GET", "Invalid Method 'FOO'"),
        ("method get", "Invalid Method 'get'"),
        ("ip", "'require ip' requires an argument"),
    ],
)
def test_require_lines_apache_refuses(line, message):
    with pytest.raises(RequireSyntaxError) as raised:
        req(line)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "line",
    ["user", "valid-user extra", "env", "method", "method HEAD", "local x", "group"],
)
def test_require_lines_apache_accepts(line):
    req(line)


@pytest.mark.parametrize("provider", ["host", "expr", "forward-dns", "file-owner", "dbm-group"])
def test_unsupported_providers_are_reported_with_the_parsed_line(provider):
    with pytest.raises(UnsupportedRequire) as raised:
        req(f"{provider} example.com")
    assert raised.value.require.provider == provider
    assert evaluate([raised.value.require], facts()) is AuthzResult.GENERAL_ERROR


def test_not_prefix_is_parsed():
    parsed = req("not user bob")
    assert (parsed.provider, parsed.args, parsed.negate) == ("user", ("bob",), True)


# ---- containers (Apache's startup checks) ------------------------------------------------


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: any_of("not ip 10.1"), "negative Require directive has no effect in <RequireAny> directive"),
        (lambda: none_of("not ip 10.1"), "negative Require directive has no effect in <RequireNone> directive"),
        (lambda: any_of(none_of("ip 10.1")), "<RequireNone> directive has no effect in <RequireAny> directive"),
        (lambda: all_of("ip 10.1", none_of(none_of("ip 10.2"))), "<RequireNone> directive has no effect in <RequireNone> directive"),
        (lambda: all_of("not ip 10.1"), "<RequireAll> directive contains only negative authorization directives"),
        (lambda: all_of(none_of("ip 10.1")), "<RequireAll> directive contains only negative authorization directives"),
        (lambda: RequireContainer("all", ()), "<RequireAll> directive contains no authorization directives"),
    ],
)  # fmt: skip
def test_containers_apache_refuses(build, message):
    with pytest.raises(RequireSyntaxError) as raised:
        build()
    assert str(raised.value) == message


def test_containers_apache_accepts():
    all_of("ip 10.1", none_of("ip 10.2"))
    all_of("not ip 10.2", any_of("ip 10.3"))


# ---- ip ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule, inside, outside",
    [
        ("10.1", "10.1.255.3", "10.2.0.1"),
        ("10.1.", "10.1.0.0", "10.0.1.1"),
        ("127", "127.9.9.9", "128.0.0.1"),
        ("010.001", "10.1.2.3", "10.2.0.0"),
        ("10.1.2.3", "10.1.2.3", "10.1.2.4"),
        ("10.0.0.0/8", "10.200.0.1", "11.0.0.1"),
        ("10.0.0.1/8", "10.9.9.9", "9.0.0.1"),  # host bits are masked off
        ("10.0.0.0/255.0.0.0", "10.1.1.1", "11.1.1.1"),
        ("10.0.0.0/255.0.255.0", "10.77.0.9", "10.0.1.0"),  # non-contiguous mask
        ("1.2.3.4/32", "1.2.3.4", "1.2.3.5"),
        ("10.1", "::ffff:10.1.0.1", "::ffff:10.2.0.1"),  # v4-mapped clients match v4 rules
        ("2001:db8::/32", "2001:db8:ffff::1", "2001:db9::1"),
        ("::1", "::1", "::2"),
        ("::1", "::1", "127.0.0.1"),
        ("fe80::1", "fe80::1%eth0", "fe80::2"),  # a client's zone index is ignored
    ],
)
def test_ip_rule_matching(rule, inside, outside):
    rules = [req(f"ip {rule}")]
    assert evaluate(rules, facts(remote_ip=inside)) is GRANTED
    assert evaluate(rules, facts(remote_ip=outside)) is DENIED


@pytest.mark.parametrize("remote_ip", [None, "", "not-an-ip"])
def test_ip_rule_denies_unknown_client_address(remote_ip):
    assert evaluate([req("ip 10.1")], facts(remote_ip=remote_ip)) is DENIED


def test_ip_rule_with_several_addresses_grants_any():
    assert evaluate([req("ip 10.1 192.168.0.0/16 ::2")], facts(remote_ip="192.168.4.4")) is GRANTED


@pytest.mark.parametrize(
    "text, reason",
    [
        ("bogus", None),
        ("www.example.com", None),
        ("256", "The specified IP address is invalid."),
        ("1.2.3.4.5", "The specified IP address is invalid."),
        ("10..1", "The specified IP address is invalid."),
        ("10/8", "The specified IP address is invalid."),
        ("10.1/16", "The specified IP address is invalid."),
        ("10.1/255.255.0.0", "The specified IP address is invalid."),
        ("fe80::1%eth0", "The specified IP address is invalid."),
        ("10.0.0.1/33", "The specified network mask is invalid."),
        ("10.0.0.0/0", "The specified network mask is invalid."),
        ("10.1.2.3/", "The specified network mask is invalid."),
        ("10.0.0.0/255.255", "The specified network mask is invalid."),
        ("2001:db8::/129", "The specified network mask is invalid."),
    ],
)
def test_ip_arguments_apache_refuses(text, reason):
    with pytest.raises(RequireSyntaxError) as raised:
        parse_ip_network(text)
    suffix = f": {reason}" if reason else ""
    assert str(raised.value) == f"ip address '{text}' appears to be invalid{suffix}"


# ---- the other providers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line, user, expected",
    [
        ("all granted", None, GRANTED),
        ("all denied", "alice", DENIED),
        ("valid-user", None, NO_USER),
        ("valid-user", "alice", GRANTED),
        ("user alice bob", None, NO_USER),
        ("user alice bob", "bob", GRANTED),
        ("user alice bob", "Bob", DENIED),  # user names are case-sensitive
        ("user", "alice", DENIED),
        ("group staff", None, NO_USER),
        ("group staff", "carol", GRANTED),
        ("group staff admins", "alice", GRANTED),
        ("group staff", "alice", DENIED),
        ("group staff", "nobody", DENIED),
    ],
)
def test_user_providers(line, user, expected):
    assert evaluate([req(line)], facts(user=user)) is expected


def test_group_without_a_group_file_denies_and_logs():
    checked = facts(user="alice", groups_of=None)
    assert evaluate([req("group admins")], checked) is DENIED
    assert checked.messages == ["AH01664: No group file was specified in the configuration"]


def test_unreadable_group_file_denies_and_logs():
    def groups_of(user):
        raise AuthFileError("group", "/etc/nope", FileNotFoundError(2, "No such file or directory"))

    checked = facts(user="alice", groups_of=groups_of)
    assert evaluate([req("group admins")], checked) is DENIED
    assert checked.messages == ["AH01665: Could not open group file: /etc/nope"]


@pytest.mark.parametrize(
    "line, method, expected",
    [
        ("method POST", "POST", GRANTED),
        ("method POST", "GET", DENIED),
        ("method GET", "HEAD", GRANTED),  # HEAD is GET to Apache's method checks
        ("method HEAD", "GET", GRANTED),
        ("method GET POST", "PUT", DENIED),
        ("method GET", "FROB", DENIED),
    ],
)
def test_method_provider(line, method, expected):
    assert evaluate([req(line)], facts(method=method)) is expected


@pytest.mark.parametrize(
    "env, expected",
    [({"LETIN": "1"}, GRANTED), ({"LETIN": ""}, GRANTED), ({"OTHER": "1"}, DENIED), ({}, DENIED)],
)
def test_env_provider_needs_the_variable_set(env, expected):
    assert evaluate([req("env LETIN ALSO")], facts(env=env)) is expected


@pytest.mark.parametrize(
    "remote_ip, local_ip, expected",
    [
        ("127.0.0.1", None, GRANTED),
        ("127.5.5.5", None, GRANTED),
        ("::1", None, GRANTED),
        ("::ffff:127.0.0.1", None, GRANTED),
        ("192.168.1.5", "192.168.1.5", GRANTED),
        ("192.168.1.5", "192.168.1.1", DENIED),
    ],
)
def test_local_provider(remote_ip, local_ip, expected):
    assert evaluate([req("local")], facts(remote_ip=remote_ip, local_ip=local_ip)) is expected


# ---- combining ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section, user, expected",
    [
        # implicit RequireAny: a grant wins, a user-based denial beats a plain one
        (["ip 127.0.0.1", "user alice"], None, GRANTED),
        (["user alice", "all denied"], None, NO_USER),
        (["user alice", "all denied"], "bob", DENIED),
        (["user alice", "all denied"], "alice", GRANTED),
        # RequireAll: a denial ends it, otherwise a user-based denial beats a grant
        ([all_of("ip 127.0.0.1", "user alice")], None, NO_USER),
        ([all_of("ip 10.9", "user alice")], None, DENIED),
        ([all_of("ip 127.0.0.1", "user alice")], "alice", GRANTED),
        # not: granted -> denied, denied -> neutral
        ([all_of("valid-user", "not user bob")], None, NO_USER),
        ([all_of("valid-user", "not user bob")], "bob", DENIED),
        ([all_of("valid-user", "not user bob")], "alice", GRANTED),
        # RequireNone of a user rule is neutral without a user: no login is asked for
        ([all_of("all granted", none_of("user bob"))], None, GRANTED),
        ([all_of("all granted", none_of("user bob"))], "bob", DENIED),
        ([all_of("all granted", none_of("ip 127.0.0.1", "user bob"))], None, DENIED),
        # nested any inside all
        ([all_of("valid-user", any_of("user alice", "group staff"))], "carol", GRANTED),
        ([all_of("valid-user", any_of("user alice", "group staff"))], "bob", DENIED),
    ],
)
def test_section_results(section, user, expected):
    sections = [req(item) if isinstance(item, str) else item for item in section]
    assert evaluate(sections, facts(user=user)) is expected


def test_unsupported_child_is_an_error_even_after_a_grant_in_all():
    unsupported = pytest.raises(UnsupportedRequire, req, "expr true").value.require
    section = [all_of("all granted", "ip 127.0.0.1")]
    assert evaluate(section, facts()) is GRANTED
    checked = facts()
    assert evaluate([all_of("all granted"), unsupported], checked) is GRANTED  # any: grant first
    assert evaluate([RequireContainer("all", (req("all granted"), unsupported))], checked) is (
        AuthzResult.GENERAL_ERROR
    )


# ---- <Limit> -----------------------------------------------------------------------------


def test_limited_require_in_any_is_neutral_for_other_methods():
    only_post = MethodLimit(frozenset({"POST"}))
    section = [parse_require(["all", "denied"], limit=only_post), req("ip 10.9")]
    assert evaluate(section, facts(method="POST")) is DENIED
    assert evaluate(section, facts(method="GET")) is DENIED  # the ip rule alone decides
    assert evaluate([parse_require(["all", "denied"], limit=only_post)], facts()) is GRANTED


def test_limited_require_in_all_is_granted_for_other_methods():
    only_post = MethodLimit(frozenset({"POST"}))
    section = [all_of("ip 127.0.0.1", parse_require(["valid-user"], limit=only_post))]
    assert evaluate(section, facts(method="GET")) is GRANTED
    assert evaluate(section, facts(method="POST")) is NO_USER


def test_section_of_only_limited_rules_grants_other_methods():
    # Apache 2.4.68: <Directory> with only "<Limit POST> Require valid-user" -> GET 200,
    # POST 401; the same inside an explicit <RequireAny> too.
    only_post = MethodLimit(frozenset({"POST"}))
    section = [parse_require(["valid-user"], limit=only_post)]
    assert evaluate(section, facts(method="GET")) is GRANTED
    assert evaluate(section, facts(method="POST")) is NO_USER
    wrapped = [RequireContainer("any", (parse_require(["valid-user"], limit=only_post),))]
    assert evaluate(wrapped, facts(method="GET")) is GRANTED


def test_limit_except_and_head_as_get():
    except_get = MethodLimit(frozenset({"GET"}), excluding=True)
    section = [all_of("all granted", parse_require(["valid-user"], limit=except_get))]
    assert evaluate(section, facts(method="HEAD")) is GRANTED
    assert evaluate(section, facts(method="DELETE")) is NO_USER


# ---- the two passes ----------------------------------------------------------------------


def test_first_pass_grants_without_authentication():
    decided = authorize_before_authentication([req("ip 127.0.0.1"), req("user alice")], facts())
    assert (decided.decision, decided.status) == (Decision.GRANTED, None)


def test_first_pass_asks_for_authentication():
    decided = authorize_before_authentication([req("valid-user")], facts())
    assert (decided.decision, decided.status, decided.messages) == (Decision.AUTHENTICATE, None, ())


def test_first_pass_ignores_a_user_already_known():
    decided = authorize_before_authentication([req("valid-user")], facts(user="alice"))
    assert decided.decision is Decision.AUTHENTICATE


def test_first_pass_forbids_with_apache_log_line():
    decided = authorize_before_authentication(
        [req("ip 10.1")], facts(filename="/srv/www/ip/", uri="/ip/")
    )
    assert (decided.decision, decided.status) == (Decision.FORBIDDEN, 403)
    assert decided.messages == ("AH01630: client denied by server configuration: /srv/www/ip/",)


def test_first_pass_without_a_filename_logs_the_uri():
    decided = authorize_before_authentication([req("all denied")], facts(uri="/x"))
    assert decided.messages == ("AH01630: client denied by server configuration: uri /x",)


def test_no_require_at_all_grants():
    assert authorize_before_authentication(None, facts()).decision is Decision.GRANTED
    assert authorize_after_authentication(None, facts(user="a"), auth_type="Basic").status is None


def test_unsupported_provider_is_500():
    unsupported = pytest.raises(UnsupportedRequire, req, "host example.com").value.require
    decided = authorize_before_authentication([unsupported], facts())
    assert (decided.decision, decided.status) == (Decision.ERROR, 500)
    assert decided.messages == ("Require host is not supported by this server",)


def test_second_pass_grants_the_right_user():
    decided = authorize_after_authentication(
        [req("user alice")], facts(user="alice"), auth_type="Basic"
    )
    assert decided.decision is Decision.GRANTED


def test_authenticated_user_refused_gets_401_not_403():
    decided = authorize_after_authentication(
        [req("user alice")], facts(user="bob", uri="/usr/"), auth_type="Basic"
    )
    assert (decided.decision, decided.status) == (Decision.UNAUTHORIZED, 401)
    assert decided.messages == ('AH01631: user bob: authorization failure for "/usr/": ',)


def test_refused_user_without_auth_type_gets_403():
    decided = authorize_after_authentication(
        [req("user alice")], facts(user="bob", filename="/srv/f"), auth_type=None
    )
    assert (decided.decision, decided.status) == (Decision.FORBIDDEN, 403)


def test_group_file_error_logged_then_401():
    def groups_of(user):
        raise AuthFileError("group", "/nope", FileNotFoundError(2, "No such file or directory"))

    decided = authorize_after_authentication(
        [req("group staff")], facts(user="alice", uri="/g/", groups_of=groups_of), auth_type="Basic"
    )
    assert decided.status == 401
    assert decided.messages == (
        "AH01665: Could not open group file: /nope",
        'AH01631: user alice: authorization failure for "/g/": ',
    )
