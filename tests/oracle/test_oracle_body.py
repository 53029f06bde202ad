"""Reading the request body: req.read and req.readline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.oracle

HEADERS = {"Content-Type": "application/octet-stream"}


def test_read_echoes_a_small_body(servers):
    ours, _ = servers.assert_same("POST", "/echo_body", headers=HEADERS, body=b"hello=world")
    assert ours.body == b"hello=world"


def test_read_echoes_a_100_kb_body(servers):
    body = bytes(range(256)) * 400
    ours, _ = servers.assert_same("POST", "/echo_body", headers=HEADERS, body=body)
    assert ours.body == body


def test_read_without_a_body_is_empty(servers):
    ours, _ = servers.assert_same("GET", "/echo_body")
    assert ours.body == b""


def test_read_in_pieces(servers):
    ours, _ = servers.assert_same("POST", "/echo_in_pieces", headers=HEADERS, body=b"x" * 1000)
    assert ours.body == b"first=b'xxxxx' rest_len=995 remaining=0\n"


def test_readline_loop(servers):
    body = b"".join(b"line %d " % n + b"y" * (n * 997 % 20000) + b"\n" for n in range(40))
    ours, _ = servers.assert_same("POST", "/echo_lines", headers=HEADERS, body=body + b"tail")
    assert ours.body.endswith(b"lines=41\n")


def test_readline_with_a_limit(servers):
    ours, _ = servers.assert_same(
        "POST", "/readline_limited", headers=HEADERS, body=b"ab\ncdefgh\nij"
    )
    assert ours.body == b"[b'ab\\n', b'cdef', b'gh\\n', b'ij']\n"


def test_read_after_a_flushed_write_gets_the_whole_body(servers):
    body = bytes(range(256)) * 400
    ours, _ = servers.assert_same("POST", "/write_then_read", headers=HEADERS, body=body)
    assert ours.body == b"started\nread 102400 bytes, sum %d\n" % sum(body)
