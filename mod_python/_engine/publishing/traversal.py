"""Walking ``a.b.c`` from a published module to the object a URL names (SPEC 7.2)."""

from __future__ import annotations

import types
from typing import Any

from ..constants import APLOG_WARNING, HTTP_FORBIDDEN, HTTP_NOT_FOUND
from ..exceptions import SERVER_RETURN
from .auth import process_auth
from .identity_cache import IdentityCache
from .nested import has_nested_definitions
from .rules import default_tp_rule, is_library_code, is_publishable, is_traversable, tp_rules


def _refuse(req, message: str) -> SERVER_RETURN:
    req.log_error(message, APLOG_WARNING)
    return SERVER_RETURN(HTTP_FORBIDDEN)


def resolve_object(
    req, obj: Any, object_str: str, realm: Any = None, user: str | None = None,
    passwd: str | None = None,
) -> Any:  # fmt: skip
    """The object ``object_str`` names under ``obj``, checking rules and auth at each step.

    A name starting with "_" is refused (403) before anything is looked up; so is a step
    out of an object that may not be traversed (functions, methods, modules, classes,
    built-ins). A missing attribute is a 404. mod_python fails with an IndexError (500) on
    an empty name (``a..b`` or ``a//b``); we answer 404: no object has that name.
    """
    name = object_str
    first = True
    for name in object_str.split("."):
        if not name:
            raise SERVER_RETURN(HTTP_NOT_FOUND)
        if name[0] == "_":
            raise _refuse(
                req,
                f"Cannot traverse {name} in {req.unparsed_uri} because it starts with an "
                "underscore",
            )
        if first:
            first = False  # the module itself is always walked into
        elif not is_traversable(obj):
            raise _refuse(
                req,
                f"Cannot traverse {name} in {req.unparsed_uri} because {obj!r} is not a "
                "traversable object",
            )
        try:
            obj = getattr(obj, name)
        except AttributeError:
            raise SERVER_RETURN(HTTP_NOT_FOUND) from None
        realm, user, passwd = process_auth(req, obj, realm, user, passwd)

    if not is_publishable(obj):
        reason = "it is defined outside the application" if is_library_code(obj) else (
            "it is not publishable"
        )  # fmt: skip
        raise _refuse(req, f"Cannot publish {name} in {req.unparsed_uri} because {reason}")
    return obj


# The usual URL names a plain function of the page (/page.py/name): remembered per page
# module, so the next request skips the auth and rule checks, which found nothing to do.
# page module -> {name: (function, its code)}; each use re-checks what may have changed
# since: the module's auth names, the name's binding, the function's code and realm, and
# the rule for functions. What cannot change is kept: where the function was defined.
_plain_functions = IdentityCache()


def known_plain_function(module: Any, object_path: str) -> Any:
    """``resolve_object(req, module, object_path)`` when it is a remembered plain function
    and nothing it depends on changed; None otherwise (the caller resolves as usual)."""
    if type(module) is not types.ModuleType or _declares_auth(module.__dict__):
        return None
    namespace = module.__dict__
    known = _plain_functions.get(module, _no_names).get(object_path)
    if known is None:
        return None
    function, code = known
    if (
        namespace.get(object_path) is function
        and function.__code__ is code
        and "__auth_realm__" not in function.__dict__
        and tp_rules.get(types.FunctionType, default_tp_rule)[1]
    ):
        return function
    return None


def remember_plain_function(module: Any, object_path: str, obj: Any) -> None:
    """After ``resolve_object`` gave ``obj``: remember it if it is a plain function."""
    if (
        type(obj) is types.FunctionType
        and type(module) is types.ModuleType
        and "." not in object_path
        and module.__dict__.get(object_path) is obj
        and "__auth_realm__" not in obj.__dict__
        and not has_nested_definitions(obj)
        and not _declares_auth(module.__dict__)
    ):
        _plain_functions.get(module, _no_names)[object_path] = (obj, obj.__code__)


def _declares_auth(namespace: dict) -> bool:
    return "__auth__" in namespace or "__access__" in namespace or "__auth_realm__" in namespace


def _no_names(module: Any) -> dict:
    return {}
