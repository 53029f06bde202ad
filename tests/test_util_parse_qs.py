"""util.parse_qs / parse_qsl: mod_python's parsing with an explicit separator policy."""

from __future__ import annotations

import pytest

import _apache
from mod_python import util


def test_ampersand_only_by_default():
    assert util.parse_qsl("a=1;b=2&c=3") == [("a", "1;b=2"), ("c", "3")]


def test_semicolons_split_when_asked_as_the_c_parser_did():
    assert util.parse_qsl("a=1;b=2&c=3", separators="&;") == [("a", "1"), ("b", "2"), ("c", "3")]


def test_apache_module_parser_keeps_the_c_rules():
    assert _apache.parse_qsl("a=1;b=2") == [("a", "1"), ("b", "2")]


def test_parse_qs_groups_values():
    assert util.parse_qs("a=1&b=2&a=3") == {"a": ["1", "3"], "b": ["2"]}


def test_bytes_in_bytes_out():
    assert util.parse_qs(b"a=%C3%A9") == {b"a": [b"\xc3\xa9"]}


@pytest.mark.parametrize(
    "keep, expected", [(0, [("b", "1")]), (1, [("a", ""), ("b", "1")])], ids=["drop", "keep"]
)
def test_keep_blank_values(keep, expected):
    assert util.parse_qsl("a=&b=1", keep) == expected


def test_strict_parsing_is_accepted_and_ignored():
    assert util.parse_qsl("a&b=1", 0, 1) == [("b", "1")]


def test_an_empty_separator_set_is_refused():
    with pytest.raises(ValueError, match="separator"):
        util.parse_qsl("a=1", separators="")
