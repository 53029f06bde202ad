"""mod_python.Cookie: attributes and rendering, the parser, signed and marshalled cookies,
and the request helpers (SPEC 6.2; SPEC 12 test_Cookie_Cookie, test_Cookie_MarshalCookie)."""

from __future__ import annotations

import base64
import datetime
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mod_python import Cookie
from mod_python._engine import cookies as cookie_impl
from mod_python._engine.table import table

SECRET = "a shared secret"


class FakeRequest:
    """Just the header tables the cookie helpers touch."""

    def __init__(self, cookie_header: str | None = None):
        self.headers_in = table()
        self.headers_out = table()
        if cookie_header is not None:
            self.headers_in["Cookie"] = cookie_header


# ---- attributes and rendering ---------------------------------------------------------------


def test_plain_cookie_renders_name_and_value():
    assert str(Cookie.Cookie("spam", "eggs")) == "spam=eggs"


def test_attributes_render_in_mod_pythons_order_whatever_order_they_were_set():
    cookie = Cookie.Cookie("a", "b", httponly=True, domain="example.test", path="/x", version=1)
    assert str(cookie) == "a=b; version=1; path=/x; domain=example.test; httponly"


@pytest.mark.parametrize("flag", ["secure", "discard", "httponly"])
def test_flags_render_as_a_bare_word_even_when_set_false(flag):
    assert str(Cookie.Cookie("a", "b", **{flag: False})) == f"a=b; {flag}"


def test_max_age_renders_as_the_attribute_browsers_understand():
    assert str(Cookie.Cookie("a", "b", max_age=60)) == "a=b; Max-Age=60"


def test_repr_names_the_class():
    assert repr(Cookie.Cookie("a", "b", path="/")) == "<Cookie: a=b; path=/>"


def test_unknown_attribute_is_refused():
    with pytest.raises(AttributeError):
        Cookie.Cookie("a", "b", colour="red")


def test_keyword_attribute_names_are_lower_cased_so_commentURL_needs_assignment():
    with pytest.raises(AttributeError):
        Cookie.Cookie("a", "b", commentURL="http://example.test/")
    cookie = Cookie.Cookie("a", "b")
    cookie.commentURL = "http://example.test/"
    assert str(cookie) == "a=b; commentURL=http://example.test/"


def test_subclasses_keep_the_fixed_attribute_set():
    class Tasty(Cookie.Cookie):
        pass

    with pytest.raises(AttributeError):
        Tasty("a", "b").flavour = "sweet"


@pytest.mark.parametrize(
    ("given", "rendered"),
    [
        (0, "Thu, 01-Jan-1970 00:00:00 GMT"),
        (1055558556, "Sat, 14-Jun-2003 02:42:36 GMT"),
        (1055558556.9, "Sat, 14-Jun-2003 02:42:36 GMT"),
        ("Sat, 14-Jun-2003 02:42:36 GMT", "Sat, 14-Jun-2003 02:42:36 GMT"),
        ("Sat, 14 Jun 2003 02:42:36 GMT", "Sat, 14 Jun 2003 02:42:36 GMT"),
        (datetime.datetime(2003, 6, 14, 2, 42, 36), "Sat, 14-Jun-2003 02:42:36 GMT"),
        (
            datetime.datetime(2003, 6, 14, 4, 42, 36,
                              tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
            "Sat, 14-Jun-2003 02:42:36 GMT",
        ),
    ],
)  # fmt: skip
def test_expires_accepts_seconds_dates_and_datetimes(given, rendered):
    cookie = Cookie.Cookie("a", "b", expires=given)
    assert cookie.expires == rendered
    assert str(cookie) == f"a=b; expires={rendered}"


@pytest.mark.parametrize(
    "bad",
    ["tomorrow", "Sat, 31-Feb-2003 02:42:36 GMT", "Sat, 14-Jun-2003 02:42:36 CET",
     "Sat, 14-Juni-2003 02:42:36 GMT", "", None, [1]],
)  # fmt: skip
def test_expires_refuses_anything_else(bad):
    with pytest.raises(ValueError, match="Invalid expires time"):
        Cookie.Cookie("a", "b", expires=bad)


# ---- parsing -----------------------------------------------------------------------------


def parsed_values(header: str, **kwargs) -> dict[str, str]:
    return {name: cookie.value for name, cookie in Cookie.Cookie.parse(header, **kwargs).items()}


def test_every_pair_is_a_cookie_even_attribute_names():
    # SPEC 12 test_Cookie_Cookie's header: path=blah comes back as a cookie named path.
    assert parsed_values("spam=foo; path=blah;;eggs=bar;") == {
        "spam": "foo", "path": "blah", "eggs": "bar",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("$Version=1; a=b; $Path=/", {"a": "b"}),
        ('a="x; y"; b=2', {"a": '"x; y"', "b": "2"}),
        ('a="say \\"hi\\""', {"a": '"say \\"hi\\""'}),
        ("a=1; a=2", {"a": "2"}),
        (" , a=1, b=2", {"a": "1, b=2"}),
        ("a=1;, b=2", {"a": "1", "b": "2"}),
        ("flag; a=1", {"flag": "", "a": "1"}),
        ("a = 1 ;b=2", {"a": "1 ", "b": "2"}),
        ("=x; a=1", {"x": "", "a": "1"}),
        ('a="unterminated; b=2', {"a": '"unterminated', "b": "2"}),
        ("", {}),
        (";;;", {}),
    ],
)  # fmt: skip
def test_parser_follows_mod_pythons_rules(header, expected):
    assert parsed_values(header) == expected


def test_names_restricts_the_cookies_returned():
    assert parsed_values("a=1; b=2; c=3", names=["b"]) == {"b": "2"}


@given(st.text())
def test_parser_never_raises_on_any_header(header):
    parsed = Cookie.Cookie.parse(header)
    assert all(name and not name.startswith("$") for name in parsed)


def test_parser_takes_a_megabyte_of_separators_in_its_stride():
    # A backtracking pattern would take quadratic time here; the scanner is one pass.
    assert parsed_values(" " * 1_000_000 + "a=1" + "; " * 100_000) == {"a": "1"}


# ---- signed cookies -------------------------------------------------------------------------


def test_signature_is_hmac_md5_of_name_then_value_before_the_value():
    # The wire format of mod_python (as run on Python 2): 32 hex digits, then the value.
    expected = hmac.new(b"sek", b"nval", "md5").hexdigest()
    assert expected == "6b9477097bd204256fe5aa6614c53572"
    assert str(Cookie.SignedCookie("n", "val", secret="sek")) == f"n={expected}val"


def test_signed_cookie_round_trips():
    header = str(Cookie.SignedCookie("user", "alice", secret=SECRET, path="/")).split(";")[0]
    parsed = Cookie.SignedCookie.parse(header, SECRET)
    assert parsed["user"].value == "alice"
    assert isinstance(parsed["user"], Cookie.SignedCookie)


def test_signing_without_a_secret_fails():
    with pytest.raises(Cookie.CookieError, match="Cannot sign without a secret"):
        str(Cookie.SignedCookie("n", "v"))


def forged(name: str = "user", value: str = "admin") -> str:
    return f"{name}={'0' * 32}{value}"


def test_badly_signed_cookie_is_dropped_by_default():
    assert Cookie.SignedCookie.parse(forged(), SECRET) == {}


def test_badly_signed_cookie_raises_when_asked():
    with pytest.raises(Cookie.CookieError, match="Incorrectly Signed Cookie"):
        Cookie.SignedCookie.parse(forged(), SECRET, mismatch=Cookie.Cookie.EXCEPTION)


def test_downgrade_is_an_explicit_opt_in_giving_a_plain_unverified_cookie():
    parsed = Cookie.SignedCookie.parse(forged(), SECRET, mismatch=Cookie.Cookie.DOWNGRADE)
    assert type(parsed["user"]) is Cookie.Cookie
    assert parsed["user"].value == "0" * 32 + "admin"


@pytest.mark.parametrize("value", ["", "short", "x" * 31])
def test_values_shorter_than_a_signature_never_verify(value):
    assert Cookie.SignedCookie.parse(f"n={value}", SECRET) == {}


def test_a_cookie_signed_with_another_secret_does_not_verify():
    header = str(Cookie.SignedCookie("n", "v", secret="other secret"))
    assert Cookie.SignedCookie.parse(header, SECRET) == {}


def test_a_signature_renamed_onto_another_cookie_does_not_verify():
    signed = str(Cookie.SignedCookie("role", "admin", secret=SECRET))
    assert Cookie.SignedCookie.parse("x" + signed, SECRET) == {}


def test_signatures_are_compared_in_constant_time(monkeypatch):
    calls = []
    original = hmac.compare_digest

    def recording(a, b):
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(cookie_impl.hmac, "compare_digest", recording)
    Cookie.SignedCookie.parse(str(Cookie.SignedCookie("n", "v", secret=SECRET)), SECRET)
    assert len(calls) == 1


def test_bytes_and_text_secrets_sign_alike():
    assert str(Cookie.SignedCookie("n", "v", secret=b"key")) == str(
        Cookie.SignedCookie("n", "v", secret="key")
    )


# ---- marshalled cookies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [{"a": [1, 2.5, "x"]}, ("t", None, True), 12345678901234567890, "plain", b"bytes", {1, 2}],
)
def test_marshal_cookie_round_trips_any_marshallable_value(value):
    header = str(Cookie.MarshalCookie("m", value, secret=SECRET))
    assert Cookie.MarshalCookie.parse(header, SECRET)["m"].value == value


def test_marshal_cookie_value_is_signed_base64_without_whitespace():
    header = str(Cookie.MarshalCookie("m", "x" * 500, secret=SECRET))
    value = header.split("=", 1)[1]
    signature, encoded = value[:32], value[32:]
    assert signature == cookie_impl.signature(SECRET, "m", encoded)
    assert not any(character.isspace() for character in encoded)
    base64.b64decode(encoded, validate=True)


def test_marshal_cookie_reads_a_value_marshalled_by_python_2():
    # What Python 2's marshal.dumps({'a': 1}) wrote: an interned str key and an int.
    encoded = base64.b64encode(b"{t\x01\x00\x00\x00ai\x01\x00\x00\x000").decode()
    header = f"m={cookie_impl.signature(SECRET, 'm', encoded)}{encoded}"
    assert Cookie.MarshalCookie.parse(header, SECRET)["m"].value == {"a": 1}


def test_nothing_is_unmarshalled_before_the_signature_verifies(monkeypatch):
    unmarshalled = []
    monkeypatch.setattr(cookie_impl.marshal, "loads", lambda data: unmarshalled.append(data))
    encoded = base64.b64encode(b"i\x01\x00\x00\x00").decode()
    assert Cookie.MarshalCookie.parse(f"m={'f' * 32}{encoded}", SECRET) == {}
    assert unmarshalled == []


def test_signed_but_not_marshalled_cookie_is_dropped_or_downgraded_to_its_value():
    # MODPYTHON-200: with downgrade, a signed (not marshalled) cookie reads as a plain one.
    header = str(Cookie.SignedCookie("s", "hello!", secret=SECRET))
    assert Cookie.MarshalCookie.parse(header, SECRET) == {}
    downgraded = Cookie.MarshalCookie.parse(header, SECRET, mismatch=Cookie.Cookie.DOWNGRADE)
    assert type(downgraded["s"]) is Cookie.Cookie
    assert downgraded["s"].value == "hello!"


def test_signed_garbage_that_is_not_marshal_data_raises_when_asked():
    encoded = base64.b64encode(b"\xff\xfe not marshal").decode()
    header = f"m={cookie_impl.signature(SECRET, 'm', encoded)}{encoded}"
    with pytest.raises(Cookie.CookieError, match="Cannot Unmarshal Cookie"):
        Cookie.MarshalCookie.parse(header, SECRET, mismatch=Cookie.Cookie.EXCEPTION)


# ---- request helpers ------------------------------------------------------------------------


def test_add_cookie_sends_the_cache_control_header_once():
    req = FakeRequest()
    Cookie.add_cookie(req, Cookie.Cookie("a", "1"))
    Cookie.add_cookie(req, "b", "2", path="/")
    assert req.headers_out.items() == [
        ("Cache-Control", 'no-cache="set-cookie"'),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2; path=/"),
    ]


def test_get_cookies_without_a_cookie_header_is_empty():
    assert Cookie.get_cookies(FakeRequest()) == {}


def test_get_cookies_joins_several_cookie_headers():
    req = FakeRequest("a=1")
    req.headers_in.add("Cookie", "b=2")
    assert sorted(Cookie.get_cookies(req)) == ["a", "b"]


def test_get_cookie_finds_one_or_none():
    req = FakeRequest("a=1; b=2")
    assert Cookie.get_cookie(req, "b").value == "2"
    assert Cookie.get_cookie(req, "c") is None


def test_get_cookie_with_a_signed_class_verifies():
    signed = str(Cookie.SignedCookie("a", "1", secret=SECRET))
    req = FakeRequest(f"{signed}; {forged('b')}")
    assert Cookie.get_cookie(req, "a", Cookie.SignedCookie, secret=SECRET).value == "1"
    assert Cookie.get_cookie(req, "b", Cookie.SignedCookie, secret=SECRET) is None


ECHO_HANDLER = """
from mod_python import Cookie, apache

def handler(req):
    for name, cookie in sorted(Cookie.get_cookies(req).items()):
        Cookie.add_cookie(req, cookie)
    req.write("test ok")
    return apache.OK
"""


@pytest.fixture
def echo_site(make_site):
    conf = '<Directory "{docroot}">\n SetHandler mod_python\n PythonHandler echo\n</Directory>'
    return make_site(conf, files={"echo.py": ECHO_HANDLER})


def test_cookies_of_two_headers_are_each_sent_back(echo_site):
    # SPEC 12 test_Cookie_Cookie (httpd merges repeated headers with ", ").
    response = echo_site.get(
        "/echo.py", headers={"Cookie": "spam=foo; path=blah;;eggs=bar;, bar=foo"}
    )
    assert response.status == 200
    assert sorted(response.header_values("Set-Cookie")) == [
        "bar=foo", "eggs=bar", "path=blah", "spam=foo",
    ]  # fmt: skip


@pytest.mark.parametrize("value", [{"short": 1}, {"long": "x" * 2000, "list": list(range(50))}])
def test_marshalled_cookies_pass_through_a_plain_cookie_handler_unchanged(echo_site, value):
    # SPEC 12 test_Cookie_MarshalCookie: parsed as plain cookies, echoed byte for byte.
    pair = str(Cookie.MarshalCookie("marshal", value, secret=SECRET))
    response = echo_site.get("/echo.py", headers={"Cookie": pair})
    assert response.header_values("Set-Cookie") == [pair]
