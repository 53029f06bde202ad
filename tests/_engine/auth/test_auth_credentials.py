"""Reading ``Authorization: Basic`` as mod_auth_basic does (each case checked on Apache 2.4.68)."""

from __future__ import annotations

import base64

import pytest

from mod_python._engine.auth import check_basic_credentials
from mod_python._engine.auth.credentials import decode_base64_leniently


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode("ascii")


@pytest.mark.parametrize(
    "header, expected",
    [
        (basic(b"alice:alicepw"), ("alice", "alicepw")),
        ("basic YWxpY2U6YWxpY2Vwdw==", ("alice", "alicepw")),  # scheme is case-insensitive
        ("BASIC   YWxpY2U6YWxpY2Vwdw==", ("alice", "alicepw")),  # spaces skipped
        ("Basic \tYWxpY2U6YWxpY2Vwdw==", ("alice", "alicepw")),
        ("Basic YWxpY2U6YWxpY2Vwdw", ("alice", "alicepw")),  # padding optional
        ("Basic YWxpY2U6YWxpY2Vwdw==!!garbage", ("alice", "alicepw")),  # decoding stops
        ("Basic YWxpY2U6YWxpY2Vwdw== trailing", ("alice", "alicepw")),
        (basic(b"alice:alicepw\0zz"), ("alice", "alicepw")),  # a C string ends at NUL
        (basic(b"alice:pw:extra"), ("alice", "pw:extra")),  # first colon splits
        (basic(b"alice"), ("alice", "")),  # no colon: a user with an empty password
        (basic(b":pw"), ("", "pw")),
        ("Basic", ("", "")),
        ("Basic ", ("", "")),
        ("Basic !!!!", ("", "")),
        (b"Basic " + base64.b64encode(b"j\xc3\xb6:\xff\xfe"), ("j\xc3\xb6", "\xff\xfe")),
    ],
    ids=[
        "plain", "lower-scheme", "upper-scheme-spaces", "tab", "no-padding", "garbage-after",
        "second-word", "nul", "extra-colon", "no-colon", "empty-user", "bare-scheme",
        "scheme-space", "all-invalid", "non-utf8-bytes",
    ],
)  # fmt: skip
def test_basic_header_reads_like_apache(header, expected):
    assert check_basic_credentials(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Digest YWxpY2U6cHc=",
        "Bearer abc",
        "Basically YWxpY2U6cHc=",
        "Basic\tYWxpY2U6cHc=",
    ],
)
def test_other_schemes_are_none(header):
    assert check_basic_credentials(header) is None


def test_non_latin1_header_text_does_not_raise():
    assert check_basic_credentials("Basic YWxpY2U6cHc=\u20ac") == ("alice", "pw")


@pytest.mark.parametrize(
    "text, decoded",
    [
        (b"", b""),
        (b"QQ", b"A"),
        (b"QUI", b"AB"),
        (b"QUJD", b"ABC"),
        (b"QUJDR", b"ABC"),
        (b"Q", b""),
    ],
)
def test_lenient_base64_drops_incomplete_trailing_bits(text, decoded):
    assert decode_base64_leniently(text) == decoded
