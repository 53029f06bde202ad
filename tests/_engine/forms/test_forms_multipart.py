"""The sans-I/O multipart parser: delimiters, headers, block boundaries, malformed input."""

from __future__ import annotations

import pytest
from form_requests import BROWSER_BODIES, multipart, parse_parts

from mod_python._engine.forms.errors import FormError
from mod_python._engine.forms.multipart import DATA, END, PART, MultipartParser


def contents(body: bytes, **kwargs) -> list[bytes]:
    return [content for _, content in parse_parts(body, **kwargs)]


def test_one_part_gives_its_headers_raw_and_its_content():
    body = b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n--b--\r\n'
    assert parse_parts(body) == [
        ([(b"Content-Disposition", b' form-data; name="a"\r\n')], b"value")
    ]


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 64])
@pytest.mark.parametrize("name", sorted(BROWSER_BODIES))
def test_browser_bodies_parse_the_same_whatever_the_block_size(name, block):
    boundary, body = BROWSER_BODIES[name]
    assert parse_parts(body, boundary.encode(), block=block) == parse_parts(body, boundary.encode())


@pytest.mark.parametrize(
    "content",
    [b"a\rb", b"a\nb", b"\r\n", b"\r", b"\n\r\n", b"--b", b"x\r\n--bx", b"x\r\n--b-", b"\r\n--"],
    ids=repr,
)
def test_line_breaks_and_boundary_lookalikes_inside_content_are_data(content):
    body = b"--b\r\nX: 1\r\n\r\n" + content + b"\r\n--b--\r\n"
    for block in (1, 2, 3, len(body)):
        assert contents(body, block=block) == [content]


def test_a_bare_lf_before_the_delimiter_stays_in_the_data():
    assert contents(b"--b\r\nX: 1\r\n\r\nabc\n--b--\r\n") == [b"abc\n"]


def test_lf_only_line_ends_are_accepted():
    body = multipart("b", [(["X: 1"], b"one"), (["X: 2"], b"two")], newline=b"\n")
    assert contents(body) == [b"one\n", b"two\n"]


def test_preamble_and_epilogue_are_ignored():
    body = multipart("b", [(["X: 1"], b"v")], preamble=b"This is a preamble\r\n",
                     epilogue=b"and an epilogue")  # fmt: skip
    assert contents(body) == [b"v"]


def test_the_closing_delimiter_may_end_the_body_without_a_line_break():
    assert contents(b"--b\r\nX: 1\r\n\r\nv\r\n--b--") == [b"v"]


def test_a_body_without_a_closing_delimiter_keeps_its_last_part():
    assert contents(b"--b\r\nX: 1\r\n\r\nv\r\n") == [b"v\r\n"]


def test_a_part_whose_headers_run_into_a_delimiter_is_dropped():
    body = b"--b\r\nX: 1\r\n--b\r\nY: 2\r\n\r\nkept\r\n--b--\r\n"
    assert parse_parts(body) == [([(b"Y", b" 2\r\n")], b"kept")]


def test_a_part_cut_off_inside_its_headers_is_dropped():
    assert parse_parts(b"--b\r\nX: 1\r\n\r\nv\r\n--b\r\nY: 2\r\n") == [([(b"X", b" 1\r\n")], b"v")]


def test_header_continuation_lines_join_the_previous_header():
    body = b'--b\r\nContent-Disposition: form-data;\r\n\tname="a"\r\n\r\nv\r\n--b--\r\n'
    headers = parse_parts(body)[0][0]
    assert headers == [(b"Content-Disposition", b' form-data;\r\n\tname="a"\r\n')]


def test_parsing_stops_at_the_closing_delimiter():
    parser = MultipartParser(b"b")
    events = parser.feed(b"--b\r\nX: 1\r\n\r\nv\r\n--b--\r\n--b\r\nY: 2\r\n\r\nw\r\n")
    assert parser.finished
    assert [kind for kind, _ in events] == [PART, DATA, END]


def test_empty_part_content():
    assert contents(b"--b\r\nX: 1\r\n\r\n\r\n--b--\r\n") == [b""]


def test_no_delimiter_at_all_gives_no_parts():
    assert parse_parts(b"just some bytes\r\nwithout a delimiter") == []


def test_a_header_line_without_a_colon_is_malformed():
    with pytest.raises(FormError) as raised:
        parse_parts(b"--b\r\nno colon here\r\n\r\nv\r\n--b--\r\n")
    assert raised.value.status == 400


@pytest.mark.parametrize("block", [1, 1000])
def test_a_header_block_over_the_limit_is_refused(block):
    body = b"--b\r\nX: " + b"y" * 200 + b"\r\n\r\nv\r\n--b--\r\n"
    with pytest.raises(FormError) as raised:
        parse_parts(body, block=block, max_header_size=100)
    assert raised.value.status == 413


def test_a_header_line_without_end_over_the_limit_is_refused_before_the_end():
    parser = MultipartParser(b"b", max_header_size=100)
    parser.feed(b"--b\r\nX: ")
    with pytest.raises(FormError):
        parser.feed(b"y" * 200)


def test_an_empty_boundary_is_malformed():
    with pytest.raises(FormError) as raised:
        MultipartParser(b"")
    assert raised.value.status == 400


def test_data_is_emitted_before_the_part_ends():
    parser = MultipartParser(b"b")
    events = parser.feed(b"--b\r\nX: 1\r\n\r\n" + b"z" * 10_000)
    emitted = b"".join(payload for kind, payload in events if kind == DATA)
    assert len(emitted) >= 10_000 - len(b"\n--b")
