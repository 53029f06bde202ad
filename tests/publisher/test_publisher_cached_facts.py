"""What the publisher remembers per function or code object follows a change at run time."""

from __future__ import annotations

import types

import pytest
from conftest import basic

from mod_python._engine.publishing import rules

SWAPPING_PAGE = """
def open_page(req):
    return "open"

def guarded(req):
    __auth__ = {"spam": "eggs"}
    return "guarded"

def swap(req):
    open_page.__code__ = guarded.__code__
    return "swapped"

def other(req):
    return "other"

def rebind(req):
    global open_page
    open_page = other
    return "rebound"

def protect_module(req):
    globals()["__auth__"] = {"spam": "eggs"}
    return "protected"

def name_realm(req):
    guarded.__auth_realm__ = "Renamed"
    return "named"
"""


@pytest.fixture
def site(publisher_site):
    return publisher_site({"page.py": SWAPPING_PAGE})


def test_a_function_given_guarded_code_asks_for_credentials(site):
    assert site.get("/page.py/open_page").status == 200
    assert site.get("/page.py/swap").text == "swapped"
    assert site.get("/page.py/open_page").status == 401
    assert site.get("/page.py/open_page", headers=basic("spam", "eggs")).text == "guarded"


def test_a_realm_set_on_the_function_later_is_named_in_the_challenge(site):
    assert site.get("/page.py/guarded").header("WWW-Authenticate") == 'Basic realm="unknown"'
    assert site.get("/page.py/name_realm").text == "named"
    assert site.get("/page.py/guarded").header("WWW-Authenticate") == 'Basic realm="Renamed"'


def test_a_changed_rule_for_functions_applies_to_the_next_check(monkeypatch):
    def page_function(req):
        return "x"

    assert rules.is_publishable(page_function)
    monkeypatch.setitem(rules.tp_rules, types.FunctionType, rules.NEITHER)
    assert not rules.is_publishable(page_function)
    monkeypatch.delitem(rules.tp_rules, types.FunctionType)
    assert rules.is_publishable(page_function)  # the default rule publishes


def test_a_module_given_auth_names_later_guards_a_function_served_before(site):
    assert site.get("/page.py/open_page").text == "open"
    assert site.get("/page.py/protect_module").text == "protected"
    assert site.get("/page.py/open_page").status == 401


def test_a_name_bound_to_another_function_serves_that_function(site):
    assert site.get("/page.py/open_page").text == "open"
    assert site.get("/page.py/rebind").text == "rebound"
    assert site.get("/page.py/open_page").text == "other"


def test_a_changed_rule_for_functions_applies_to_a_function_served_before(site, monkeypatch):
    assert site.get("/page.py/open_page").status == 200
    monkeypatch.setitem(rules.tp_rules, types.FunctionType, rules.NEITHER)
    assert site.get("/page.py/open_page").status == 403
