"""Calling a published object with the form fields as keyword arguments (SPEC 6.1
``apply_fs_data``, as the publisher uses it).

The parameters a callable accepts come from its code object; fields with other names are
dropped unless it takes ``**kwargs``. A repeated field arrives as a list. Differences from
mod_python's Python 3 port, all in the direction of what it meant:

* POSTed fields have bytes names under the default FieldStorage contract; mod_python then
  matches no parameter. Names are decoded here (UTF-8, undecodable bytes kept as
  surrogate escapes), so POST works with and without ``mod_python.util.str_fields``. Values
  are passed exactly as FieldStorage holds them.
* Keyword-only parameters are accepted too; positional-only ones are never filled.
* A field called ``req`` cannot replace the request object (mod_python fails with a 500).
"""

from __future__ import annotations

import types
from typing import Any


def _field_name(name: Any) -> str:
    if isinstance(name, bytes):
        return name.decode("utf-8", "surrogateescape")
    return name


def _accepted(code: types.CodeType, skip_first: bool) -> tuple[frozenset[str] | None, bool]:
    """(names a caller may pass by keyword, takes ``**kwargs``) for ``code``."""
    first = code.co_posonlyargcount
    if skip_first and first == 0:
        first = 1  # ``self``
    last = code.co_argcount + code.co_kwonlyargcount
    names = frozenset(code.co_varnames[first:last])
    return names, bool(code.co_flags & 0x08)


def _call_target(obj: Any) -> tuple[Any, types.CodeType | None, bool]:
    """(what to call, the code that receives the keywords, whether to skip ``self``)."""
    while True:
        if isinstance(obj, types.FunctionType):
            return obj, obj.__code__, False
        if isinstance(obj, types.MethodType):
            function = obj.__func__
            code = getattr(function, "__code__", None)
            return obj, code, True
        if isinstance(obj, type):
            init = getattr(obj.__init__, "__code__", None)
            return obj, init, True
        call = getattr(obj, "__call__", None)  # noqa: B004 - instance attributes count
        if call is None or isinstance(obj, types.BuiltinFunctionType):
            return obj, None, False
        if isinstance(call, types.MethodType):
            code = getattr(call.__func__, "__code__", None)
            return obj, code, True
        if isinstance(call, (types.MethodWrapperType, types.BuiltinMethodType)):
            return obj, None, False
        # "Abuse of objects to create hierarchy": a function stored as ``obj.__call__``.
        obj = call


def form_arguments(form: Any) -> dict[str, Any]:
    """Field name -> value, or list of values for a repeated name; uploads stay Fields."""
    collected: dict[str, list[Any]] = {}
    for field in form.list if form is not None else ():
        value = field if getattr(field, "filename", None) else field.value
        collected.setdefault(_field_name(field.name), []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in collected.items()}


def call_with_form(obj: Any, form: Any, req: Any) -> Any:
    """Call ``obj`` with the fields of ``form`` it accepts, and ``req`` if it takes it."""
    target, code, skip_first = _call_target(obj)
    if code is None:
        return target()  # built-ins and C callables: no way to know their parameters
    arguments = form_arguments(form)
    arguments["req"] = req
    names, takes_any = _accepted(code, skip_first)
    if not takes_any:
        arguments = {name: value for name, value in arguments.items() if name in names}
    return target(**arguments)
