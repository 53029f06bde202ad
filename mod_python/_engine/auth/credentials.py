"""The user and password of an ``Authorization: Basic`` header, read the way Apache reads it.

mod_auth_basic is lenient, and clients can observe it (all verified on Apache 2.4.68):

- the scheme is the text before the first space, compared case-insensitively with "Basic";
- spaces and tabs after it are skipped, then apr's base64 decoder takes the longest run of
  base64 alphabet characters and ignores the rest (padding, garbage, a second word);
- the decoded bytes end at their first NUL (they become a C string);
- the user is the text before the first ``:``, the password everything after it (more
  colons included); with no colon at all the whole text is the user and the password is
  empty (the login then fails as a password mismatch, not as a malformed header).

Bytes are decoded as Latin-1, so every byte survives, like the engine's other request
strings; a UTF-8 user name arrives as its Latin-1 spelling and matches htpasswd and htgroup
entries, which ``userfiles`` reads the same way.
"""

from __future__ import annotations

_BASE64_VALUES = {
    char: value
    for value, char in enumerate(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    )
}


def decode_base64_leniently(text: bytes) -> bytes:
    """apr's base64 decoding: the leading run of alphabet characters, any trailing bits dropped."""
    bits = 0
    bit_count = 0
    out = bytearray()
    for char in text:
        value = _BASE64_VALUES.get(char)
        if value is None:
            break
        bits = (bits << 6) | value
        bit_count += 6
        if bit_count >= 8:
            bit_count -= 8
            out.append((bits >> bit_count) & 0xFF)
            bits &= (1 << bit_count) - 1
    return bytes(out)


def check_basic_credentials(authorization: str | bytes | None) -> tuple[str, str] | None:
    """``(user, password)`` from an Authorization header value, or None if it is not Basic.

    None means what Apache logs as AH01614 "client used wrong authentication scheme" (or a
    missing header): the caller answers 401 with a fresh challenge. Any Basic header gives
    a pair, possibly ``("", "")``, which then fails the password lookup as Apache's does.
    """
    if authorization is None:
        return None
    raw = (
        authorization.encode("latin-1", "replace")
        if isinstance(authorization, str)
        else authorization
    )
    scheme, _, rest = raw.partition(b" ")
    if scheme.lower() != b"basic":
        return None
    decoded = decode_base64_leniently(rest.lstrip(b" \t")).split(b"\0", 1)[0]
    user, _, password = decoded.partition(b":")
    return user.decode("latin-1"), password.decode("latin-1")
