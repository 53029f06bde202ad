"""mod_python's field classes: ``Field`` (uploads), ``StringField`` (text), ``FieldList``.

On Python 3 mod_python's ``StringField`` is a ``bytes`` subclass whose ``.value`` is the
object it was built from (``str`` for query-string fields, ``bytes`` for body fields).
``TextField`` is its ``str`` counterpart for the ``str_fields`` mode; ``isinstance(x,
StringField)`` holds for both, so legacy type checks keep working.
"""

from __future__ import annotations

from io import BytesIO


class Field:
    """An uploaded file (or a field built by legacy code): the data lives in ``file``."""

    file = None
    filename = None

    def __init__(self, name, *args, **kwargs) -> None:
        self.name = name
        # Third-party code (Trac, for one) builds fields with the pre-3.3 signature.
        if args or kwargs:
            self._legacy_init(*args, **kwargs)

    def _legacy_init(self, file, ctype, type_options, disp, disp_options, headers=None) -> None:
        self.file = file
        self.type = ctype
        self.type_options = type_options
        self.disposition = disp
        self.disposition_options = disp_options
        self.filename = disp_options.get("filename") if "filename" in disp_options else None
        self.headers = {} if headers is None else headers

    def __getattr__(self, name: str):
        # ``value`` is read from the file on every access, as mod_python does.
        if name != "value":
            raise AttributeError(name)
        file = self.file
        if not file:
            return None
        file.seek(0)
        value = file.read()
        if not isinstance(value, bytes):
            raise TypeError("value must be bytes, is file opened in binary mode?")
        file.seek(0)
        return value

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.value!r})"

    def __del__(self) -> None:
        file = self.__dict__.get("file")
        if file is not None:
            try:
                file.close()
            except Exception:  # noqa: BLE001 - nothing sensible to do while collecting
                pass


class _FieldAttributes:
    """Class defaults mod_python gives a text field (its own spellings kept)."""

    name = None
    filename = None
    headers: dict = {}
    ctype = "text/plain"
    type_options: dict = {}
    disposition = None
    disp_options = None


class _CountsTextFields(type):
    """``isinstance(x, StringField)`` also holds for a ``TextField`` (the str mode's fields).

    A metaclass with just this check: ``abc.ABCMeta.register`` would do the same but makes
    creating every field twice as slow.
    """

    def __instancecheck__(cls, obj) -> bool:
        return type.__instancecheck__(cls, obj) or (
            cls is StringField and type.__instancecheck__(TextField, obj)
        )

    def __subclasscheck__(cls, subclass) -> bool:
        return type.__subclasscheck__(cls, subclass) or (
            cls is StringField and type.__subclasscheck__(TextField, subclass)
        )


class StringField(_FieldAttributes, bytes, metaclass=_CountsTextFields):
    """A text field as bytes (the UTF-8 of its value); ``.value`` is what it was built from."""

    def __new__(cls, value):
        if isinstance(value, str):
            field = bytes.__new__(cls, value, "utf-8")
        else:
            field = bytes.__new__(cls, value)
        field.value = value
        return field

    def __getattr__(self, name: str):
        if name != "file":
            raise AttributeError(name)
        self.file = BytesIO(bytes(self))
        return self.file

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.value!r})"


class TextField(_FieldAttributes, str):
    """A text field as ``str`` (the ``str_fields`` mode); ``.file`` holds its bytes."""

    charset = "utf-8"

    def __init__(self, value) -> None:
        self.value = str(self)

    def __getattr__(self, name: str):
        if name != "file":
            raise AttributeError(name)
        self.file = BytesIO(self.encode(self.charset, "replace"))
        return self.file

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.value!r})"


_new_bytes = bytes.__new__


def string_field(name, value) -> StringField:
    """``StringField(value)`` named ``name``, made without a Python-level constructor call
    (forms are parsed on every request; this is the hot path)."""
    if value.__class__ is str:
        field = _new_bytes(StringField, value, "utf-8")
    else:
        field = _new_bytes(StringField, value)
    field.value = value
    field.name = name
    return field


def _invalidating(method_name: str):
    method = getattr(list, method_name)

    def mutate(self, *args):
        self._index = None
        return method(self, *args)

    mutate.__name__ = method_name
    return mutate


class FieldList(list):
    """The fields in arrival order, with a name -> fields index built on demand."""

    _index: dict | None = None  # name -> fields, rebuilt on demand after any change

    def table(self) -> dict:
        """Name -> list of fields with that name, in order (rebuilt after any change)."""
        index = self._index
        if index is None:
            index = {}
            for field in self:
                found = index.get(field.name)
                if found is None:
                    index[field.name] = [field]
                else:
                    found.append(field)
            self._index = index
        return index

    for _name in (
        "__delitem__", "__setitem__", "__iadd__", "__imul__", "append", "extend", "insert",
        "pop", "remove", "clear", "sort", "reverse",
    ):  # fmt: skip
        locals()[_name] = _invalidating(_name)
    del _name
