"""Walking ``a.b.c`` from a published module to the object a URL names (SPEC 7.2)."""

from __future__ import annotations

from typing import Any

from ..constants import APLOG_WARNING, HTTP_FORBIDDEN, HTTP_NOT_FOUND
from ..exceptions import SERVER_RETURN
from .auth import process_auth
from .rules import is_library_code, is_publishable, is_traversable


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
