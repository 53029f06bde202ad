"""``_apache.parse_qs`` / ``parse_qsl``: the C parser's rules (SPEC 6.1)."""

from __future__ import annotations

import pytest

from mod_python._engine.querystring import parse_qs, parse_qsl, unescape_url


@pytest.mark.parametrize(
    "qs, expected",
    [
        ("a=1&b=2", [("a", "1"), ("b", "2")]),
        ("a=1;b=2", [("a", "1"), ("b", "2")]),
        ("a=1;b=2&c=3", [("a", "1"), ("b", "2"), ("c", "3")]),
        ("&&a=1;;&b=2&", [("a", "1"), ("b", "2")]),
        ("", []),
    ],
    ids=["ampersand", "semicolon", "mixed", "empty-segments-skipped", "empty"],
)
def test_pairs_are_separated_by_ampersand_or_semicolon(qs, expected):
    assert parse_qsl(qs) == expected


@pytest.mark.parametrize(
    "qs, expected",
    [
        ("a=b+c", [("a", "b c")]),
        ("a+b=c", [("a b", "c")]),
        ("a=%2B", [("a", "+")]),
        ("a=1%2B1+2", [("a", "1+1 2")]),
    ],
)
def test_plus_becomes_space_before_percent_decoding(qs, expected):
    assert parse_qsl(qs) == expected


@pytest.mark.parametrize(
    "qs, expected",
    [("a=b=c", [("a", "b=c")]), ("=v", [("", "v")]), ("a==", [("a", "=")])],
)
def test_pair_is_split_at_the_first_equals_sign(qs, expected):
    assert parse_qsl(qs) == expected


@pytest.mark.parametrize(
    "qs, keep_blank_values, expected",
    [
        ("a=&b=1", 0, [("b", "1")]),
        ("a&b=1", 0, [("b", "1")]),
        ("a=&b=1", 1, [("a", ""), ("b", "1")]),
        ("a&b=1", 1, [("a", ""), ("b", "1")]),
        ("a=%00", 0, [("a", "")]),
    ],
    ids=["empty-dropped", "no-equals-dropped", "empty-kept", "no-equals-kept", "raw-value-counts"],
)
def test_blank_values_are_kept_only_when_asked(qs, keep_blank_values, expected):
    assert parse_qsl(qs, keep_blank_values) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"%41%62", b"Ab"),
        (b"%2F", b"/"),
        (b"%zz", b"%zz"),
        (b"%4", b"%4"),
        (b"100%", b"100%"),
        (b"%%41", b"%A"),
        (b"%4%41", b"%4A"),
        (b"a%00b", b"a"),
        (b"no escapes", b"no escapes"),
    ],
)
def test_unescape_decodes_good_escapes_keeps_bad_ones_and_stops_at_nul(raw, expected):
    assert unescape_url(raw) == expected


def test_bad_escape_is_kept_in_parsed_values():
    assert parse_qsl("a%zz=%G1") == [("a%zz", "%G1")]


def test_percent_00_truncates_key_and_value():
    assert parse_qsl("ke%00y=va%00lue") == [("ke", "va")]


def test_query_string_ends_at_first_nul_character():
    assert parse_qsl("a=1\0&b=2") == [("a", "1")]


def test_str_input_gives_str_decoded_as_utf_8():
    assert parse_qsl("name=%C3%A9t%C3%A9") == [("name", "\xe9t\xe9")]


def test_bytes_input_gives_bytes():
    assert parse_qsl(b"a=1&b=%C3%A9") == [(b"a", b"1"), (b"b", b"\xc3\xa9")]


def test_invalid_utf_8_in_str_input_raises_system_error():
    with pytest.raises(SystemError):
        parse_qsl("a=%FF")


def test_invalid_utf_8_in_bytes_input_is_returned_as_is():
    assert parse_qsl(b"a=%FF") == [(b"a", b"\xff")]


def test_raw_latin_1_str_input_is_processed_as_its_latin_1_bytes():
    # "\xc3\xa9" as Latin-1 bytes is the UTF-8 encoding of "\xe9".
    assert parse_qsl("a=\xc3\xa9") == [("a", "\xe9")]


def test_str_input_outside_latin_1_raises_type_error():
    with pytest.raises(TypeError, match=r"^not an ISO-8859-1 string$"):
        parse_qsl("a=\u20ac")


@pytest.mark.parametrize("qs", [None, 5, bytearray(b"a=1")])
def test_non_string_input_raises_type_error(qs):
    with pytest.raises(TypeError, match=r"^not an ISO-8859-1 string$"):
        parse_qsl(qs)


def test_strict_parsing_is_accepted_and_ignored():
    assert parse_qsl("a&b=1", 0, 1) == [("b", "1")]


def test_parse_qs_groups_values_by_key_in_order():
    assert parse_qs("a=1&b=2&a=3") == {"a": ["1", "3"], "b": ["2"]}


def test_parse_qs_bytes_keys_and_values():
    assert parse_qs(b"spam=1&spam=2&eggs=3") == {b"spam": [b"1", b"2"], b"eggs": [b"3"]}


def test_parse_qs_keeps_blank_values_when_asked():
    assert parse_qs("a&b=", 1) == {"a": [""], "b": [""]}
    assert parse_qs("a&b=") == {}


def test_keys_are_case_sensitive():
    assert parse_qs("A=1&a=2") == {"A": ["1"], "a": ["2"]}
