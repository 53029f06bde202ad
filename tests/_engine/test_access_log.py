"""mod_log_config access logs: LogFormat compilation, the request adapter and log targets.

The ORACLE_* vectors are lines the real Apache 2.4.68 wrote (oracle, prefork, mod_python)
for requests described next to each; the records reproduce those requests, with the
variable parts (time, pid, ports, durations, mod_logio counts) set to what Apache logged.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time

import pytest

from mod_python._engine import access_log
from mod_python._engine.access_log import (
    DEFAULT_LOG_FORMAT,
    AccessLogger,
    AccessRecord,
    FileTarget,
    LogFormatError,
    PipeTarget,
    compile_log_format,
    escape_logitem,
    open_target,
    record_from_request,
    resolve_log_format,
)
from mod_python._engine.config.server import load_config_text
from mod_python._engine.table import table

pytest_plugins = ["request_probe"]

# 2026-11-21 06:58:25.098913 UTC, the oracle's request time.
WHEN = 1795244305.098913
COMMON = '%h %l %u %t "%r" %>s %b'
COMBINED = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"'
MANY = (
    "%%|%a|%{c}a|%A|%B|%b|%{foo}C|%{baz}C|%{FOO}e|%{HANDLER_ENV}e|%f|%h|%{c}h|%H|"
    "%{User-Agent}i|%k|%l|%L|%m|%{mynote}n|%{Content-Type}o|%{Set-Cookie}o|%{X-Out}o|%p|"
    "%{canonical}p|%{local}p|%{remote}p|%{bogus}p|%P|%{pid}P|%{bogus}P|%q|%r|%R|%s|%>s|%<s|"
    "%T|%{ms}T|%{us}T|%{s}T|%{xx}T|%u|%U|%>U|%<U|%v|%V|%X|%I|%O|%S|%200{User-Agent}i|"
    "%!200{User-Agent}i|%404,500{User-Agent}i|%!404,500{User-Agent}i|%<r|%>r|%D|%{Host}i|"
    "%{X-Missing}i"
)
TIMES = (
    "%t|%{begin:}t|%{%Y-%m-%d %H:%M:%S %z}t|%{sec}t|%{msec}t|%{usec}t|%{msec_frac}t|"
    "%{usec_frac}t|%{end:sec}t|%{begin:msec_frac}t|%{end:%Y}t|%{}t|%{tid}P|%{hextid}P|"
    "a\\tb\\\\c\\qd\\n2nd"
)


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """Local time is UTC, as on the oracle's machine; the CLF time cache starts empty."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(access_log, "_clf_cache", (-1, ""))
    yield
    monkeypatch.undo()
    time.tzset()


def headers(*pairs: tuple[str, str]) -> table:
    return table._from_pairs(list(pairs))


def oracle_record(**fields) -> AccessRecord:
    """A request to the oracle on 127.0.0.1:35945 (ServerName 127.0.0.1, no port)."""
    values = dict(
        remote_ip="127.0.0.1", client_ip="127.0.0.1", local_ip="127.0.0.1", local_port=35945,
        server_port=80, request_time=WHEN, server_name="127.0.0.1", protocol="HTTP/1.1",
        pid=27661, tid=140136115636096, keepalives=0, connection_status="-",
        env=headers(("FOO", 'f"o\\o')),
    )  # fmt: skip
    values.update(fields)
    return AccessRecord(**values)


def line(fmt: str, record: AccessRecord) -> str:
    return compile_log_format(fmt).format(record)


# ---- byte-exact lines the oracle wrote ----------------------------------------------------------

# GET /index.html HTTP/1.1, Host: 127.0.0.1, User-Agent: curl/8, Referer: http://x/y
STATIC = dict(
    the_request="GET /index.html HTTP/1.1", uri="/index.html", status=200, bytes_sent=6,
    filename="/tmp/al_oracle/htdocs/index.html", content_type="text/html",
    headers_in=headers(("Host", "127.0.0.1"), ("User-Agent", "curl/8"), ("Referer", "http://x/y")),
    headers_out=headers(("Content-Length", "6")), hostname="127.0.0.1", remote_port=52950,
    duration=261e-6, bytes_in=105, bytes_out=301,
)  # fmt: skip
ORACLE_STATIC_MANY = (
    '%|127.0.0.1|127.0.0.1|127.0.0.1|6|6|-|-|f\\"o\\\\o|-|/tmp/al_oracle/htdocs/index.html|'
    "127.0.0.1|127.0.0.1|HTTP/1.1|curl/8|0|-|-|GET|-|text/html|-|-|80|80|35945|52950|bogus|"
    "27661|27661|bogus||GET /index.html HTTP/1.1|-|200|200|200|0|0|261|0|xx|-|/index.html|"
    "/index.html|/index.html|127.0.0.1|127.0.0.1|-|105|301|406|curl/8|-|-|curl/8|"
    "GET /index.html HTTP/1.1|GET /index.html HTTP/1.1|261|127.0.0.1|-"
)

# GET /h.py?x=1 to a handler setting notes, subprocess_env, Set-Cookie twice and X-Out, with
# Host: Example.com:8080, User-Agent: a"b\c<TAB>d<0xE9>, Cookie: foo=bar; baz=q"ux; =x; foo2
HANDLER = dict(
    the_request="GET /h.py?x=1 HTTP/1.1", uri="/h.py", args="x=1", status=200, bytes_sent=6,
    filename="/tmp/al_oracle/htdocs/h.py", handler="mod_python",
    content_type="text/plain; charset=utf-8",
    headers_in=headers(
        ("Host", "Example.com:8080"), ("User-Agent", 'a"b\\c\td\xe9'),
        ("Cookie", 'foo=bar; baz=q"ux; =x; foo2'),
    ),
    headers_out=headers(("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Out", 'o"ut')),
    notes=headers(("mynote", 'n "q" \\ \t\xe9\x01\x7f\x1b\r\n\b\v\f')),
    env=headers(("FOO", 'f"o\\o'), ("HANDLER_ENV", "env\tval")),
    hostname="example.com", remote_port=60832, pid=27673, duration=34461e-6, bytes_in=128,
    bytes_out=290,
)  # fmt: skip
ORACLE_HANDLER_MANY = (
    '%|127.0.0.1|127.0.0.1|127.0.0.1|6|6|bar|q\\"ux|f\\"o\\\\o|env\\tval|'
    '/tmp/al_oracle/htdocs/h.py|127.0.0.1|127.0.0.1|HTTP/1.1|a\\"b\\\\c\\td\\xe9|0|-|-|GET|'
    'n \\"q\\" \\\\ \\t\\xe9\\x01\\x7f\\x1b\\r\\n\\b\\v\\x0c|text/plain|a=1, b=2|o\\"ut|80|80|'
    "35945|60832|bogus|27673|27673|bogus|?x=1|GET /h.py?x=1 HTTP/1.1|mod_python|200|200|200|0|"
    "34|34461|0|xx|-|/h.py|/h.py|/h.py|127.0.0.1|example.com|-|128|290|418|"
    'a\\"b\\\\c\\td\\xe9|-|-|a\\"b\\\\c\\td\\xe9|GET /h.py?x=1 HTTP/1.1|'
    "GET /h.py?x=1 HTTP/1.1|34461|Example.com:8080|-"
)

# GET /h.py?redirect: the handler calls req.internal_redirect("/index.html").
REDIRECT_ORIGINAL = dict(
    the_request="GET /h.py?redirect HTTP/1.1", uri="/h.py", args="redirect", status=200,
    handler="mod_python", filename="/tmp/al_oracle/htdocs/h.py",
)  # fmt: skip
REDIRECT_FINAL = dict(
    the_request="GET /h.py?redirect HTTP/1.1", uri="/index.html", status=200, bytes_sent=6,
    filename="/tmp/al_oracle/htdocs/index.html", content_type="text/html",
    headers_in=headers(("Host", "127.0.0.1")), hostname="127.0.0.1", remote_port=52976,
    pid=27666, duration=38371e-6, bytes_in=67, bytes_out=301,
)  # fmt: skip
ORACLE_REDIRECT_MANY = (
    '%|127.0.0.1|127.0.0.1|127.0.0.1|6|6|-|-|f\\"o\\\\o|-|/tmp/al_oracle/htdocs/index.html|'
    "127.0.0.1|127.0.0.1|HTTP/1.1|-|0|-|-|GET|-|text/html|-|-|80|80|35945|52976|bogus|27666|"
    "27666|bogus||GET /h.py?redirect HTTP/1.1|mod_python|200|200|200|0|38|38371|0|xx|-|/h.py|"
    "/index.html|/h.py|127.0.0.1|127.0.0.1|-|67|301|368|-|-|-|-|GET /h.py?redirect HTTP/1.1|"
    "GET /h.py?redirect HTTP/1.1|38371|127.0.0.1|-"
)

# GET /nothere%20x%22%5C%09%C3%A9?q=%22 with ErrorDocument 404 /err.html (a local page).
MISSING_ORIGINAL = dict(
    the_request="GET /nothere%20x%22%5C%09%C3%A9?q=%22 HTTP/1.1",
    uri='/nothere x"\\\t\xc3\xa9', args="q=%22", status=404,
)  # fmt: skip
MISSING_FINAL = dict(
    the_request="GET /nothere%20x%22%5C%09%C3%A9?q=%22 HTTP/1.1", uri="/err.html", status=404,
    bytes_sent=9, filename="/tmp/al_oracle/htdocs/err.html", content_type="text/html",
    headers_in=headers(("Host", "127.0.0.1")), hostname="127.0.0.1", remote_port=52988,
    pid=27667, duration=232e-6, bytes_in=86, bytes_out=311,
)  # fmt: skip
ORACLE_MISSING_MANY = (
    '%|127.0.0.1|127.0.0.1|127.0.0.1|9|9|-|-|f\\"o\\\\o|-|/tmp/al_oracle/htdocs/err.html|'
    "127.0.0.1|127.0.0.1|HTTP/1.1|-|0|-|-|GET|-|text/html|-|-|80|80|35945|52988|bogus|27667|"
    "27667|bogus||GET /nothere%20x%22%5C%09%C3%A9?q=%22 HTTP/1.1|-|404|404|404|0|0|232|0|xx|-|"
    '/nothere x\\"\\\\\\t\\xc3\\xa9|/err.html|/nothere x\\"\\\\\\t\\xc3\\xa9|127.0.0.1|'
    "127.0.0.1|-|86|311|397|-|-|-|-|GET /nothere%20x%22%5C%09%C3%A9?q=%22 HTTP/1.1|"
    "GET /nothere%20x%22%5C%09%C3%A9?q=%22 HTTP/1.1|232|127.0.0.1|-"
)

# HEAD /index.html HTTP/1.0 without Host:, on a connection closed after it.
HEAD = dict(
    the_request="HEAD /index.html HTTP/1.0", method="HEAD", protocol="HTTP/1.0",
    uri="/index.html", status=200, bytes_sent=0, filename="/tmp/al_oracle/htdocs/index.html",
    content_type="text/html", headers_in=headers(), remote_port=52990, pid=27667,
    duration=44e-6, bytes_in=29, bytes_out=295,
)  # fmt: skip
ORACLE_HEAD_MANY = (
    '%|127.0.0.1|127.0.0.1|127.0.0.1|0|-|-|-|f\\"o\\\\o|-|/tmp/al_oracle/htdocs/index.html|'
    "127.0.0.1|127.0.0.1|HTTP/1.0|-|0|-|-|HEAD|-|text/html|-|-|80|80|35945|52990|bogus|27667|"
    "27667|bogus||HEAD /index.html HTTP/1.0|-|200|200|200|0|0|44|0|xx|-|/index.html|"
    "/index.html|/index.html|127.0.0.1|127.0.0.1|-|29|295|324|-|-|-|-|"
    "HEAD /index.html HTTP/1.0|HEAD /index.html HTTP/1.0|44|-|-"
)


@pytest.mark.parametrize(
    ("final", "original", "expected"),
    [
        (STATIC, None, ORACLE_STATIC_MANY),
        (HANDLER, None, ORACLE_HANDLER_MANY),
        (REDIRECT_FINAL, REDIRECT_ORIGINAL, ORACLE_REDIRECT_MANY),
        (MISSING_FINAL, MISSING_ORIGINAL, ORACLE_MISSING_MANY),
        (HEAD, None, ORACLE_HEAD_MANY),
    ],
    ids=["static", "handler", "internal-redirect", "error-document", "head"],
)
def test_many_directives_line_matches_oracle(final, original, expected):
    record = oracle_record(**final)
    if original is not None:  # same connection and times, its own URI, status, handler...
        record.original = oracle_record(**{**final, **original})
    assert line(MANY, record) == expected


def test_time_directives_and_literal_escapes_match_oracle():
    record = oracle_record(duration=0.000120, tid=140136115636096)
    expected = (
        "[21/Nov/2026:06:58:25 +0000]|[21/Nov/2026:06:58:25 +0000]|2026-11-21 06:58:25 +0000|"
        "1795244305|1795244305098|1795244305098913|098|098913|1795244305|098|2026|"
        "[21/Nov/2026:06:58:25 +0000]|140136115636096|7f73fb648780|a\tb\\c\\qd\n2nd"
    )
    assert line(TIMES, record) == expected


ORACLE_COMMON_COMBINED = [
    # (record fields, common line, combined line)
    (
        STATIC,
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "GET /index.html HTTP/1.1" 200 6',
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "GET /index.html HTTP/1.1" 200 6 '
        '"http://x/y" "curl/8"',
    ),
    (
        dict(the_request="GET /h.py?user HTTP/1.1", user="", bytes_sent=6),
        '127.0.0.1 - "" [21/Nov/2026:06:58:25 +0000] "GET /h.py?user HTTP/1.1" 200 6',
        '127.0.0.1 - "" [21/Nov/2026:06:58:25 +0000] "GET /h.py?user HTTP/1.1" 200 6 "-" "-"',
    ),
    (
        dict(the_request="GET /h.py?user2 HTTP/1.1", user='j"o\\e', bytes_sent=6),
        '127.0.0.1 - j\\"o\\\\e [21/Nov/2026:06:58:25 +0000] "GET /h.py?user2 HTTP/1.1" 200 6',
        '127.0.0.1 - j\\"o\\\\e [21/Nov/2026:06:58:25 +0000] "GET /h.py?user2 HTTP/1.1" 200 6 '
        '"-" "-"',
    ),
    (
        dict(the_request="GET /h.py?status HTTP/1.1", status=202, bytes_sent=6),
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "GET /h.py?status HTTP/1.1" 202 6',
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "GET /h.py?status HTTP/1.1" 202 6 "-" "-"',
    ),
    (
        HEAD,
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "HEAD /index.html HTTP/1.0" 200 -',
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "HEAD /index.html HTTP/1.0" 200 - "-" "-"',
    ),
    (
        dict(the_request='GET /index.html?a%20b=c"d HTTP/1.1', bytes_sent=6),
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "GET /index.html?a%20b=c\\"d HTTP/1.1" 200 6',
        '127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "GET /index.html?a%20b=c\\"d HTTP/1.1" '
        '200 6 "-" "-"',
    ),
    (
        dict(
            the_request="GET http://user:secret@127.0.0.1:35945/index.html HTTP/1.1",
            status=400,
            bytes_sent=266,
        ),  # fmt: skip
        "127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "
        '"GET http://user:XXXXXXXX@127.0.0.1:35945/index.html HTTP/1.1" 400 266',
        "127.0.0.1 - - [21/Nov/2026:06:58:25 +0000] "
        '"GET http://user:XXXXXXXX@127.0.0.1:35945/index.html HTTP/1.1" 400 266 "-" "-"',
    ),
]


@pytest.mark.parametrize(("fields", "common", "combined"), ORACLE_COMMON_COMBINED)
def test_common_and_combined_lines_match_oracle(fields, common, combined):
    record = oracle_record(**fields)
    assert compile_log_format(COMMON).line(record) == common.encode() + b"\n"
    assert compile_log_format(COMBINED).line(record) == combined.encode() + b"\n"


def test_transfer_log_default_format_is_common():
    assert resolve_log_format("", {}) == DEFAULT_LOG_FORMAT == COMMON
    assert resolve_log_format("", {"": "%h"}) == "%h"


def test_undefined_nickname_is_logged_as_literal_text():
    # The oracle wrote "nosuchnick" for every request of `CustomLog file nosuchnick`.
    fmt = resolve_log_format("nosuchnick", {"common": COMMON})
    assert line(fmt, oracle_record()) == "nosuchnick"
    assert resolve_log_format("common", {"common": COMMON}) == COMMON


def test_response_headers_see_err_headers_out_first_as_the_oracle_does():
    # The handler set headers_out X-Out and two Set-Cookie, err_headers_out X-Err, X-Out
    # and a Set-Cookie, and content_type "text/plain ; charset=utf-8".
    record = oracle_record(
        content_type="text/plain ; charset=utf-8",
        headers_out=headers(("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Out", 'o"ut')),
        err_headers_out=headers(("X-Err", "e1"), ("X-Out", "errval"), ("Set-Cookie", "c=3")),
    )
    fmt = "%{X-Err}o|%{X-Out}o|%{Set-Cookie}o|%{Content-Type}o|%{content-type}o|%{Content-Length}o"
    assert line(fmt, record) == "e1|errval|c=3, a=1, b=2|text/plain|text/plain|-"


@pytest.mark.parametrize(
    ("keepalives", "status", "expected"),
    # Three requests on one connection, the last with Connection: close.
    [(1, "+", "0 +"), (2, "+", "1 +"), (2, "-", "1 -"), (0, "X", "0 X")],
)
def test_keepalive_count_and_connection_status(keepalives, status, expected):
    record = oracle_record(keepalives=keepalives, connection_status=status)
    assert line("%k %X", record) == expected


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ('foo=bar; baz=q"ux; =x; foo2', 'bar|q\\"ux'),
        ("foo=bar;baz=2 ;  x=3", "bar|2"),
        ("baz", "-|-"),
        ("foo=", "-|-"),
        ("FOO=upper; BAZ=a=b", "upper|a=b"),
    ],
)
def test_cookie_values_as_the_oracle_parses_them(cookie, expected):
    record = oracle_record(headers_in=headers(("Cookie", cookie)))
    assert line("%{foo}C|%{baz}C", record) == expected


# ---- every directive against a hand-made record --------------------------------------------------


def full_record() -> AccessRecord:
    return AccessRecord(
        remote_ip="10.0.0.1", client_ip="10.0.0.2", remote_port=5555, local_ip="10.0.0.9",
        local_port=8080, server_port=80, remote_logname=None, user="alice",
        request_time=WHEN, duration=1.5, the_request="POST /app/x.py?q=1 HTTP/1.1",
        method="POST", protocol="HTTP/1.1", uri="/app/x.py", args="q=1",
        filename="/srv/app/x.py", handler="mod_python", status=201, bytes_sent=1234,
        content_type=None,
        headers_in=headers(("User-Agent", "UA/1"), ("Cookie", "sid=abc")),
        headers_out=headers(("Content-Type", "text/html; charset=utf-8"), ("X-A", "1")),
        notes=headers(("n1", "note")), env=headers(("E1", "envval")),
        server_name="www.example.com", hostname="alias.example.com", pid=4242, tid=255,
        keepalives=3, connection_status="+", bytes_in=300, bytes_out=1500, log_id=None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("%%", "%"),
        ("%a", "10.0.0.1"),
        ("%{c}a", "10.0.0.2"),
        ("%A", "10.0.0.9"),
        ("%B", "1234"),
        ("%b", "1234"),
        ("%{sid}C", "abc"),
        ("%{nope}C", "-"),
        ("%D", "1500000"),
        ("%{E1}e", "envval"),
        ("%{E2}e", "-"),
        ("%f", "/srv/app/x.py"),
        ("%h", "10.0.0.1"),
        ("%{c}h", "10.0.0.2"),
        ("%H", "HTTP/1.1"),
        ("%{user-agent}i", "UA/1"),
        ("%k", "2"),
        ("%l", "-"),
        ("%L", "-"),
        ("%m", "POST"),
        ("%{n1}n", "note"),
        ("%{Content-Type}o", "text/html; charset=utf-8"),  # no content_type: the header
        ("%{x-a}o", "1"),
        ("%p", "80"),
        ("%{canonical}p", "80"),
        ("%{local}p", "8080"),
        ("%{remote}p", "5555"),
        ("%P", "4242"),
        ("%{pid}P", "4242"),
        ("%{tid}P", "255"),
        ("%{hextid}P", "ff"),
        ("%q", "?q=1"),
        ("%r", "POST /app/x.py?q=1 HTTP/1.1"),
        ("%R", "mod_python"),
        ("%s", "201"),
        ("%>s", "201"),
        ("%<s", "201"),
        ("%t", "[21/Nov/2026:06:58:25 +0000]"),
        ("%{%H:%M}t", "06:58"),
        ("%{end:sec}t", "1795244306"),
        ("%{end:usec_frac}t", "598913"),
        ("%T", "1"),
        ("%{ms}T", "1500"),
        ("%{us}T", "1500000"),
        ("%{s}T", "1"),
        ("%u", "alice"),
        ("%U", "/app/x.py"),
        ("%v", "www.example.com"),
        ("%V", "alias.example.com"),
        ("%X", "+"),
        ("%I", "300"),
        ("%O", "1500"),
        ("%S", "1800"),
        ("%{X}^ti", "-"),
        ("%{X}^to", "-"),
        ("%201{User-Agent}i", "UA/1"),
        ("%!201{User-Agent}i", "-"),
        ("%400,501{User-agent}i", "-"),
        ("%!200,304{User-agent}i", "UA/1"),
        ("%!!201{User-Agent}i", "UA/1"),
        ("[%>U] [%<U]", "[/app/x.py] [/app/x.py]"),
        ("a\\tb", "a\tb"),
    ],
)
def test_directive(fmt, expected):
    assert line(fmt, full_record()) == expected


@pytest.mark.parametrize(
    ("fields", "fmt", "expected"),
    [
        ({"bytes_sent": 0}, "%b %B", "- 0"),
        ({"args": None}, "%q", ""),
        ({"args": ""}, "%q", "?"),
        ({"user": None}, "%u", "-"),
        ({"user": ""}, "%u", '""'),
        ({"filename": None, "handler": None}, "%f %R", "- -"),
        ({"hostname": None}, "%V", "www.example.com"),
        ({"client_ip": None}, "%{c}a %{c}h", "10.0.0.1 10.0.0.1"),
        ({"remote_host": "client.example"}, "%h %a", "client.example 10.0.0.1"),
        ({"bytes_in": None, "bytes_out": None}, "%I %O %S", "- - -"),
        ({"keepalives": 0}, "%k", "0"),
        ({"log_id": "abc"}, "%L %{c}L", "abc -"),
        ({"content_type": "text/plain;x=1"}, "%{Content-Type}o", "text/plain"),
        ({"headers_in": None, "notes": None, "env": None}, "%{a}i %{a}n %{a}e %{a}C", "- - - -"),
        ({"headers_in": headers(("User-Agent", ""))}, "[%{User-Agent}i]", "[]"),
    ],
)
def test_missing_and_empty_values(fields, fmt, expected):
    record = full_record()
    for name, value in fields.items():
        setattr(record, name, value)
    assert line(fmt, record) == expected


def test_original_and_final_request_modifiers():
    record = full_record()
    record.original = AccessRecord(
        status=302, uri="/first", the_request="GET /first HTTP/1.1", handler="first-handler",
        filename="/srv/first", args="orig", duration=9.0, headers_in=record.headers_in,
    )  # fmt: skip
    fmt = "%s %>s %<s|%U %>U|%f %<f|%R %>R|%q %<q|%T %>T|%<302{User-Agent}i|%302{User-Agent}i"
    assert line(fmt, record) == (
        "302 201 302|/first /app/x.py|/srv/app/x.py /srv/first|first-handler mod_python|"
        "?q=1 ?orig|9 1|UA/1|-"
    )


def test_clf_time_offset_west_of_utc(monkeypatch):
    monkeypatch.setenv("TZ", "XST+05:30")  # POSIX: 5h30 behind UTC
    time.tzset()
    monkeypatch.setattr(access_log, "_clf_cache", (-1, ""))
    assert line("%t", full_record()) == "[21/Nov/2026:01:28:25 -0530]"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "-"),
        ("", ""),
        ("plain text ~!", "plain text ~!"),
        ('q"b\\', 'q\\"b\\\\'),
        ("\b\n\r\t\v\f\x00\x1b\x7f", "\\b\\n\\r\\t\\v\\x0c\\x00\\x1b\\x7f"),
        ("\xe9\xff", "\\xe9\\xff"),
        ("\u20ac", "\\xe2\\x82\\xac"),  # outside Latin-1: its UTF-8 bytes
        ("a\udce9", "a\\xe9"),  # a byte kept by surrogateescape
    ],
)
def test_escape_logitem(value, expected):
    assert escape_logitem(value) == expected


def test_literal_text_outside_latin1_is_written_as_utf8():
    assert compile_log_format("\u00e9 %s").line(full_record()) == "\u00e9 201\n".encode()


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("%h %Z", "Unrecognized LogFormat directive %Z"),
        ("%h %{abc", "Ran off end of LogFormat parsing args to some directive"),
        ("%h %400", "Ran off end of LogFormat parsing args to some directive"),
        ("%h %", "Ran off end of LogFormat parsing args to some directive"),
        ("%{x}^tx", "Unrecognized LogFormat directive %^"),
    ],
)
def test_format_errors_use_apache_messages(fmt, message):
    with pytest.raises(LogFormatError, match=f"^{re.escape(message)}$"):
        compile_log_format(fmt)


def test_formats_are_compiled_once():
    assert compile_log_format(COMBINED) is compile_log_format(COMBINED)


# ---- the adapter from our Request ------------------------------------------------------------------


def test_record_from_request(in_handler):
    seen = {}

    def probe(req):
        seen["req"] = req
        req.notes["n"] = "v"
        req.subprocess_env["E"] = "e"
        req.headers_out["X-A"] = "1"
        req.user = "bob"
        req.content_type = "text/plain"
        req.write(b"hello")

    in_handler(probe, path="/probe.py?a=1", headers={"User-Agent": "t/1"})
    record = record_from_request(seen["req"])
    fmt = '%h %a %A %u "%r" %>s %b %B %m %H %U %q %f %R %{n}n %{E}e %{X-A}o %{User-Agent}i %v %V %p'
    text = line(fmt, record)
    docroot = seen["req"].document_root()
    server_name = seen["req"]._vhost.server_name
    assert text == (
        f'127.0.0.1 127.0.0.1 test.local bob "GET /probe.py?a=1 HTTP/1.1" 200 5 5 GET HTTP/1.1 '
        f"/probe.py ?a=1 {docroot}/probe.py mod_python v e 1 t/1 {server_name} test.local 80"
    )
    assert record.pid == os.getpid()
    assert record.original is None
    assert record.remote_port == 40000
    assert record.duration >= 0


def test_record_from_request_after_internal_redirect(in_handler):
    seen = {}

    def probe(req):
        if req.prev is None:
            seen["req"] = req
            req.internal_redirect("/other.py")
        else:
            req.write(b"12345678")

    in_handler(probe, path="/probe.py?x=1")
    record = record_from_request(seen["req"])
    assert line('%<s %>s %U %>U %<q %>q "%r" %b', record) == (
        '200 200 /probe.py /other.py ?x=1  "GET /probe.py?x=1 HTTP/1.1" 8'
    )


# ---- targets and the logger ---------------------------------------------------------------------


def test_file_target_appends(tmp_path):
    path = tmp_path / "access_log"
    path.write_bytes(b"old\n")
    target = open_target(str(path))
    target.write(b"new\n")
    target.close()
    assert path.read_bytes() == b"old\nnew\n"


def test_relative_target_is_under_server_root(tmp_path):
    (tmp_path / "logs").mkdir()
    target = open_target("logs/access_log", str(tmp_path))
    assert isinstance(target, FileTarget)
    assert target.path == str(tmp_path / "logs" / "access_log")
    target.close()


def test_concurrent_writers_produce_whole_lines(tmp_path):
    path = str(tmp_path / "access_log")
    # Two targets on the same file stand for two processes (two O_APPEND descriptors).
    targets = [FileTarget(path), FileTarget(path)]
    fmt = compile_log_format("%h %{X}i " + "x" * 200)
    threads_count, lines_each = 8, 300

    def writer(number: int) -> None:
        record = AccessRecord(remote_ip=f"t{number}", headers_in=headers(("X", str(number))))
        data = fmt.line(record)
        for _ in range(lines_each):
            targets[number % 2].write(data)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for target in targets:
        target.close()
    lines = open(path, "rb").read().split(b"\n")
    assert lines.pop() == b""
    assert len(lines) == threads_count * lines_each
    for text in lines:
        number = text.split(b" ")[1]
        assert text == f"t{number.decode()} {number.decode()} ".encode() + b"x" * 200


def test_reopen_continues_in_a_new_file_after_rotation(tmp_path):
    path = tmp_path / "access_log"
    target = FileTarget(str(path))
    target.write(b"one\n")
    os.rename(path, tmp_path / "access_log.1")
    target.write(b"two\n")  # still the renamed file until reopen
    target.reopen()
    target.write(b"three\n")
    target.close()
    assert (tmp_path / "access_log.1").read_bytes() == b"one\ntwo\n"
    assert path.read_bytes() == b"three\n"


def wait_for_content(path, expected: bytes, timeout: float = 10.0) -> bytes:
    deadline = time.monotonic() + timeout
    content = b""
    while time.monotonic() < deadline:
        content = path.read_bytes() if path.exists() else b""
        if content == expected:
            break
        time.sleep(0.01)
    return content


@pytest.mark.parametrize("prefix", ["|", "||", "|$"])
def test_pipe_target_feeds_the_program(tmp_path, prefix):
    out = tmp_path / "piped"
    if prefix == "|$":
        command = f"cat >> '{out}'"
    else:
        command = f"/bin/sh -c \"cat >> '{out}'\""
    target = open_target(prefix + command)
    assert isinstance(target, PipeTarget)
    target.write(b"line 1\n")
    target.write(b"line 2\n")
    target.close()
    assert out.read_bytes() == b"line 1\nline 2\n"


def test_pipe_target_restarts_a_dead_program(tmp_path):
    out = tmp_path / "piped"
    target = PipeTarget(f"|$exec cat >> '{out}'")  # exec: the program is the reader
    target.write(b"first\n")
    assert wait_for_content(out, b"first\n") == b"first\n"
    process = target._process
    process.kill()
    process.wait()
    target.write(b"second\n")
    target.close()
    assert out.read_bytes() == b"first\nsecond\n"


CONFIG = """
ServerName main.example
LogFormat "%h %>s %U" short
LogFormat "%v %U"
CustomLog {root}/main_log short
TransferLog {root}/transfer_log
CustomLog {root}/literal_log "literal %s"
<VirtualHost *:80>
    ServerName vhost.example
    CustomLog {root}/vhost_log "%v %{Host}i"
</VirtualHost>
<VirtualHost *:80>
    ServerName inherit.example
</VirtualHost>
"""


def test_logger_writes_every_log_of_a_server(tmp_path):
    settings = load_config_text(CONFIG.replace("{root}", str(tmp_path)))
    logger = AccessLogger(settings)
    main, vhost, inheriting = settings, settings.vhosts[0], settings.vhosts[1]
    record = AccessRecord(remote_ip="1.2.3.4", uri="/a", server_name="main.example")
    logger.log(record)
    logger.log(AccessRecord(uri="/v", server_name="vhost.example",
                            headers_in=headers(("Host", "v"))), vhost)  # fmt: skip
    logger.log(AccessRecord(uri="/i", server_name="inherit.example", status=404), inheriting)
    logger.log(record, main)
    logger.close()
    assert (tmp_path / "main_log").read_text() == "1.2.3.4 200 /a\n- 404 /i\n1.2.3.4 200 /a\n"
    assert (tmp_path / "transfer_log").read_text() == (
        "main.example /a\ninherit.example /i\nmain.example /a\n"
    )
    assert (tmp_path / "literal_log").read_text() == "literal 200\nliteral 404\nliteral 200\n"
    assert (tmp_path / "vhost_log").read_text() == "vhost.example v\n"


def test_logger_opens_a_target_shared_by_servers_once(tmp_path):
    settings = load_config_text(CONFIG.replace("{root}", str(tmp_path)))
    logger = AccessLogger(settings)
    assert len(logger.targets) == 4
    logger.close()


def test_logger_rejects_a_bad_format_at_start(tmp_path):
    settings = load_config_text(f'CustomLog {tmp_path}/x "%Z"')
    with pytest.raises(LogFormatError):
        AccessLogger(settings)


def test_logger_reports_write_errors_once_and_never_raises(tmp_path):
    settings = load_config_text(f"CustomLog {tmp_path}/x common")
    errors = io.StringIO()
    logger = AccessLogger(settings, error_stream=errors)
    target = logger.targets[0]
    os.close(target._fd)  # the descriptor goes bad under the logger
    logger.log(AccessRecord())
    logger.log(AccessRecord())
    assert errors.getvalue().count("\n") == 1
    assert "access log" in errors.getvalue()
    target._fd = -1


def test_logger_reopen_reopens_files(tmp_path):
    settings = load_config_text(f"CustomLog {tmp_path}/x %U")
    logger = AccessLogger(settings)
    logger.log(AccessRecord(uri="/1"))
    os.rename(tmp_path / "x", tmp_path / "x.1")
    logger.reopen()
    logger.log(AccessRecord(uri="/2"))
    logger.close()
    assert (tmp_path / "x.1").read_text() == "/1\n"
    assert (tmp_path / "x").read_text() == "/2\n"


def test_unopenable_target_raises_at_start(tmp_path):
    settings = load_config_text(f"CustomLog {tmp_path}/no/such/dir/x common")
    with pytest.raises(OSError, match="could not open"):
        AccessLogger(settings)
