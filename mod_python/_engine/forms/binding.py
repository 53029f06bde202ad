"""``util.apply_fs_data``: call an object with a form's fields as keyword arguments."""

from __future__ import annotations

import types

_VAR_KEYWORDS = 0x08  # CO_VARKEYWORDS: the code takes **kwargs


def _accepted(target):
    """``(target, code, names)``: what to call, its code object (or None) and parameters.

    Functions take their own parameters; methods, classes with a Python ``__init__`` and
    instances with a Python ``__call__`` method drop the first (``self``). An instance
    whose ``__call__`` is some other callable is resolved through it; anything else
    (builtins, C types) gets no form arguments at all.
    """
    for _ in range(100):  # an object chain __call__ -> __call__ ... is finite in practice
        function = getattr(target, "__func__", None)
        if function is not None and isinstance(getattr(function, "__code__", None), types.CodeType):
            code = function.__code__
            return target, code, code.co_varnames[1 : code.co_argcount]
        code = getattr(target, "__code__", None)
        if isinstance(code, types.CodeType):
            return target, code, code.co_varnames[: code.co_argcount]
        if isinstance(target, type):
            init = getattr(target.__init__, "__code__", None)
            if isinstance(init, types.CodeType):
                return target, init, init.co_varnames[1 : init.co_argcount]
        try:
            bound = target.__call__  # an instance attribute counts, as in mod_python
        except AttributeError:
            break
        if isinstance(bound, types.MethodType):
            code = bound.__func__.__code__
            return target, code, code.co_varnames[1 : code.co_argcount]
        if type(bound).__name__ in (
            "method-wrapper",
            "builtin_function_or_method",
        ):
            break
        target = bound
    return target, None, ()


def _argument_name(name) -> str | None:
    """Form names as keyword names: bytes names (urlencoded bodies) are decoded.

    mod_python left them bytes on Python 3, so every POSTed field was silently dropped.
    """
    if isinstance(name, bytes):
        return name.decode("utf-8", "replace")
    return name if isinstance(name, str) else None


def apply_fs_data(object, fs, **args):  # noqa: A002 - mod_python's parameter name
    """``object(**fields)``, keeping only the fields its signature accepts.

    Several fields of one name arrive as a list; an upload arrives as its ``Field``.
    Names the caller passes in ``args`` (the publisher passes ``req``) are never
    overridden by a form field of the same name.
    """
    kind = type(object)
    if kind is types.FunctionType:  # the usual targets, without _accepted's probing
        target, code = object, object.__code__
        expected = code.co_varnames[: code.co_argcount]
    elif kind is types.MethodType and type(object.__func__) is types.FunctionType:
        target, code = object, object.__func__.__code__
        expected = code.co_varnames[1 : code.co_argcount]
    else:
        target, code, expected = _accepted(object)
    if fs.list:
        _add_fields(args, fs.list)
    if code is None:
        return target()
    if not code.co_flags & _VAR_KEYWORDS:
        for name in args:
            if name not in expected:  # rebuilt only when something must be dropped
                args = {name: value for name, value in args.items() if name in expected}
                break
    return target(**args)


def _add_fields(args: dict, fields) -> None:
    """Each field's value under its name (a list for a repeated name); ``args`` names win."""
    collected: dict[str, list] = {}
    for field in fields:
        name = _argument_name(field.name)
        if name is None or name in args:
            continue
        value = field if field.filename else field.value
        collected.setdefault(name, []).append(value)
    for name, values in collected.items():
        args[name] = values[0] if len(values) == 1 else values
