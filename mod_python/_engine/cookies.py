"""Cookies as mod_python's ``Cookie`` module shows them: one object per cookie.

The wire formats are mod_python's, so cookies issued by an old deployment still read:
a signed value is ``<32 hex HMAC-MD5 of name+value keyed with the secret><value>``; a
marshalled value is that signature over the base64 of ``marshal.dumps(value)``. What
changed is how they are checked: signatures compare in constant time, the digest is
named, a badly signed cookie is dropped unless the caller asks for the old
"downgrade to a plain cookie" answer, and nothing is unmarshalled before it verifies.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import datetime
import hmac
import marshal
import re
import time
from collections.abc import Iterable
from typing import Any

# The attributes a cookie may carry, in the order mod_python renders them.
VALID_ATTRIBUTES = (
    "version", "path", "domain", "secure", "comment", "expires", "max_age", "samesite",
    "commentURL", "discard", "port", "httponly",
)  # fmt: skip
# Flags rendered as a bare word whenever they are set (even to False, as mod_python does).
_FLAG_ATTRIBUTES = frozenset({"secure", "discard", "httponly"})
# mod_python wrote ``max_age=``, which no browser understands; Max-Age is what it meant.
_RENDERED_NAMES = {"max_age": "Max-Age"}

SIGNATURE_LENGTH = 32  # hex digits of an HMAC-MD5
SIGNATURE_DIGEST = "md5"  # mod_python's HMAC default on Python 2: kept for its cookies
MARSHAL_VERSION = 2  # the newest format Python 2's marshal (old deployments) can read

# Characters httpd refuses in a response header value: controls but the tab, and DEL.
_HEADER_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f]")

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class CookieError(Exception):
    """A cookie that cannot be signed, verified, decoded or unmarshalled."""


# ---- expires --------------------------------------------------------------------------------


def format_expires(seconds: float) -> str:
    """``Wdy, DD-Mon-YYYY HH:MM:SS GMT`` (Netscape's form, as mod_python writes it)."""
    moment = time.gmtime(seconds)
    return (
        f"{_DAYS[moment.tm_wday]}, {moment.tm_mday:02d}-{_MONTHS[moment.tm_mon - 1]}-"
        f"{moment.tm_year:04d} {moment.tm_hour:02d}:{moment.tm_min:02d}:{moment.tm_sec:02d} GMT"
    )


def _parse_expires_text(text: str) -> bool:
    """Whether ``text`` is a date in Netscape's or RFC 1123's form (English names, GMT).

    Parsed by hand rather than with ``strptime``, whose month names follow the locale.
    """
    weekday, comma, rest = text.partition(", ")
    if not comma or weekday not in _DAYS:
        return False
    parts = rest.replace("-", " ").split(" ")
    if len(parts) != 5 or parts[4] != "GMT" or parts[1] not in _MONTHS:
        return False
    day, year, clock = parts[0], parts[2], parts[3].split(":")
    if not (day.isdigit() and year.isdigit() and len(year) == 4 and len(clock) == 3):
        return False
    if not all(len(field) == 2 and field.isdigit() for field in clock):
        return False
    try:
        datetime.datetime(int(year), _MONTHS.index(parts[1]) + 1, int(day),
                          int(clock[0]), int(clock[1]), int(clock[2]))  # fmt: skip
    except ValueError:
        return False
    return True


def expires_text(value: Any) -> str:
    """The text of an ``expires`` attribute: a date string kept as given, else formatted.

    Accepted: a string in Netscape's (``Sat, 14-Jun-2003 02:42:36 GMT``) or RFC 1123's
    form, seconds since the epoch (int or float), or a ``datetime`` (naive = UTC).
    """
    if isinstance(value, str):
        if not _parse_expires_text(value):
            raise ValueError(f"Invalid expires time: {value}")
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return format_expires(calendar.timegm(value.utctimetuple()))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"Invalid expires time: {value!r}")
    return format_expires(value)


# ---- the classes ----------------------------------------------------------------------------


class metaCookie(type):  # noqa: N801 - the name mod_python exports
    """Gives every cookie class the fixed attribute set (``__slots__``) and ``_valid_attr``."""

    def __new__(mcs, name: str, bases: tuple, namespace: dict):
        namespace["_valid_attr"] = VALID_ATTRIBUTES
        if any(isinstance(base, metaCookie) for base in bases):
            namespace["__slots__"] = ()  # the slots come from the base cookie class
        else:
            # ``expires`` is a property over ``_expires``, so it is not a slot itself.
            attributes = tuple(a for a in VALID_ATTRIBUTES if a != "expires")
            namespace["__slots__"] = (*attributes, "name", "value", "_value", "_expires",
                                      "__data__")  # fmt: skip
        return super().__new__(mcs, name, bases, namespace)


def _render(cookie: Cookie, value_text: str) -> str:
    parts = [f"{cookie.name}={value_text}"]
    for attribute in VALID_ATTRIBUTES:
        try:
            value = getattr(cookie, attribute)
        except AttributeError:  # never set
            continue
        if attribute in _FLAG_ATTRIBUTES:
            parts.append(attribute)
        else:
            parts.append(f"{_RENDERED_NAMES.get(attribute, attribute)}={value}")
    return "; ".join(parts)


class Cookie(metaclass=metaCookie):
    """One cookie: a name, a value and the attributes in ``VALID_ATTRIBUTES``."""

    # What SignedCookie/MarshalCookie.parse do with a cookie that does not verify.
    DOWNGRADE = 0  # keep it as a plain Cookie holding the raw value (explicit opt-in only)
    IGNORE = 1  # drop it (our default)
    EXCEPTION = 3  # raise CookieError

    def __init__(self, name: str, value: Any, **attributes: Any):
        self.name, self.value = name, value
        for attribute, attribute_value in attributes.items():
            # mod_python lower-cases keyword names (so commentURL= fails; assign it instead).
            setattr(self, attribute.lower(), attribute_value)
        self.__data__ = {}

    @property
    def expires(self) -> str:
        return self._expires

    @expires.setter
    def expires(self, value: Any) -> None:
        self._expires = expires_text(value)

    @classmethod
    def parse(cls, text: str | bytes, names: Iterable[str] | None = None) -> dict[str, Cookie]:
        """Every ``name=value`` pair of a Cookie header value, as instances of ``cls``."""
        return {name: cls(name, value) for name, value in parse_pairs(text, names)}

    def __str__(self) -> str:
        return _render(self, self.value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self}>"


def _message_bytes(text: str) -> bytes:
    # Header text is Latin-1 on the wire (WSGI); anything else could never be sent anyway.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _key_bytes(secret: str | bytes) -> bytes:
    return secret if isinstance(secret, bytes) else secret.encode("utf-8")


def signature(secret: str | bytes, name: str, value: str) -> str:
    """mod_python's cookie signature: hex HMAC-MD5 keyed with ``secret`` over name+value."""
    mac = hmac.new(_key_bytes(secret), _message_bytes(name), SIGNATURE_DIGEST)
    mac.update(_message_bytes(value))
    return mac.hexdigest()


def _verified_value(cookie: Cookie, secret: str | bytes | None) -> str:
    """The value of a signed cookie without its signature, or CookieError."""
    raw = cookie.value
    if not secret or not isinstance(raw, str) or len(raw) < SIGNATURE_LENGTH:
        raise CookieError(f"Incorrectly Signed Cookie: {cookie.name}={raw}")
    claimed, value = raw[:SIGNATURE_LENGTH], raw[SIGNATURE_LENGTH:]
    expected = signature(secret, cookie.name, value)
    if not hmac.compare_digest(_message_bytes(claimed), expected.encode("ascii")):
        raise CookieError(f"Incorrectly Signed Cookie: {cookie.name}={raw}")
    return value


def _parse_verified(cls, text, secret, mismatch, names, verify) -> dict[str, Cookie]:
    """Parse, then verify each cookie with ``verify``; ``mismatch`` says what failures become."""
    cookies: dict[str, Cookie] = {}
    for name, raw in parse_pairs(text, names):
        cookie = cls(name, raw, secret=secret)
        try:
            verify(cookie, secret)
        except CookieError:
            if mismatch == Cookie.EXCEPTION:
                raise
            if mismatch == Cookie.DOWNGRADE:
                # The original's answer: a plain (unverified) Cookie with what was left.
                cookies[name] = Cookie(name, cookie.value)
            continue
        cookies[name] = cookie
    return cookies


class SignedCookie(Cookie):
    """A cookie whose value carries an HMAC signature, so the client cannot alter it."""

    def __init__(self, name: str, value: Any, secret: str | bytes | None = None, **attributes):
        super().__init__(name, value, **attributes)
        self.__data__["secret"] = secret

    @classmethod
    def parse(cls, text: str | bytes, secret: str | bytes | None = None,
              mismatch: int = Cookie.IGNORE, names: Iterable[str] | None = None,
              ) -> dict[str, Cookie]:  # fmt: skip
        """The cookies whose signature verifies with ``secret``; the others per ``mismatch``."""
        return _parse_verified(cls, text, secret, mismatch, names, cls.unsign)

    def hexdigest(self, value: str) -> str:
        secret = self.__data__.get("secret")
        if not secret:
            raise CookieError("Cannot sign without a secret")
        return signature(secret, self.name, value)

    def unsign(self, secret: str | bytes | None) -> None:
        """Check the signature; on success ``value`` becomes the value without it."""
        self.value = _verified_value(self, secret)
        self.__data__["secret"] = secret

    def __str__(self) -> str:
        value = str(self.value)
        return _render(self, self.hexdigest(value) + value)


class MarshalCookie(SignedCookie):
    """A signed cookie holding any marshallable value (base64 of ``marshal.dumps``)."""

    @classmethod
    def parse(cls, text: str | bytes, secret: str | bytes | None = None,
              mismatch: int = Cookie.IGNORE, names: Iterable[str] | None = None,
              ) -> dict[str, Cookie]:  # fmt: skip
        """Cookies that verify and unmarshal; signed-but-not-marshalled ones are failures too."""
        return _parse_verified(cls, text, secret, mismatch, names, cls.unmarshal)

    def __str__(self) -> str:
        encoded = base64.b64encode(marshal.dumps(self.value, MARSHAL_VERSION)).decode("ascii")
        return _render(self, self.hexdigest(encoded) + encoded)

    def unmarshal(self, secret: str | bytes | None) -> None:
        """Verify, then decode: ``value`` becomes the unmarshalled object."""
        self.unsign(secret)  # nothing below runs on data the secret did not sign
        try:
            data = base64.b64decode(self.value.encode("ascii"))
        except (UnicodeEncodeError, binascii.Error, ValueError):
            raise CookieError(f"Cannot base64 Decode Cookie: {self.name}={self.value}") from None
        try:
            self.value = marshal.loads(data)
        except Exception:  # noqa: BLE001 - any bad data is the same refusal
            raise CookieError(f"Cannot Unmarshal Cookie: {self.name}={self.value}") from None


# ---- parsing ----------------------------------------------------------------------------------


def parse_pairs(text: str | bytes, names: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a Cookie header, in one linear pass; never raises.

    mod_python's rules: separators ``,`` and space before a name are skipped; a name runs
    to ``;``, space or ``=``; the value is a double-quoted string (kept with its quotes)
    or everything up to the next ``;``. Names starting with ``$`` (RFC 2109 attributes)
    are skipped, attribute-looking pairs (``path=...``) are cookies like any other, and a
    later duplicate replaces an earlier one.
    """
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    if not isinstance(text, str):
        return []
    wanted = None if names is None else set(names)
    found: dict[str, str] = {}
    length, position = len(text), 0
    while position < length:
        while position < length and text[position] in ", ":
            position += 1
        if position >= length:
            break
        if text[position] in ";=":  # no name here: move on
            position += 1
            continue
        start = position
        while position < length and text[position] not in "; =":
            position += 1
        name = text[start:position]
        while position < length and text[position] == " ":
            position += 1
        if position < length and text[position] == "=":
            position += 1
            while position < length and text[position] == " ":
                position += 1
        value_end = _quoted_end(text, position)
        if value_end < 0:
            value_end = text.find(";", position)
            if value_end < 0:
                value_end = length
        value = text[position:value_end]
        position = value_end
        while position < length and text[position].isspace():
            position += 1
        if position < length and text[position] == ";":
            position += 1
        if not name.startswith("$") and (wanted is None or name in wanted):
            found[name] = value
    return list(found.items())


def _quoted_end(text: str, position: int) -> int:
    """Index just past a double-quoted string starting at ``position``, or -1."""
    if position >= len(text) or text[position] != '"':
        return -1
    position += 1
    while position < len(text):
        character = text[position]
        if character == "\\":
            position += 2
            continue
        if character == '"':
            return position + 1
        position += 1
    return -1


# ---- request helpers --------------------------------------------------------------------------


def add_cookie(req, cookie: Cookie | str, value: str = "", **attributes: Any) -> None:
    """Send ``cookie`` (or ``Cookie(cookie, value, **attributes)``) in a Set-Cookie header."""
    if not isinstance(cookie, Cookie):
        cookie = Cookie(cookie, value, **attributes)
    headers = req.headers_out
    if "Set-Cookie" not in headers:
        # Shared caches must not store a response that sets a cookie.
        headers.add("Cache-Control", 'no-cache="set-cookie"')
    rendered = str(cookie)
    # httpd refuses a response header holding a control character (AH02430, a 500): a value
    # taken from the request must not split the response or smuggle a header in.
    if _HEADER_CONTROL_CHARACTER.search(rendered):
        raise ValueError(f"Set-Cookie value contains a control character: {rendered!r}")
    headers.add("Set-Cookie", rendered)


def get_cookies(req, Class: type[Cookie] = Cookie, **options: Any) -> dict[str, Cookie]:  # noqa: N803
    """The request's cookies parsed by ``Class`` (several Cookie headers count as one)."""
    headers = req.headers_in
    if "cookie" not in headers:
        return {}
    header = headers["cookie"]
    if isinstance(header, list):
        header = "; ".join(header)
    return Class.parse(header, **options)


def get_cookie(req, name: str, Class: type[Cookie] = Cookie, **options: Any) -> Cookie | None:  # noqa: N803
    """The request's cookie ``name`` parsed by ``Class``, or None."""
    return get_cookies(req, Class, names=[name], **options).get(name)
