"""Which objects the publisher may walk through and which it may publish (SPEC 7.2).

mod_python keys a table on ``type(obj)``: every type the ``types`` module names may be
published but not traversed; modules, built-in functions and classes may be neither;
everything else (user instances, dicts, strings ...) may be both. We keep that table and
close two holes the exact-type lookup leaves open: a class with a metaclass of its own and a
module subclass are treated as class and module, and a Python function or method whose code
lives in the standard library, an installed package or mod_python itself is never published
(``from shutil import rmtree`` in a page must not make ``/page/rmtree?path=/`` work).
"""

from __future__ import annotations

import types
from typing import Any

from ..importer import _is_shared_name, _is_user_file
from .identity_cache import IdentityCache

TRAVERSABLE_AND_PUBLISHABLE = (True, True)
PUBLISH_ONLY = (False, True)
NEITHER = (False, False)

# type -> (traversable, publishable), as mod_python builds it from the types module.
tp_rules: dict[type, tuple[bool, bool]] = {
    kind: PUBLISH_ONLY for kind in vars(types).values() if isinstance(kind, type)
}
tp_rules.update(
    {
        types.ModuleType: NEITHER,
        types.BuiltinFunctionType: NEITHER,  # also BuiltinMethodType: the same type
        type: NEITHER,
        types.GeneratorType: PUBLISH_ONLY,
    }
)

default_tp_rule = TRAVERSABLE_AND_PUBLISHABLE


def rule_for(obj: Any) -> tuple[bool, bool]:
    """(traversable, publishable) for ``obj``."""
    kind = type(obj)
    rule = tp_rules.get(kind)
    if rule is not None:
        return rule
    if isinstance(obj, (type, types.ModuleType)):
        return NEITHER  # a class with its own metaclass, a module subclass
    return default_tp_rule


def is_traversable(obj: Any) -> bool:
    return rule_for(obj)[0]


def is_publishable(obj: Any) -> bool:
    if type(obj) is types.FunctionType:  # the usual published object, without the probing
        rule = tp_rules.get(types.FunctionType, default_tp_rule)
        return rule[1] and not _library_functions.get(obj, _defined_in_library)
    return rule_for(obj)[1] and not is_library_code(obj)


_library_functions = IdentityCache()  # function -> defined outside the application


def is_library_code(obj: Any) -> bool:
    """True for a Python function or bound method defined outside the application."""
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    if not isinstance(obj, types.FunctionType):
        return False
    return _library_functions.get(obj, _defined_in_library)


def _defined_in_library(function: types.FunctionType) -> bool:
    if _is_shared_name(getattr(function, "__module__", None) or ""):
        return True
    filename = function.__code__.co_filename
    if filename.startswith("<frozen"):
        return True  # os, posixpath ... are frozen into the interpreter
    if filename.startswith("<"):
        return False  # text a page exec'd itself
    return not _is_user_file(filename)
