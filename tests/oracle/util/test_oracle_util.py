"""util.FieldStorage against the real mod_python: the same dump of the same bodies.

Every test POSTs one body to ``dump.py`` on both servers and compares status and dump.
Known oracle defects stay out of the bodies, each noted where it matters: query-string
names (the dump hides them), non-UTF-8 urlencoded values (a UnicodeDecodeError there),
parts without Content-Disposition, LF-only part headers and epilogues (500s there).
"""

from __future__ import annotations

import random

import pytest
from _engine.forms.form_requests import BROWSER_BODIES, multipart

pytestmark = pytest.mark.oracle

URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}
READ_BLOCK_SIZE = 65368


def same_dump(servers, body: bytes, headers: dict, path: str = "/dump.py") -> bytes:
    ours, oracle = servers.exchange("POST", path, headers=headers, body=body)
    assert (ours.status, ours.body) == (oracle.status, oracle.body), servers.logs_tail()
    return ours.body


def multipart_headers(boundary: str) -> dict:
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def one_part(header_lines: list[str], content: bytes) -> bytes:
    return multipart("b", [(header_lines, content)])


@pytest.mark.parametrize(
    "body",
    [
        b"spam=1&spam=2&eggs=3&bacon=4",
        b"a=b+c&d=%2B&e=%41%zz&na%C3%AFve=caf%C3%A9&f=x=y",
        b"&&a=1&&b=&c&=v&d=%00hidden",
    ],
    ids=["spec", "escapes", "blank-and-empty"],
)
def test_urlencoded_bodies(util_servers, body):
    same_dump(util_servers, body, URLENCODED)


def test_urlencoded_keep_blank_values(util_servers):
    assert b"b''" in same_dump(util_servers, b"a=1&b=&c", URLENCODED, "/keep/dump.py")


def test_semicolons_split_like_the_c_parser_with_the_option(util_servers):
    dump = same_dump(util_servers, b"a=1;b=2&c=3", URLENCODED, "/semi/dump.py")
    assert dump.startswith(b"len=3\n")


def test_query_string_values_then_body_fields(util_servers):
    util_servers_path = "/dump.py?x=1&y=%C3%A9"
    same_dump(util_servers, b"a=1", URLENCODED, util_servers_path)


@pytest.mark.parametrize("name", sorted(BROWSER_BODIES))
def test_browser_bodies(util_servers, name):
    boundary, body = BROWSER_BODIES[name]
    same_dump(util_servers, body, multipart_headers(boundary))


@pytest.mark.parametrize(
    "header_lines, content",
    [
        (['Content-Disposition: form-data; name="naïve"'], "café".encode()),
        (['Content-Disposition: form-data; name="up"; filename="日本語.txt"',
          "Content-Type: text/plain"], "テキスト".encode()),
        (["Content-Disposition: form-data;", '\tname="folded"'], b"v"),
        (['content-disposition: form-data; name="lower"', "content-type: text/x-custom"], b"v"),
        (['Content-Disposition: form-data; name="f"; filename="noext"', "Content-Type: junk"],
         b"ie6"),
        (['Content-Disposition: form-data; name="empty"; filename=""',
          "Content-Type: application/octet-stream"], b""),
        (['Content-Disposition: form-data; name="t"', "Content-Type: text/plain; charset=utf-8",
          "X-Extra: kept"], b"line\r\nbreaks\rand\nbare ones\r\n"),
        (['Content-Disposition: form-data; name="lf"'], b"ends with a bare LF\n"),
    ],
    ids=["utf8-name", "utf8-filename", "continuation", "lower-case-headers", "ie6-type",
         "empty-file-input", "extra-header-and-breaks", "bare-lf"],
)  # fmt: skip
def test_multipart_part_shapes(util_servers, header_lines, content):
    same_dump(util_servers, one_part(header_lines, content), multipart_headers("b"))


def test_preamble(util_servers):
    # No epilogue: mod_python reads on past the closing delimiter and fails (500) on
    # whatever follows it; we stop there.
    body = multipart("b", [(['Content-Disposition: form-data; name="a"'], b"1")],
                     preamble=b"preamble line\r\n")  # fmt: skip
    same_dump(util_servers, body, multipart_headers("b"))


def test_part_whose_headers_run_into_a_delimiter_is_dropped(util_servers):
    body = (
        b'--b\r\nContent-Disposition: form-data; name="x"\r\n--b\r\n'
        + one_part(['Content-Disposition: form-data; name="kept"'], b"v").split(b"\r\n", 1)[1]
    )
    assert same_dump(util_servers, body, multipart_headers("b")).startswith(b"len=1\n")


def test_body_without_closing_delimiter_keeps_its_last_part(util_servers):
    body = b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished\r\n'
    same_dump(util_servers, body, multipart_headers("b"))


def test_quoted_boundary(util_servers):
    body = multipart("q b", [(['Content-Disposition: form-data; name="a"'], b"1")])
    same_dump(util_servers, body, {"Content-Type": 'multipart/form-data; boundary="q b"'})


def upload(content: bytes) -> bytes:
    return one_part(['Content-Disposition: form-data; name="file"; filename="f.bin"',
                     "Content-Type: application/octet-stream"], content)  # fmt: skip


def test_fileupload_one_mib(util_servers):
    same_dump(util_servers, upload(random.Random(3).randbytes(1 << 20)), multipart_headers("b"))


def test_fileupload_embedded_cr(util_servers):
    content = b"a" * (READ_BLOCK_SIZE - 1) + b"\r" + b"b" * 100 + b"\r\n" + b"c" * 10
    same_dump(util_servers, upload(content), multipart_headers("b"))


@pytest.mark.parametrize("ending", [b"", b"\r"], ids=["plain", "trailing-cr"])
def test_fileupload_split_boundary(util_servers, ending):
    content = b"x" * 10 + b"\r\n" + b"y" * (READ_BLOCK_SIZE - 1) + ending
    same_dump(util_servers, upload(content), multipart_headers("b"))


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "multipart/form-data"},
        {"Content-Type": "application/json"},
    ],
    ids=["no-boundary-400", "unknown-type-501"],
)
def test_refusals(util_servers, headers):
    assert b"SERVER_RETURN" in same_dump(util_servers, b"{}", headers)
