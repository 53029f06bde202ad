"""Reading nested ``__auth__``/``__access__``/``__auth_realm__`` from compiled code."""

# The sample functions assign names only the publisher reads, from their bytecode.
# ruff: noqa: F841

from __future__ import annotations

import types

import pytest

from mod_python._engine.publishing.nested import UNKNOWN, nested_definitions
from mod_python._engine.publishing.rules import is_library_code, is_publishable, is_traversable

SHARED = {"users": "global"}


def with_functions(req):
    def __auth__(req, user, password):
        return (user, password, SHARED["users"])

    def __access__(req, user):
        return user

    __auth_realm__ = "Realm"
    return "body"


def with_literals(req):
    """A docstring shifts the constants table; the evaluator does not care."""
    __auth__ = {"spam": "eggs", "ham": "jam"}
    __access__ = ["spam", "ham"]
    __auth_realm__ = "Lit" + "erals"  # folded into one constant by the compiler
    return 1


def with_tuple_and_set(req):
    __access__ = ("one", "two")
    __auth__ = {"x", "y"}


def with_single_element_list(req):
    __access__ = ["only"]


def with_lambda_and_defaults(req):
    __auth__ = lambda req, user, password, expected="eggs": password == expected  # noqa: E731


def with_keyword_default(req):
    def __auth__(req, user, password, *, expected="eggs"):
        return password == expected


def with_a_call(req):
    __auth__ = dict(spam="eggs")


def with_a_global(req):
    __access__ = SHARED


def with_a_closure(req):
    secret = "eggs"

    def __auth__(req, user, password):
        return password == secret


def with_nothing(req):
    auth = "not the magic name"
    return auth


def reads_but_does_not_assign(req):
    return __auth__  # noqa: F821 - a global read is not a definition


def test_nested_functions_are_rebuilt_with_the_function_globals():
    found = nested_definitions(with_functions)
    assert found["__auth__"](None, "u", "p") == ("u", "p", "global")
    assert found["__access__"](None, "u") == "u"
    assert found["__auth_realm__"] == "Realm"


def test_literal_dict_list_and_folded_string():
    found = nested_definitions(with_literals)
    assert found == {
        "__auth__": {"spam": "eggs", "ham": "jam"},
        "__access__": ["spam", "ham"],
        "__auth_realm__": "Literals",
    }


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (with_tuple_and_set, {"__access__": ("one", "two"), "__auth__": {"x", "y"}}),
        (with_single_element_list, {"__access__": ["only"]}),
        (with_nothing, {}),
        (reads_but_does_not_assign, {}),
    ],
)
def test_constant_values(function, expected):
    assert nested_definitions(function) == expected


def test_lambda_keeps_its_defaults():
    check = nested_definitions(with_lambda_and_defaults)["__auth__"]
    assert check(None, "u", "eggs") is True
    assert check(None, "u", "ham") is False


def test_keyword_only_default_is_kept():
    check = nested_definitions(with_keyword_default)["__auth__"]
    assert check(None, "u", "eggs") is True


@pytest.mark.parametrize("function", [with_a_call, with_a_global, with_a_closure])
def test_values_computed_at_run_time_are_unknown(function):
    assert UNKNOWN in nested_definitions(function).values()


def test_each_lookup_builds_a_new_function():
    first = nested_definitions(with_functions)["__auth__"]
    second = nested_definitions(with_functions)["__auth__"]
    assert first is not second and first.__code__ is second.__code__


class Sample:
    def method(self):
        pass


def page_function(req):
    pass


@pytest.mark.parametrize(
    ("obj", "traversable", "publishable"),
    [
        (types, False, False),
        (len, False, False),
        ([].append, False, False),
        (Sample, False, False),
        (page_function, False, True),
        (Sample().method, False, True),
        ((x for x in ()), False, True),
        (page_function.__code__, False, True),
        (None, False, True),
        (Sample(), True, True),
        ({}, True, True),
        ("text", True, True),
        (42, True, True),
    ],
)
def test_traversal_and_publishing_rules(obj, traversable, publishable):
    assert (is_traversable(obj), is_publishable(obj)) == (traversable, publishable)


def test_library_code_is_not_publishable():
    import json
    import os.path

    from mod_python import util

    assert is_library_code(os.path.join)  # frozen
    assert is_library_code(json.dumps)
    assert is_library_code(util.redirect)
    assert not is_library_code(page_function)
    assert not is_publishable(json.dumps)


def test_identity_cache_computes_once_and_forgets_collected_objects():
    import gc

    from mod_python._engine.publishing.identity_cache import IdentityCache

    cache = IdentityCache()
    calls = []

    def compute(obj):
        calls.append(type(obj))
        return len(calls)

    def subject():
        pass

    assert cache.get(subject, compute) == cache.get(subject, compute) == 1
    del subject
    gc.collect()
    assert len(cache) == 0
