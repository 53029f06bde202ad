"""``PythonHandler mod_python.publisher``: from ``req.filename`` to a published object.

SPEC 7.1. ``/dir/page.py/obj/attr`` loads ``/dir/page.py`` and publishes ``obj.attr``;
``/dir/page/obj`` (any stripped extension, or none) does the same; a name with no such file
falls back to ``/dir/index.py`` with the name as the first object (``/dir/foo`` ->
``index.foo``); an empty object path means ``index``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from ..config.remembered import remembered
from ..constants import (
    APLOG_ERR,
    HTTP_INTERNAL_SERVER_ERROR,
    HTTP_METHOD_NOT_ALLOWED,
    HTTP_NOT_FOUND,
    OK,
)
from ..exceptions import SERVER_RETURN
from .auth import process_auth
from .pages import page_cache
from .rendering import publish_object
from .traversal import known_plain_function, remember_plain_function, resolve_object

PUBLISHED_METHODS = ("GET", "POST", "HEAD")


def page_candidates(
    filename: str, addhandler_exts: str, extension: str | None
) -> tuple[str, str, str]:
    """(the page file ``filename`` names, its module name, the directory's index.py).

    Pure string work on the request's file name: the files are looked at later.
    """
    directory, module_name = os.path.split(filename)
    if not module_name:
        module_name = "index"  # a directory request: Apache left a trailing slash
    # mod_python joins the suffixes into a regex unescaped; escaped here so an extension
    # holding "." or "+" matches only itself.
    suffixes = ["py", *addhandler_exts.split()]
    if extension:
        suffixes.append(extension[1:])
    pattern = "|".join(rf"\.{re.escape(suffix)}$" for suffix in suffixes)
    module_name = re.sub(pattern, "", module_name, count=1)
    return (
        os.path.normpath(f"{directory}/{module_name}.py"),
        module_name,
        os.path.normpath(f"{directory}/index.py"),
    )


class PageRoute:
    """Where a request's page may be and the directives that govern loading it."""

    __slots__ = ("page_file", "module_name", "index_file", "debug", "autoreload")

    def __init__(self, req) -> None:
        self.page_file, self.module_name, self.index_file = page_candidates(
            req.filename, req.get_addhandler_exts(), req.extension
        )
        # The merged directives as req.get_config() shows them, read without the table.
        directives = req._config.directives if req._config is not None else {}
        self.debug = directives.get("PythonDebug", "0") not in ("0", "")
        self.autoreload = directives.get("PythonAutoReload", "1") != "0"


# (file name, id of the merged config, extension) -> (that config, its PageRoute): all a
# route depends on, so each is worked out once (see config.remembered).
_routes_by_request: dict[tuple, tuple[object, PageRoute]] = {}
_ROUTES_KEPT = 1024


def route_for(req) -> PageRoute:
    """The ``PageRoute`` of this request, computed once per file name and config."""
    config = req._config
    key = (req.filename, id(config), req.extension)
    return remembered(_routes_by_request, key, config, _ROUTES_KEPT, PageRoute, req)


def object_path_of(req) -> str:
    """``req.path_info`` without its leading and one trailing slash."""
    path_info = req.path_info
    if not path_info:
        return ""
    object_path = path_info[1:]
    return object_path[:-1] if object_path.endswith("/") else object_path


def handle(req, form_for: Callable[[Any], Any]) -> int:
    """The publisher's content handler; ``form_for(req)`` builds the request's FieldStorage."""
    # On every request: a later 405 or 501 (a form body of an unknown type) lists them.
    req.allow_methods(PUBLISHED_METHODS)
    if req.method not in PUBLISHED_METHODS:
        raise SERVER_RETURN(HTTP_METHOD_NOT_ALLOWED)

    if not req.filename:
        # A Python handler declared in <Location> makes mod_python skip the file mapping:
        # there is no file to publish (mod_python fails on os.path.split(None), a 500).
        req.log_error(
            "mod_python.publisher: the request has no file name; declare the publisher in "
            "<Directory> or <Files>, not <Location>",
            APLOG_ERR,
        )
        raise SERVER_RETURN(HTTP_INTERNAL_SERVER_ERROR)

    route = route_for(req)
    debug = route.debug
    page_file = route.page_file
    object_path = object_path_of(req)
    # The engine's walk statted the page moments ago for this request: reused, when it did.
    walked = req._finfo
    status = walked._st if walked is not None and walked._fname == page_file else None
    module = page_cache.load(req, page_file, route.autoreload, debug, status)
    if module is None:
        # No such page: the name is an object of the directory's index module.
        object_path = f"{route.module_name}/{object_path}" if object_path else route.module_name
        page_file = route.index_file
        module = page_cache.load(req, page_file, route.autoreload, debug)
        if module is None:
            raise SERVER_RETURN(HTTP_NOT_FOUND)
    if req.filename != page_file:
        req.filename = page_file
    object_path = (object_path or "index").replace("/", ".")

    obj = known_plain_function(module, object_path)
    if obj is None:
        realm, user, passwd = process_auth(req, module)
        obj = resolve_object(req, module, object_path, realm, user, passwd)
        remember_plain_function(module, object_path, obj)
    published = publish_object(req, obj, form_for)

    if not published and req._bytes_queued == 0 and req.next is None and debug:
        req.log_error("mod_python.publisher: nothing to publish.")
    return OK
