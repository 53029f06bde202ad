"""``__auth__``, ``__access__`` and ``__auth_realm__`` defined inside a function's body.

mod_python lets a published function protect itself with definitions nested in its body::

    def index(req):
        def __auth__(req, user, password):
            return user == "spam"
        __access__ = ["spam"]
        ...

The body never runs before the check, so the values are read from the compiled code. The
original picks them from the constants table by a position formula that depends on the
Python version; we follow the bytecode instead: a tiny stack evaluator over the
instructions that build constants, tuples, lists, sets, dicts and functions, recording what
is stored into the wanted names. Anything it cannot evaluate (a call, a global, a closure)
is reported as :data:`UNKNOWN`, so the caller can fail closed.
"""

from __future__ import annotations

import dis
import types
from typing import Any

from .identity_cache import IdentityCache

NESTED_NAMES = ("__auth__", "__access__", "__auth_realm__")


class _Unknown:
    """A value the evaluator could not compute."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class _NestedFunction:
    """A ``def``/``lambda`` in the body: its code and the defaults it was built with."""

    __slots__ = ("code", "defaults", "kwdefaults")

    def __init__(self, code: types.CodeType):
        self.code = code
        self.defaults: tuple | None = None
        self.kwdefaults: dict | None = None

    def bind(self, function_globals: dict) -> types.FunctionType:
        function = types.FunctionType(self.code, function_globals, self.code.co_name, self.defaults)
        if self.kwdefaults:
            function.__kwdefaults__ = self.kwdefaults
        return function


_STORES = frozenset({"STORE_FAST", "STORE_NAME", "STORE_GLOBAL", "STORE_DEREF"})
_CONSTANTS = frozenset({"LOAD_CONST", "LOAD_SMALL_INT"})
_BUILDERS = {"BUILD_TUPLE": tuple, "BUILD_LIST": list, "BUILD_SET": set}
_MAKE_FUNCTION_FLAGS = (
    (0x08, "closure"),
    (0x04, "annotations"),
    (0x02, "kwdefaults"),
    (0x01, "defaults"),
)  # fmt: skip  - stack order, top first


def _apply_function_attribute(function: Any, flag: str, value: Any) -> Any:
    if function is UNKNOWN or flag == "closure" or value is UNKNOWN:
        return UNKNOWN  # a closure's cells only exist while the outer function runs
    if flag == "defaults":
        function.defaults = value
    elif flag == "kwdefaults":
        function.kwdefaults = value
    return function


def _build(kind: type, items: list) -> Any:
    """``kind(items)``, or UNKNOWN when an item is unknown or cannot go in (unhashable)."""
    if any(item is UNKNOWN or (type(item) is tuple and UNKNOWN in item) for item in items):
        return UNKNOWN
    try:
        return kind(items)
    except TypeError:
        return UNKNOWN


def _definitions(code: types.CodeType) -> dict[str, Any]:
    """The first value stored into each of :data:`NESTED_NAMES` in ``code``."""
    found: dict[str, Any] = {}
    stack: list[Any] = []

    def pop() -> Any:
        return stack.pop() if stack else UNKNOWN

    def pop_many(count: int) -> list[Any]:
        values = [pop() for _ in range(count)]
        values.reverse()
        return values

    for instruction in dis.get_instructions(code):
        op = instruction.opname
        if op in _CONSTANTS:
            value = instruction.argval
            stack.append(_NestedFunction(value) if isinstance(value, types.CodeType) else value)
        elif op in _BUILDERS:
            items = pop_many(instruction.arg)
            stack.append(_build(_BUILDERS[op], items))
        elif op == "BUILD_MAP":
            items = pop_many(2 * instruction.arg)
            stack.append(_build(dict, list(zip(items[::2], items[1::2], strict=True))))
        elif op == "BUILD_CONST_KEY_MAP":
            keys = pop()
            values = pop_many(instruction.arg)
            if keys is UNKNOWN:
                stack.append(UNKNOWN)
            else:
                stack.append(_build(dict, list(zip(keys, values, strict=True))))
        elif op in ("LIST_EXTEND", "SET_UPDATE", "DICT_UPDATE") and instruction.arg == 1:
            addition = pop()
            target = pop()
            if UNKNOWN in (addition, target):
                stack.append(UNKNOWN)
            else:
                (target.update if isinstance(target, (set, dict)) else target.extend)(addition)
                stack.append(target)
        elif op == "LIST_TO_TUPLE":
            value = pop()
            stack.append(UNKNOWN if value is UNKNOWN else tuple(value))
        elif op == "MAKE_FUNCTION":
            function = pop()
            if not isinstance(function, _NestedFunction):
                function = UNKNOWN
            for bit, flag in _MAKE_FUNCTION_FLAGS:
                if (instruction.arg or 0) & bit:  # before 3.13 the flags are the argument
                    function = _apply_function_attribute(function, flag, pop())
            stack.append(function)
        elif op == "SET_FUNCTION_ATTRIBUTE":  # 3.13+: one attribute at a time
            function = pop()
            value = pop()
            flag = dict((bit, name) for bit, name in _MAKE_FUNCTION_FLAGS).get(instruction.arg)
            stack.append(_apply_function_attribute(function, flag or "closure", value))
        elif op in _STORES:
            value = pop()
            name = instruction.argval
            if name in NESTED_NAMES and name not in found:
                found[name] = value
        elif op in ("NOP", "RESUME", "EXTENDED_ARG", "CACHE", "NOT_TAKEN"):
            continue
        else:
            stack.clear()  # anything else: what is on the stack is no longer known
    return found


_recipes = IdentityCache()  # code object -> what its body stores into the nested names


def has_nested_definitions(function: types.FunctionType) -> bool:
    """Whether ``function``'s body stores into any of :data:`NESTED_NAMES` (remembered per code)."""
    return bool(_recipes.get(function.__code__, _definitions))


def nested_definitions(function: types.FunctionType) -> dict[str, Any]:
    """Name -> value of the nested auth definitions of ``function`` (UNKNOWN if not static).

    Nested functions come back bound to ``function``'s globals, as mod_python builds them.
    """
    recipe = _recipes.get(function.__code__, _definitions)
    if not recipe:
        return recipe
    return {
        name: value.bind(function.__globals__) if isinstance(value, _NestedFunction) else value
        for name, value in recipe.items()
    }
