"""``mp_table`` (SPEC 3.4), including mod_python's dict-compatibility battery (test_apache_table)."""

from __future__ import annotations

import pytest

from mod_python._engine.table import make_table, table

# -- construction -----------------------------------------------------------------------


def test_empty_table_has_no_keys():
    assert table().keys() == []
    assert len(table()) == 0


def test_constructor_from_mapping_converts_keys_and_values_with_str():
    assert table({1: 1}).items() == [("1", "1")]


def test_constructor_from_user_mapping_uses_keys_and_getitem():
    class SimpleUserDict:
        def __init__(self):
            self.d = {1: 1, 2: 2, 3: 3}

        def keys(self):
            return self.d.keys()

        def __getitem__(self, i):
            return self.d[i]

    assert table(SimpleUserDict()) == table({"1": "1", "2": "2", "3": "3"})


def test_constructor_from_pairs_keeps_order():
    assert table([("b", "1"), ["a", 2]]).items() == [("b", "1"), ("a", "2")]


def test_constructor_pairs_with_same_key_keep_the_last_value():
    assert table([("a", "1"), ("A", "2")]).items() == [("a", "2")]


def test_constructor_rejects_element_that_is_not_a_sequence():
    with pytest.raises(
        TypeError, match=r"^cannot convert table update sequence element #1 to a sequence$"
    ):
        table([("a", "b"), 5])


@pytest.mark.parametrize("element, length", [(("a",), 1), (("a", "b", "c"), 3), ("abc", 3)])
def test_constructor_rejects_element_of_wrong_length(element, length):
    with pytest.raises(
        ValueError, match=rf"^table update sequence element #0 has length {length}; 2 is required$"
    ):
        table([element])


def test_constructor_accepts_any_two_item_iterable_as_pair():
    assert table(["ab"]).items() == [("a", "b")]


def test_make_table_is_table():
    assert make_table is table


def test_copy_of_empty_table_equals_empty_table():
    assert table().copy() == table()


# -- lookup -------------------------------------------------------------------------------


def test_lookup_is_case_insensitive():
    t = table({"Content-Type": "text/html"})
    assert t["content-type"] == "text/html"
    assert t["CONTENT-TYPE"] == "text/html"


def test_missing_key_raises_key_error_with_the_key():
    with pytest.raises(KeyError) as caught:
        table()["X-Missing"]
    assert caught.value.args == ("X-Missing",)


def test_single_entry_gives_a_string():
    assert table({"a": "b"})["a"] == "b"


def test_several_entries_give_a_list_in_insertion_order():
    t = table({"a": "b"})
    t.add("A", "c")
    assert t["a"] == ["b", "c"]


def test_case_folding_is_ascii_only_like_strcasecmp():
    t = table()
    t["É"] = "upper"
    t["é"] = "lower"
    assert t["É"] == "upper"
    assert t["é"] == "lower"


def test_bytes_key_is_looked_up_as_latin_1():
    t = table({"caf\xe9": "x"})
    assert t[b"CAF\xe9"] == "x"


@pytest.mark.parametrize("present, expected", [(True, 1), (False, 0)])
def test_has_key_returns_int(present, expected):
    t = table({"a": "1"} if present else {})
    result = t.has_key("A")
    assert result == expected and type(result) is int


@pytest.mark.parametrize("key, expected", [("a", True), ("A", True), ("b", False)])
def test_in_operator_is_case_insensitive(key, expected):
    assert (key in table({"a": "1"})) is expected


def test_get_returns_first_value_only():
    t = table()
    t.add("a", "1")
    t.add("a", "2")
    assert t.get("A") == "1"


@pytest.mark.parametrize(
    "contents, args, expected",
    [
        ({}, ("c",), None),
        ({}, ("c", "3"), "3"),
        ({"a": "1", "b": "2"}, ("c",), None),
        ({"a": "1", "b": "2"}, ("c", "3"), "3"),
        ({"a": "1", "b": "2"}, ("a",), "1"),
        ({"a": "1", "b": "2"}, ("a", "3"), "1"),
    ],
)
def test_get_with_and_without_default(contents, args, expected):
    assert table(contents).get(*args) == expected


# -- setting --------------------------------------------------------------------------------


def test_set_replaces_all_entries_of_the_key():
    t = table()
    t.add("a", "1")
    t.add("b", "x")
    t.add("A", "2")
    t["a"] = "3"
    assert t.items() == [("a", "3"), ("b", "x")]


def test_set_keeps_the_spelling_of_the_first_key():
    t = table({"Content-Type": "a"})
    t["content-type"] = "b"
    assert t.keys() == ["Content-Type"]


def test_add_appends_a_duplicate_entry():
    t = table({"a": "b"})
    t.add("a", "c")
    assert t.items() == [("a", "b"), ("a", "c")]
    assert len(t) == 2


def test_bytes_values_are_decoded_as_latin_1():
    t = table()
    t["k"] = b"caf\xe9"
    assert t["k"] == "caf\xe9"


@pytest.mark.parametrize("value", [1, None, 1.5, ["a"], bytearray(b"a")])
def test_setting_a_non_string_value_raises_type_error(value):
    with pytest.raises(TypeError, match=r"^not an ISO-8859-1 string$"):
        table()["k"] = value


@pytest.mark.parametrize("operation", ["setitem_key", "setitem_value", "add", "setdefault"])
def test_setting_text_outside_latin_1_raises_type_error(operation):
    t = table()
    with pytest.raises(TypeError, match=r"^not an ISO-8859-1 string$"):
        if operation == "setitem_key":
            t["\u20ac"] = "v"
        elif operation == "setitem_value":
            t["k"] = "\u20ac"
        elif operation == "add":
            t.add("k", "\u20ac")
        else:
            t.setdefault("k", "\u20ac")
    assert len(t) == 0


def test_latin_1_text_is_stored_unchanged():
    t = table()
    t["k"] = "caf\xe9"
    assert t["k"] == "caf\xe9"


def test_delete_removes_every_entry_of_the_key():
    t = table()
    t.add("a", "1")
    t.add("b", "2")
    t.add("A", "3")
    del t["a"]
    assert t.items() == [("b", "2")]


def test_delete_of_missing_key_is_not_an_error():
    t = table({"a": "1"})
    del t["zzz"]
    assert t.items() == [("a", "1")]


def test_item_assignment_and_deletion_like_a_dict():
    d = table({"a": "1", "b": "2"})
    d["c"] = "3"
    d["a"] = "4"
    assert d["c"] == "3" and d["a"] == "4"
    del d["b"]
    assert d == {"a": "4", "c": "3"}


# -- setdefault -----------------------------------------------------------------------------


def test_setdefault_without_default_stores_and_returns_empty_string():
    t = table()
    assert t.setdefault("key0") == ""
    assert t.items() == [("key0", "")]


def test_setdefault_with_default_on_missing_key_stores_and_returns_it():
    t = table()
    assert t.setdefault("k", "v") == "v"
    assert t["k"] == "v"


def test_setdefault_on_present_key_returns_first_value_and_changes_nothing():
    t = table()
    t.add("k", "1")
    t.add("k", "2")
    assert t.setdefault("K", "3") == "1"
    assert t.items() == [("k", "1"), ("k", "2")]


# -- listing --------------------------------------------------------------------------------


def test_keys_values_items_include_duplicates_in_insertion_order():
    t = table()
    for key, value in [("a", "1"), ("B", "2"), ("A", "3")]:
        t.add(key, value)
    assert t.keys() == ["a", "B", "A"]
    assert t.values() == ["1", "2", "3"]
    assert t.items() == [("a", "1"), ("B", "2"), ("A", "3")]


def test_len_counts_duplicates():
    t = table()
    t.add("a", "1")
    t.add("a", "2")
    assert len(t) == 2


# -- update, copy, clear ----------------------------------------------------------------------


def test_update_overrides_existing_values():
    d = table()
    d.update({"1": "100"})
    d.update({"2": "20"})
    d.update({"1": "1", "2": "2", "3": "3"})
    assert d == table({"1": "1", "2": "2", "3": "3"})


def test_update_converts_keys_and_values_with_str():
    d = table()
    d.update({1: 2})
    assert d.items() == [("1", "2")]


def test_update_with_none_raises_attribute_error():
    with pytest.raises(AttributeError):
        table().update(None)


def test_update_propagates_error_from_keys():
    class FailingUserDict:
        def keys(self):
            raise ValueError

    with pytest.raises(ValueError):
        table().update(FailingUserDict())


def test_update_propagates_error_from_iterating_keys():
    class BogonIter:
        def __iter__(self):
            raise ValueError

    class FailingUserDict:
        def keys(self):
            return BogonIter()

    with pytest.raises(ValueError):
        table().update(FailingUserDict())


def test_update_propagates_error_from_next_of_keys_iterator():
    class BogonIter:
        def __init__(self):
            self.i = 1

        def __iter__(self):
            return self

        def __next__(self):
            if self.i:
                self.i = 0
                return "a"
            raise ValueError

    class FailingUserDict:
        def keys(self):
            return BogonIter()

        def __getitem__(self, key):
            return key

    with pytest.raises(ValueError):
        table().update(FailingUserDict())


def test_update_propagates_error_from_getitem():
    class FailingUserDict:
        def keys(self):
            return iter("abc")

        def __getitem__(self, key):
            raise ValueError

    with pytest.raises(ValueError):
        table().update(FailingUserDict())


def test_copy_is_independent():
    original = table({"a": "1"})
    duplicate = original.copy()
    duplicate["a"] = "2"
    duplicate.add("b", "3")
    assert original.items() == [("a", "1")]
    assert duplicate.items() == [("a", "2"), ("b", "3")]


def test_copy_keeps_duplicates_and_order():
    t = table()
    for key, value in [("b", "1"), ("a", "2"), ("B", "3")]:
        t.add(key, value)
    assert t.copy().items() == t.items()


def test_copy_of_subclass_is_a_plain_table():
    class mytable(table):
        pass

    assert type(mytable({"a": "b"}).copy()) is table


def test_clear_empties_the_table():
    d = table()
    d["1"] = "1"
    d["2"] = "2"
    d["3"] = "3"
    d.clear()
    assert d == table()
    assert "1" not in d


# -- popitem --------------------------------------------------------------------------------


def test_popitem_on_empty_table_raises_key_error():
    with pytest.raises(KeyError) as caught:
        table().popitem()
    assert caught.value.args == ("popitem(): table is empty",)


def test_popitem_returns_and_removes_the_first_entry():
    t = table()
    for key, value in [("a", "1"), ("b", "2"), ("A", "3")]:
        t.add(key, value)
    assert t.popitem() == ("a", "1")
    assert t.items() == [("b", "2"), ("A", "3")]
    assert t["a"] == "3"


@pytest.mark.parametrize("copy_mode", ["same_structure", "copy"])
@pytest.mark.parametrize("size", [2**log2size for log2size in range(12)])
def test_popitem_empties_table_of_any_size(copy_mode, size):
    a = table()
    b = table()
    for i in range(size):
        a[repr(i)] = str(i)
        if copy_mode == "same_structure":
            b[repr(i)] = str(i)
    if copy_mode == "copy":
        b = a.copy()
    for _ in range(size):
        ka, va = ta = a.popitem()
        assert va == ka
        kb, vb = tb = b.popitem()
        assert vb == kb
        if copy_mode == "same_structure":
            assert ta == tb
    assert not a, str(a)
    assert not b, str(b)


# -- iteration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, expected",
    [
        ("__iter__", ["a", "b", "a"]),
        ("iterkeys", ["a", "b", "a"]),
        ("itervalues", ["1", "2", "3"]),
        ("iteritems", [("a", "1"), ("b", "2"), ("a", "3")]),
    ],
)
def test_iterators_yield_every_entry_in_order(method, expected):
    t = table()
    for key, value in [("a", "1"), ("b", "2"), ("a", "3")]:
        t.add(key, value)
    assert list(getattr(t, method)()) == expected


@pytest.mark.parametrize("method", ["__iter__", "iterkeys", "itervalues", "iteritems"])
@pytest.mark.parametrize(
    "change", [lambda t: t.add("z", "9"), lambda t: t.__delitem__("a"), lambda t: t.clear()]
)
def test_iterator_raises_when_table_changes_size(method, change):
    t = table({"a": "1", "b": "2", "c": "3"})
    iterator = getattr(t, method)()
    next(iterator)
    change(t)
    with pytest.raises(RuntimeError, match=r"^table changed size during iteration$"):
        next(iterator)


def test_iteration_allows_changing_values_in_place():
    t = table({"a": "1", "b": "2"})
    for key in t:
        t[key] = t[key] + "!"
    assert t.items() == [("a", "1!"), ("b", "2!")]


# -- comparison, hashing, repr ----------------------------------------------------------------


def test_tables_with_same_entries_are_equal():
    assert table({"a": "1", "b": "2"}) == table({"b": "2", "a": "1"})


def test_table_compares_equal_to_dict():
    assert table({"a": "1"}) == {"a": "1"}
    assert table({"a": "1"}) != {"a": "2"}


def test_duplicates_compare_as_a_list():
    t = table()
    t.add("a", "1")
    t.add("a", "2")
    assert t == {"a": ["1", "2"]}


def test_key_case_matters_in_comparison_like_dict():
    assert table({"A": "1"}) != table({"a": "1"})


def test_ordering_comparison_raises_type_error_like_dict():
    with pytest.raises(TypeError):
        table() < table()  # noqa: B015


def test_table_is_unhashable():
    with pytest.raises(TypeError, match=r"^mp_table objects are unhashable$"):
        hash(table())


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([], "{}"),
        ([("a", "1")], "{'a': '1'}"),
        ([("a", "1"), ("b", "2"), ("a", "3")], "{'a': '3', 'b': '2', 'a': '1'}"),
    ],
)
def test_repr_lists_entries_newest_first(pairs, expected):
    t = table()
    for key, value in pairs:
        t.add(key, value)
    assert repr(t) == expected


def test_empty_table_is_false_and_non_empty_is_true():
    assert not table()
    assert table({"a": ""})


# -- subclassing ----------------------------------------------------------------------------


def test_subclass_can_override_str_and_keeps_table_behaviour():
    class mytable(table):
        def __str__(self):
            return "str() from mytable"

    mt = mytable({"a": "b"})
    assert str(mt) == "str() from mytable"
    assert mt["A"] == "b"


def test_subclass_init_without_super_still_has_a_working_table():
    class mytable(table):
        def __init__(self, label):
            self.label = label

    mt = mytable("x")
    mt["a"] = "b"
    assert mt.items() == [("a", "b")] and mt.label == "x"


# -- engine helpers -------------------------------------------------------------------------


def test_from_pairs_builds_a_case_insensitive_table():
    t = table._from_pairs([("Host", "example"), ("Accept", "a"), ("accept", "b")])
    assert t["host"] == "example"
    assert t["ACCEPT"] == ["a", "b"]
    assert len(t) == 3


def test_header_items_are_tuples_in_insertion_order():
    t = table()
    t.add("Set-Cookie", "a=1")
    t.add("X", "y")
    t.add("set-cookie", "b=2")
    assert t._header_items() == [("Set-Cookie", "a=1"), ("X", "y"), ("set-cookie", "b=2")]


def test_set_pairs_is_setitem_for_each_pair_in_order():
    plain, bulk = table(), table()
    for t in (plain, bulk):
        t.add("Accept", "a")
        t.add("ACCEPT", "b")
    pairs = [("accept", "c"), ("New", "1"), ("new", "2"), ("Café", "é"), (b"Raw", b"v")]
    for key, value in pairs:
        plain[key] = value
    bulk._set_pairs(pairs)
    assert list(bulk.items()) == list(plain.items())
    assert list(bulk.items())[0] == ("Accept", "c")


def test_set_pairs_checks_text_that_is_not_plain_ascii():
    with pytest.raises(TypeError):
        table()._set_pairs([("Key", "\u20ac")])


# -- value-less entries (APR's NULL value, e.g. SCRIPT_FILENAME before the file is known) --


@pytest.fixture
def valueless():
    t = table()
    t._set_pairs([("A", "1"), ("SCRIPT_FILENAME", None), ("B", "2")])
    return t


def test_valueless_entry_reads_as_none_by_subscript(valueless):
    assert valueless["script_filename"] is None


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        (lambda t: t.get("SCRIPT_FILENAME"), None),
        (lambda t: t.get("SCRIPT_FILENAME", "default"), "default"),
        (lambda t: "SCRIPT_FILENAME" in t, False),
        (lambda t: t.has_key("SCRIPT_FILENAME"), 0),
    ],
)
def test_valueless_entry_is_absent_for_lookups(valueless, probe, expected):
    assert probe(valueless) == expected


def test_valueless_entry_is_listed_with_none(valueless):
    assert valueless.values() == ["1", None, "2"]
    assert valueless.items()[1] == ("SCRIPT_FILENAME", None)
    assert repr(valueless) == "{'B': '2', 'SCRIPT_FILENAME': None, 'A': '1'}"


def test_setting_a_valueless_key_gives_it_a_value(valueless):
    valueless._set_pairs([("script_filename", "/x.py")])
    assert valueless.get("SCRIPT_FILENAME") == "/x.py"
    assert len(valueless) == 3


def test_setdefault_fills_a_valueless_entry(valueless):
    assert valueless.setdefault("SCRIPT_FILENAME", "d") == "d"
    assert valueless.items()[1] == ("SCRIPT_FILENAME", "d")
