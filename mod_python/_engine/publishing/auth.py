"""The publisher's own Basic authentication: ``__auth__``, ``__access__``, ``__auth_realm__``.

SPEC 7.3. Checked on the module and on every object the traversal reaches, carrying the realm
and the credentials from step to step. A function or bound method is asked for definitions
nested in its body (see ``nested``); any other object for ordinary attributes.
"""

from __future__ import annotations

import base64
import binascii
import types
from typing import Any

from ..constants import (
    APLOG_ERR,
    HTTP_BAD_REQUEST,
    HTTP_FORBIDDEN,
    HTTP_INTERNAL_SERVER_ERROR,
    HTTP_UNAUTHORIZED,
)
from ..exceptions import SERVER_RETURN
from .nested import UNKNOWN, has_nested_definitions, nested_definitions

_ABSENT = object()


def is_callable(obj: Any) -> bool:
    """mod_python's test: callable, or carrying a callable ``__call__`` attribute."""
    if callable(obj):
        return True
    call = getattr(obj, "__call__", None)  # noqa: B004 - an instance attribute counts too
    return call is not None and callable(call)


def _auth_objects(obj: Any) -> tuple[Any, Any, Any]:
    """(``__auth__``, ``__access__``, ``__auth_realm__``) of ``obj``; ``_ABSENT`` if missing."""
    kind = type(obj)
    function = obj.__func__ if kind is types.MethodType else obj
    if type(function) is types.FunctionType:
        # A realm may be a function attribute; the rest must be nested in the body.
        realm = function.__dict__.get("__auth_realm__", _ABSENT)
        nested = nested_definitions(function)
        if not nested:
            return _ABSENT, _ABSENT, realm
        return (
            nested.get("__auth__", _ABSENT),
            nested.get("__access__", _ABSENT),
            nested.get("__auth_realm__", realm),
        )
    if kind is types.ModuleType:
        # Straight from the namespace: a miss through getattr builds an AttributeError.
        namespace = obj.__dict__
        return (
            namespace.get("__auth__", _ABSENT),
            namespace.get("__access__", _ABSENT),
            namespace.get("__auth_realm__", _ABSENT),
        )
    return (
        getattr(obj, "__auth__", _ABSENT),
        getattr(obj, "__access__", _ABSENT),
        getattr(obj, "__auth_realm__", _ABSENT),
    )


def basic_credentials(req) -> tuple[str | None, str | None]:
    """(user, password) from ``Authorization: Basic``; (None, None) for another scheme.

    mod_python cuts the first six characters whatever the scheme; we read the scheme, so a
    Digest or Bearer header gets the Basic challenge instead of a 400. Undecodable Basic
    credentials (bad base64, no colon) are a 400, as in mod_python. UTF-8 is tried first
    (what browsers send today), then Latin-1 (what Apache assumes).
    """
    header = req.headers_in.get("Authorization")
    if not header:
        return None, None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SERVER_RETURN(HTTP_BAD_REQUEST) from None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    user, colon, password = decoded.partition(":")
    if not colon:
        raise SERVER_RETURN(HTTP_BAD_REQUEST)
    return user, password


def _challenge(req, header: str) -> SERVER_RETURN:
    req.err_headers_out["WWW-Authenticate"] = header
    return SERVER_RETURN(HTTP_UNAUTHORIZED)


def _cannot_evaluate(req, name: str, obj: Any) -> SERVER_RETURN:
    req.log_error(
        f"mod_python.publisher: cannot evaluate the {name} nested in {obj!r}: only "
        "functions, lambdas and literal constants are supported there",
        APLOG_ERR,
    )
    return SERVER_RETURN(HTTP_INTERNAL_SERVER_ERROR)


def process_auth(
    req, obj: Any, realm: Any = "unknown", user: str | None = None, passwd: str | None = None
) -> tuple[Any, str | None, str | None]:
    """Apply ``obj``'s auth rules; return (realm, user, passwd) for the next step."""
    # The common cases, kept cheap: a module or a function without any auth names.
    kind = type(obj)
    if kind is types.FunctionType:
        if "__auth_realm__" not in obj.__dict__ and not has_nested_definitions(obj):
            return realm, user, passwd
    elif kind is types.ModuleType:
        namespace = obj.__dict__
        if not ("__auth__" in namespace or "__access__" in namespace
                or "__auth_realm__" in namespace):  # fmt: skip
            return realm, user, passwd
    auth, access, own_realm = _auth_objects(obj)
    if own_realm is not _ABSENT and own_realm is not UNKNOWN:
        realm = own_realm
    if auth is _ABSENT and access is _ABSENT:
        return realm, user, passwd

    if not user:
        user, passwd = basic_credentials(req)

    if auth is not _ABSENT:
        if auth is UNKNOWN:
            raise _cannot_evaluate(req, "__auth__", obj)
        if not user:
            # No spaces around "=" here: some old browsers (Opera) did not accept them.
            raise _challenge(req, f'Basic realm="{realm}"')
        if is_callable(auth):
            allowed = auth(req, user, passwd)
        elif isinstance(auth, dict):
            # mod_python's Python 3 port fails here (a Python 2 type name); this is the intent.
            allowed = user in auth and auth[user] == passwd
        else:
            allowed = auth
        if not allowed:
            # mod_python writes this second challenge with spaces around "=".
            raise _challenge(req, f'Basic realm = "{realm}"')

    if access is not _ABSENT:
        if access is UNKNOWN:
            raise _cannot_evaluate(req, "__access__", obj)
        if is_callable(access):
            allowed = access(req, user)
        elif isinstance(access, (list, tuple)):
            allowed = user in access
        else:
            allowed = access
        if not allowed:
            raise SERVER_RETURN(HTTP_FORBIDDEN)

    return realm, user, passwd
