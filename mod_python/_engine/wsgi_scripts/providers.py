"""WSGIAuthUserScript, WSGIAuthGroupScript and WSGIAccessScript: Python functions that
answer Apache's authentication, group authorization and host access questions.

    check_password(environ, user, password)  True, False, None (no such user) or a user name
    groups_for_user(environ, user)           the user's groups (an iterable of strings)
    allow_access(environ, host)              True, False, or None (no opinion)

Each script is loaded into its application group (``application-group=``, default
%{GLOBAL}) like any WSGI script and reloaded when it changes.
"""

from __future__ import annotations

import os

from ..auth import AuthnResult, AuthnStatus
from ..constants import DECLINED, HTTP_FORBIDDEN, HTTP_INTERNAL_SERVER_ERROR, OK
from .content import load_or_report, report_script_error
from .environ import expand_name, log_wsgi, script_environ
from .groups import in_script


class ScriptProblem(Exception):
    """The script could not give an answer (already logged): Apache answers 500."""


def _call(req, settings: dict, key: str, function_name: str, what: str, *args):
    path, group_text = settings[key]
    group = expand_name(req, group_text or "%{GLOBAL}", req.uri)
    module = load_or_report(req, settings, path, group)
    if module is None:
        raise ScriptProblem
    function = module.__dict__.get(function_name)
    if function is None:
        log_wsgi(req, f"mod_wsgi (pid={os.getpid()}): Target WSGI {what} script '{path}' does "
                      f"not provide '{function_name}'.")  # fmt: skip
        raise ScriptProblem
    req.add_cgi_vars()
    environ = script_environ(
        req, settings, group=group, process_group="", callable_name=function_name,
        script_file=path,
    )  # fmt: skip
    token = in_script.set(True)
    try:
        return function(environ, *args)
    except Exception:  # noqa: BLE001 - logged, the request gets a 500
        report_script_error(req, path)
        raise ScriptProblem from None
    finally:
        in_script.reset(token)


def check_password(req, settings: dict, user: str, password: str) -> AuthnResult:
    """The ``wsgi`` provider of AuthBasicProvider, as mod_auth_basic sees its answer."""
    uri = req.uri
    try:
        answer = _call(req, settings, "auth_user_script", "check_password", "user "
                       "authentication", user, password)  # fmt: skip
    except ScriptProblem:
        return AuthnResult(AuthnStatus.FILE_ERROR, user)
    if answer is True:
        return AuthnResult(AuthnStatus.GRANTED, user)
    if isinstance(answer, str) and answer:
        return AuthnResult(AuthnStatus.GRANTED, answer)  # the script names the user
    if answer is None:
        return AuthnResult(
            AuthnStatus.USER_NOT_FOUND, user, f"AH01618: user {user} not found: {uri}"
        )
    if answer is False:
        return AuthnResult(
            AuthnStatus.PASSWORD_MISMATCH, user,
            f'AH01617: user {user}: authentication failure for "{uri}": Password Mismatch',
        )  # fmt: skip
    log_wsgi(req, f"mod_wsgi (pid={os.getpid()}): Basic auth provider must return True, False, "
                  f"None or a user name, not {type(answer).__name__}.")  # fmt: skip
    return AuthnResult(AuthnStatus.FILE_ERROR, user)


def groups_for_user(req, settings: dict, user: str) -> frozenset[str]:
    """``Require wsgi-group``: the user's groups; OSError when there is no answer."""
    if "auth_group_script" not in settings:
        raise OSError(f"mod_wsgi (pid={os.getpid()}): No WSGIAuthGroupScript configured for "
                      f"'Require wsgi-group': {req.uri}")  # fmt: skip
    try:
        answer = _call(req, settings, "auth_group_script", "groups_for_user", "group "
                       "authorisation", user)  # fmt: skip
    except ScriptProblem:
        raise OSError(f"groups_for_user failed for user {user}") from None
    if answer is None:
        return frozenset()
    try:
        groups = frozenset(answer)
    except TypeError:
        groups = None
    if groups is None or not all(isinstance(group, str) for group in groups):
        raise OSError(f"mod_wsgi (pid={os.getpid()}): Groups for user returned from "
                      f"'{settings['auth_group_script'][0]}' must be an iterable sequence of "
                      "strings.")  # fmt: skip
    return groups


def allow_access(req, settings: dict) -> int:
    """WSGIAccessScript at the access checker: OK, DECLINED (no opinion), 403 or 500."""
    try:
        answer = _call(req, settings, "access_script", "allow_access", "host access",
                       req.useragent_ip)  # fmt: skip
    except ScriptProblem:
        return HTTP_INTERNAL_SERVER_ERROR
    if answer is None:
        return DECLINED
    if answer is True:
        return OK
    if answer is False:
        where = req.filename if req.filename is not None else req.uri
        log_wsgi(req, f"mod_wsgi (pid={os.getpid()}): Client denied by server configuration: "
                      f"'{where}'.")  # fmt: skip
        return HTTP_FORBIDDEN
    log_wsgi(req, f"mod_wsgi (pid={os.getpid()}): Host access script must return True, False "
                  f"or None, not {type(answer).__name__}.")  # fmt: skip
    return HTTP_INTERNAL_SERVER_ERROR


__all__ = ["allow_access", "check_password", "groups_for_user"]
