"""``PythonHandler mod_python.publisher``: from ``req.filename`` to a published object.

SPEC 7.1. ``/dir/page.py/obj/attr`` loads ``/dir/page.py`` and publishes ``obj.attr``;
``/dir/page/obj`` (any stripped extension, or none) does the same; a name with no such file
falls back to ``/dir/index.py`` with the name as the first object (``/dir/foo`` ->
``index.foo``); an empty object path means ``index``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from typing import Any

from ..constants import HTTP_METHOD_NOT_ALLOWED, HTTP_NOT_FOUND, OK
from ..exceptions import SERVER_RETURN
from .auth import process_auth
from .pages import page_cache
from .rendering import publish_object
from .traversal import resolve_object

PUBLISHED_METHODS = ("GET", "POST", "HEAD")


@functools.lru_cache(maxsize=256)
def _suffix_pattern(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    # mod_python joins the suffixes into a regex unescaped; escaped here so an extension
    # holding "." or "+" matches only itself.
    return re.compile("|".join(rf"\.{re.escape(suffix)}$" for suffix in suffixes))


def module_file_and_object_path(req) -> tuple[str, str]:
    """(the page file to load, the dotted object path) for this request; 404 if no file."""
    directory, module_name = os.path.split(req.filename)
    if not module_name:
        module_name = "index"  # a directory request: Apache left a trailing slash
    suffixes = ["py", *req.get_addhandler_exts().split()]
    if req.extension:
        suffixes.append(req.extension[1:])
    module_name = _suffix_pattern(tuple(suffixes)).sub("", module_name, count=1)

    object_path = req.path_info[1:] if req.path_info else ""
    if object_path.endswith("/"):
        object_path = object_path[:-1]

    filename = f"{directory}/{module_name}.py"
    if not os.path.isfile(filename):
        object_path = f"{module_name}/{object_path}" if object_path else module_name
        filename = f"{directory}/index.py"
        if not os.path.isfile(filename):
            raise SERVER_RETURN(HTTP_NOT_FOUND)
    return os.path.normpath(filename), (object_path or "index").replace("/", ".")


def handle(req, form_for: Callable[[Any], Any]) -> int:
    """The publisher's content handler; ``form_for(req)`` builds the request's FieldStorage."""
    req.allow_methods(list(PUBLISHED_METHODS))
    if req.method not in PUBLISHED_METHODS:
        raise SERVER_RETURN(HTTP_METHOD_NOT_ALLOWED)

    filename, object_path = module_file_and_object_path(req)
    req.filename = filename
    config = req.get_config()
    debug = config.get("PythonDebug", "0") not in ("0", "")
    autoreload = config.get("PythonAutoReload", "1") != "0"
    module = page_cache.load(req, filename, autoreload, debug)

    realm, user, passwd = process_auth(req, module)
    obj = resolve_object(req, module, object_path, realm, user, passwd)
    published = publish_object(req, obj, form_for)

    if not published and req._bytes_queued == 0 and req.next is None and debug:
        req.log_error("mod_python.publisher: nothing to publish.")
    return OK
