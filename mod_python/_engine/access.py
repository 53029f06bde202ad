"""Access control, authentication and authorization: httpd 2.4's sequence around mod_python.

    access_checker      PythonAccessHandler, then mod_access_compat (Order/Allow/Deny)
    access_checker_ex   mod_authz_core, first pass: can the request go on without a user?
    check_user_id       mod_auth_basic (AuthUserFile), then PythonAuthenHandler
    auth_checker        PythonAuthzHandler, else mod_authz_core's second pass

Authentication runs only when some Require needs a user, as in httpd. ``Satisfy Any`` lets
a request through when either the host rules or the user rules allow it.
"""

from __future__ import annotations

import ipaddress
import os

from .auth import (
    AuthnResult,
    AuthnStatus,
    Decision,
    RequestFacts,
    authenticate_basic,
    authorize_after_authentication,
    authorize_before_authentication,
    check_basic_credentials,
    default_cache,
    parse_ip_network,
)
from .auth.requires import RequireSyntaxError
from .constants import DECLINED, HTTP_FORBIDDEN, HTTP_INTERNAL_SERVER_ERROR, HTTP_UNAUTHORIZED, OK
from .wsgi_scripts import providers as wsgi_providers


def check_access(phases, req, config, auth_basic_loaded: bool) -> int:
    """OK when the request may reach the type checker, else the HTTP status to answer."""
    if "PythonAccessHandler" in config.handler_phases or req._dynamic_handlers:
        status = phases.run(req, "PythonAccessHandler", config)
        if status not in (OK, DECLINED):
            return status
    if "access_script" in config.wsgi:  # mod_wsgi's access checker runs beside the others
        status = wsgi_providers.allow_access(req, config.wsgi)
        if status not in (OK, DECLINED):
            return status
    if config.access_is_open:
        return OK  # no host rules, and no Require other than "all granted"
    # Only what earlier phases set: httpd adds the CGI variables after access checks.
    env = req._subprocess_env if req._subprocess_env is not None else {}
    hosts_allow = host_rules_allow(config, req.useragent_ip, req.method, env)
    requires = config.requires
    if config.satisfy == "any" and hosts_allow:
        return OK
    if hosts_allow is False and (config.satisfy != "any" or not requires):
        req.log_error(f"AH01797: client denied by server configuration: {_where(req)}")
        return HTTP_FORBIDDEN
    facts = RequestFacts(
        remote_ip=req.useragent_ip,
        local_ip=req.connection.local_ip,
        method=req.method,
        env=env,
        groups_of=_group_lookup(req, config),
        wsgi_groups_of=lambda user: wsgi_providers.groups_for_user(req, config.wsgi, user),
        uri=req.uri,
        filename=req.filename,
    )
    first = authorize_before_authentication(requires, facts)
    _log_all(req, first.messages)
    if first.decision is Decision.GRANTED:
        return OK
    if first.decision is not Decision.AUTHENTICATE:
        return first.status
    status = _authenticate(phases, req, config, auth_basic_loaded)
    if status != OK:
        return status
    status = phases.run(req, "PythonAuthzHandler", config)
    if status == DECLINED:
        facts.user = req.user
        facts.messages = []
        second = authorize_after_authentication(requires, facts, auth_type=req.auth_type())
        _log_all(req, second.messages)
        status = OK if second.decision is Decision.GRANTED else second.status
    if status == HTTP_UNAUTHORIZED:
        req._note_basic_auth_failure()
    return status


def _authenticate(phases, req, config, auth_basic_loaded: bool) -> int:
    """check_user_id: mod_auth_basic first (it is loaded ahead of mod_python), then Python."""
    status = DECLINED
    basic = auth_basic_loaded and (config.auth_type or "").lower() == "basic"
    python_authen = phases.has_handlers(req, "PythonAuthenHandler", config)
    wsgi_provider = "wsgi" in (config.auth_basic_provider or ())
    if basic and (config.auth_user_file or wsgi_provider or not python_authen):
        status = _basic_with_user_file(req, config)
    if status == DECLINED:
        status = phases.run(req, "PythonAuthenHandler", config)
        if status == OK and req.user is None:
            req.log_error(
                "After PythonAuthenHandler req->user is NULL. Assign something to req.user "
                "if returning OK to avoid this error."
            )
            return HTTP_INTERNAL_SERVER_ERROR
    if status == DECLINED:
        req.log_error(
            "AH00027: No authentication done but request not allowed without authentication "
            f"for {req.uri}. Authentication not configured?"
        )
        return HTTP_INTERNAL_SERVER_ERROR
    if status == HTTP_UNAUTHORIZED:
        req._note_basic_auth_failure()
    return status


def _basic_with_user_file(req, config) -> int:
    """mod_auth_basic over mod_authn_file."""
    if not config.auth_name:
        req.log_error(f"AH01615: need AuthName: {req.uri}")
        return HTTP_INTERNAL_SERVER_ERROR
    authorization = req.headers_in.get("Authorization")
    if isinstance(authorization, list):
        authorization = authorization[0]
    req._ap_auth_type = config.auth_type
    providers = config.auth_basic_provider or ("file",)
    if not config.auth_user_file and "wsgi" not in providers:
        if authorization is None:
            req._note_basic_auth_failure()
            return HTTP_UNAUTHORIZED
        req.log_error("AH01619: AuthUserFile not specified in the configuration")
        return HTTP_INTERNAL_SERVER_ERROR
    result = _basic_providers(req, config, authorization, providers)
    if result.user is not None:
        req._user = result.user
    if result.message:
        req.log_error(result.message)
    if result.status is AuthnStatus.GRANTED:
        return OK
    authoritative = config.auth_basic_authoritative is not False
    if not authoritative and result.status is AuthnStatus.USER_NOT_FOUND:
        req._user = None
        return DECLINED  # AuthBasicAuthoritative Off: let PythonAuthenHandler try
    if result.http_status == HTTP_UNAUTHORIZED:
        req._note_basic_auth_failure()
    return result.http_status


def _basic_providers(req, config, authorization, providers):
    """AuthBasicProvider's providers in order until one knows the user (mod_auth_basic)."""
    result = None
    for provider in providers:
        if provider == "wsgi" and authorization is not None:
            credentials = check_basic_credentials(authorization)
            if credentials is not None:
                if "auth_user_script" not in config.wsgi:
                    req.log_error("AH01619: no WSGIAuthUserScript for the wsgi provider")
                    return AuthnResult(AuthnStatus.FILE_ERROR)
                result = wsgi_providers.check_password(req, config.wsgi, *credentials)
                if result.status is not AuthnStatus.USER_NOT_FOUND:
                    return result
                continue
        user_file = config.auth_user_file
        result = authenticate_basic(
            authorization, _server_relative(req, user_file) if user_file else None,
            uri=req.uri, cache=default_cache,
        )  # fmt: skip
        if result.status is not AuthnStatus.USER_NOT_FOUND:
            return result
    return result


def _group_lookup(req, config):
    if not config.auth_group_file:
        return None
    path = _server_relative(req, config.auth_group_file)
    return lambda user: default_cache.group_file(path).groups_of(user)


def _server_relative(req, path: str) -> str:
    if path.startswith("/"):
        return path
    root = req._vhost.server_root or os.getcwd()
    return os.path.normpath(os.path.join(root, path))


def _where(req) -> str:
    return req.filename if req.filename is not None else f"uri {req.uri}"


def _log_all(req, messages) -> None:
    for message in messages:
        req.log_error(message)


# ---- mod_access_compat ------------------------------------------------------------------------


def host_rules_allow(config, remote_ip: str, method: str, env) -> bool | None:
    """Order/Allow/Deny for this request: True/False, or None when no rule is configured."""
    if config.allow_from is None and config.deny_from is None:
        return None
    allowed = _any_match(config.allow_from, remote_ip, method, env)
    denied = _any_match(config.deny_from, remote_ip, method, env)
    order = config.order or "deny,allow"
    if order == "deny,allow":
        return allowed or not denied
    return allowed and not denied  # allow,deny and mutual-failure


def _any_match(rules, remote_ip: str, method: str, env) -> bool:
    for word, limit in rules or ():
        if limit is not None:
            methods, excluding = limit
            if (method in methods or (method == "HEAD" and "GET" in methods)) == excluding:
                continue
        if _host_matches(word, remote_ip, env):
            return True
    return False


def _host_matches(word: str, remote_ip: str, env) -> bool:
    lowered = word.lower()
    if lowered == "all":
        return True
    if lowered.startswith("env="):
        name = word[4:]
        return (name[1:] not in env) if name.startswith("!") else (name in env)
    try:
        network = parse_ip_network(word)
    except RequireSyntaxError:
        return False  # host names: no reverse DNS here (reported by the config check)
    try:
        return network.contains(ipaddress.ip_address(remote_ip))
    except ValueError:
        return False


__all__ = ["check_access", "host_rules_allow"]
