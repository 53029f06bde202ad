"""``mp_table``: Apache's APR table as a Python object (SPEC 3.4).

An ordered list of ``(key, value)`` entries where keys compare case-insensitively
(ASCII only, like ``strcasecmp``) and a key may occur several times. Request and
response headers, notes, ``subprocess_env`` and the config/option tables are all
tables, so lookups and construction are on the per-request hot path.

Storage: ``_entries`` is the list of ``[key, value]`` entries in insertion order;
``_index`` maps the folded key to the same entry objects, in insertion order, so a
lookup is one dict access and ``t[k] = v`` on an existing key is an in-place update.

An entry's value may be None: APR allows a NULL value (httpd's ``add_common_vars`` stores
SCRIPT_FILENAME so before the file is known). ``t[k]`` and listings show it as None, while
``get``, ``in`` and ``has_key`` (``apr_table_get``) treat the key as absent. Only the engine
makes such entries, through ``_set_pairs``.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

NOT_LATIN1 = "not an ISO-8859-1 string"

# apr uses strcasecmp: only ASCII letters fold, so "É" and "é" stay different keys.
_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _fold(key: str) -> str:
    return key.lower() if key.isascii() else key.translate(_ASCII_FOLD)


def _table_str(value: object) -> str:
    """A key or value going into the table: str (Latin-1 encodable) or bytes (as Latin-1)."""
    if type(value) is str:
        if not value.isascii():
            try:
                value.encode("latin-1")
            except UnicodeEncodeError:
                raise TypeError(NOT_LATIN1) from None
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return _table_str(str.__str__(value))
    raise TypeError(NOT_LATIN1)


def _lookup_key(key: object) -> str:
    """The folded form of a key used for lookup (no Latin-1 check: a miss is a miss)."""
    if type(key) is str:
        return key.lower() if key.isascii() else key.translate(_ASCII_FOLD)
    if isinstance(key, bytes):
        return _fold(key.decode("latin-1"))
    if isinstance(key, str):
        return _fold(str.__str__(key))
    raise TypeError(NOT_LATIN1)


class table:  # noqa: N801 - the name legacy code uses (apache.table)
    """Case-insensitive, ordered, multi-valued string table (``apache.table``)."""

    __slots__ = ("_entries", "_index", "__weakref__")

    _entries: list[list[str]]
    _index: dict[str, list[list[str]]]

    def __new__(cls, *args: Any, **kwargs: Any) -> table:
        # Storage is made here, not in __init__, so a subclass whose __init__ does not
        # call the base one still gets a working (empty) table, as with the C type.
        self = object.__new__(cls)
        self._entries = []
        self._index = {}
        return self

    def __init__(self, arg: Mapping[Any, Any] | Iterable[Any] | None = None) -> None:
        if arg is None:
            return
        if hasattr(arg, "keys"):
            self.update(arg)  # type: ignore[arg-type]
        else:
            self._merge_pairs(arg)

    @classmethod
    def _from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> table:
        """Build a table from ``(key, value)`` pairs that are already valid ``str``.

        No conversion and no validation: for the engine, which builds ``headers_in``
        from the WSGI environ on every request.
        """
        self = object.__new__(cls)
        entries: list[list[str]] = []
        index: dict[str, list[list[str]]] = {}
        for key, value in pairs:
            entry = [key, value]
            entries.append(entry)
            folded = key.lower() if key.isascii() else key.translate(_ASCII_FOLD)
            bucket = index.get(folded)
            if bucket is None:
                index[folded] = [entry]
            else:
                bucket.append(entry)
        self._entries = entries
        self._index = index
        return self

    def _set_pairs(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        """``self[key] = value`` for each pair, in order; plain-ASCII ``str`` pairs (what the
        engine sets by the dozen in ``add_common_vars``) skip the conversion. A None value
        makes a value-less entry (APR's NULL)."""
        entries, index = self._entries, self._index
        for key, value in pairs:
            if not (type(key) is str and type(value) is str and key.isascii() and value.isascii()):
                if value is None:
                    self[key] = ""
                    index[_fold(_table_str(key))][0][1] = None  # type: ignore[call-overload]
                else:
                    self[key] = value  # converted and checked
                continue
            folded = key.lower()
            bucket = index.get(folded)
            if bucket is None:
                entry = [key, value]
                entries.append(entry)
                index[folded] = [entry]
                continue
            bucket[0][1] = value
            if len(bucket) > 1:
                self._remove_entries(bucket[1:])
                del bucket[1:]

    def _header_items(self) -> list[tuple[str, str]]:
        """All entries as ``(key, value)`` tuples in insertion order (response headers)."""
        return list(map(tuple, self._entries))  # type: ignore[arg-type]

    def _merge_pairs(self, pairs: Iterable[Any]) -> None:
        for position, item in enumerate(pairs):
            if isinstance(item, (list, tuple)):
                pair = item
            else:
                try:
                    pair = list(item)
                except TypeError:
                    raise TypeError(
                        f"cannot convert table update sequence element #{position} to a sequence"
                    ) from None
            if len(pair) != 2:
                raise ValueError(
                    f"table update sequence element #{position} has length {len(pair)}; "
                    "2 is required"
                )
            self[str(pair[0])] = str(pair[1])

    # -- mapping protocol -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, key: str | bytes) -> str | list[str]:
        bucket = self._index.get(_lookup_key(key))
        if bucket is None:
            raise KeyError(key)
        if len(bucket) == 1:
            return bucket[0][1]
        return [entry[1] for entry in bucket]

    def __setitem__(self, key: str | bytes, value: str | bytes) -> None:
        """``apr_table_set``: one entry remains, keeping the first entry's key spelling."""
        key = _table_str(key)
        value = _table_str(value)
        folded = _fold(key)
        bucket = self._index.get(folded)
        if bucket is None:
            entry = [key, value]
            self._entries.append(entry)
            self._index[folded] = [entry]
            return
        bucket[0][1] = value
        if len(bucket) > 1:
            self._remove_entries(bucket[1:])
            del bucket[1:]

    def __delitem__(self, key: str | bytes) -> None:
        """Remove every entry for ``key``; absent keys are not an error (``apr_table_unset``)."""
        bucket = self._index.pop(_fold(_table_str(key)), None)
        if bucket is not None:
            self._remove_entries(bucket)

    def _remove_entries(self, doomed: list[list[str]]) -> None:
        if len(doomed) == 1:
            # list.remove() matches by identity first; an equal entry earlier in the list
            # would have the same key, hence be in the same bucket before this one.
            self._entries.remove(doomed[0])
            return
        doomed_ids = {id(entry) for entry in doomed}
        self._entries[:] = [entry for entry in self._entries if id(entry) not in doomed_ids]

    def __contains__(self, key: object) -> bool:
        # apr_table_get: a key whose first entry has no value is not there.
        bucket = self._index.get(_lookup_key(key))
        return bucket is not None and bucket[0][1] is not None

    def has_key(self, key: str | bytes) -> int:
        """1 if ``key`` is present, else 0 (an int, as mod_python returns)."""
        return 1 if self.__contains__(key) else 0

    def get(self, key: str | bytes, default: Any = None) -> Any:
        """The *first* value for ``key`` (never a list), or ``default``."""
        bucket = self._index.get(_lookup_key(key))
        if bucket is None:
            return default
        value = bucket[0][1]
        return default if value is None else value

    def setdefault(self, key: str | bytes, default: str | bytes | None = None) -> str:
        """First value of ``key``; if absent, store ``default`` (``""`` when omitted) and return it."""
        key = _table_str(key)
        bucket = self._index.get(_fold(key))
        if bucket is not None and bucket[0][1] is not None:
            return bucket[0][1]
        value = "" if default is None else _table_str(default)
        self[key] = value
        return value

    def add(self, key: str | bytes, value: str | bytes) -> None:
        """Append an entry, keeping existing ones for the same key (``apr_table_add``)."""
        key = _table_str(key)
        entry = [key, _table_str(value)]
        self._entries.append(entry)
        folded = _fold(key)
        bucket = self._index.get(folded)
        if bucket is None:
            self._index[folded] = [entry]
        else:
            bucket.append(entry)

    def keys(self) -> list[str]:
        return [entry[0] for entry in self._entries]

    def values(self) -> list[str]:
        return [entry[1] for entry in self._entries]

    def items(self) -> list[tuple[str, str]]:
        return list(map(tuple, self._entries))  # type: ignore[arg-type]

    def update(self, mapping: Mapping[Any, Any]) -> None:
        """Set ``str(key) = str(value)`` for every key of ``mapping`` (replacing entries)."""
        keys = mapping.keys()  # None and non-mappings raise AttributeError, as in C
        for key in keys:
            self[str(key)] = str(mapping[key])

    def copy(self) -> table:
        """An independent plain ``table`` with the same entries."""
        return table._from_pairs([(key, value) for key, value in self._entries])

    __copy__ = copy

    def clear(self) -> None:
        self._entries.clear()
        self._index.clear()

    def popitem(self) -> tuple[str, str]:
        """Remove and return the first entry.

        mod_python returns the first entry but removes the last one (SPEC 13); we
        remove the entry we return.
        """
        if not self._entries:
            raise KeyError("popitem(): table is empty")
        key, value = entry = self._entries.pop(0)
        folded = _fold(key)
        bucket = self._index[folded]
        del bucket[0]  # the earliest entry of its key is the head of its bucket
        if not bucket:
            del self._index[folded]
        return entry[0], value

    # -- iteration --------------------------------------------------------------------

    def _iterate(self, pick: Callable[[list[str]], Any]) -> Iterator[Any]:
        size = len(self._entries)
        position = 0
        while True:
            entries = self._entries
            if len(entries) != size:
                raise RuntimeError("table changed size during iteration")
            if position >= size:
                return
            yield pick(entries[position])
            position += 1

    def __iter__(self) -> Iterator[str]:
        return self._iterate(_pick_key)

    def iterkeys(self) -> Iterator[str]:
        return self._iterate(_pick_key)

    def itervalues(self) -> Iterator[str]:
        return self._iterate(_pick_value)

    def iteritems(self) -> Iterator[tuple[str, str]]:
        return self._iterate(_pick_item)

    # -- comparison, hashing, repr ----------------------------------------------------

    def _as_dict(self) -> dict[str, str | list[str]]:
        """What ``PyDict_Merge(dict, table)`` gives: each key once, duplicates as a list."""
        result: dict[str, str | list[str]] = {}
        for key, _value in self._entries:
            if key not in result:
                result[key] = self[key]
        return result

    def _comparable(self, other: object) -> dict[Any, Any] | None:
        if isinstance(other, table):
            return other._as_dict()
        if isinstance(other, dict):
            return other
        return None

    def __eq__(self, other: object) -> bool:
        other_dict = self._comparable(other)
        if other_dict is None:
            return NotImplemented
        return self._as_dict() == other_dict

    def __ne__(self, other: object) -> bool:
        other_dict = self._comparable(other)
        if other_dict is None:
            return NotImplemented
        return self._as_dict() != other_dict

    def __hash__(self) -> int:  # type: ignore[override]
        raise TypeError("mp_table objects are unhashable")

    def __repr__(self) -> str:
        # mod_python walks the APR array from the end: newest entry first.
        return (
            "{" + ", ".join(f"{key!r}: {value!r}" for key, value in reversed(self._entries)) + "}"
        )


def _pick_key(entry: list[str]) -> str:
    return entry[0]


def _pick_value(entry: list[str]) -> str:
    return entry[1]


def _pick_item(entry: list[str]) -> tuple[str, str]:
    return entry[0], entry[1]


make_table = table
