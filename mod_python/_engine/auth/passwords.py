"""Checking a password against one htpasswd hash, as Apache 2.4 on Unix does.

apr-util's password check recognises three formats by prefix and hands everything else to
the system's ``crypt()``, then compares the result with the stored text:

- ``$apr1$``: Apache's MD5 crypt (computed here in pure Python);
- ``{SHA}``: base64 of the password's SHA-1 digest;
- ``$2y$`` / ``$2a$`` (and ``$2b$``, which apr passes to ``crypt()``): bcrypt, via the
  ``bcrypt`` package, the password cut to bcrypt's 72 bytes;
- anything else: ``crypt(password, stored)`` of the C library, which on Linux covers DES,
  ``$1$`` (MD5), ``$5$`` / ``$6$`` (SHA-2) and ``$2b$``/``$2x$``. A plain-text entry is
  therefore *not* accepted on Unix: crypt() of the password with the plain text as its
  setting never reproduces the plain text (verified on Apache 2.4.68, Debian bookworm).

``$1$`` is computed in pure Python too (it is the same algorithm as ``$apr1$`` with another
magic). The C library's ``crypt`` is reached through ctypes, so the password's exact bytes
are hashed, falling back to the deprecated stdlib ``crypt`` module (removed in Python 3.13);
with neither, other formats give ``PasswordCheck.UNSUPPORTED``.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import enum
import hashlib
import hmac
import threading
import warnings
from collections.abc import Callable

try:
    import bcrypt as _bcrypt
except ImportError:  # pragma: no cover - bcrypt is a declared dependency
    _bcrypt = None


class PasswordCheck(enum.Enum):
    """The verdict of one password against one stored hash."""

    MATCH = "match"
    MISMATCH = "mismatch"
    UNSUPPORTED = "unsupported"  # the hash needs crypt(), which this Python cannot reach


APR1_MAGIC = b"$apr1$"
MD5_CRYPT_MAGIC = b"$1$"
SHA1_PREFIX = b"{SHA}"
BCRYPT_MAX_PASSWORD = 72  # bcrypt reads at most this many bytes of the password

_CRYPT_ALPHABET = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _as_bytes(text: str | bytes) -> bytes:
    """Request-side strings are Latin-1 views of bytes; other text goes as UTF-8."""
    if isinstance(text, bytes):
        return text
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def hash_format(stored_hash: str | bytes) -> str:
    """A short name of the stored hash's format, for log messages."""
    stored = _as_bytes(stored_hash)
    if stored.startswith(APR1_MAGIC):
        return "apr1-md5"
    if stored.startswith(SHA1_PREFIX):
        return "sha1"
    if stored[:4] in (b"$2a$", b"$2b$", b"$2y$", b"$2x$"):
        return "bcrypt"
    if stored.startswith(MD5_CRYPT_MAGIC):
        return "md5-crypt"
    if stored.startswith((b"$5$", b"$6$")):
        return "sha-crypt"
    return "crypt"


def verify_password(password: str | bytes, stored_hash: str | bytes) -> PasswordCheck:
    """Whether ``password`` hashes to ``stored_hash`` (one htpasswd entry's second field).

    ``str`` arguments are taken as Latin-1 views of bytes, as ``check_basic_credentials``
    returns them. The final comparison takes constant time.
    """
    secret = _as_bytes(password)
    stored = _as_bytes(stored_hash)
    if stored.startswith(APR1_MAGIC):
        computed = md5_crypt(secret, stored[len(APR1_MAGIC) :], APR1_MAGIC)
    elif stored.startswith(SHA1_PREFIX):
        computed = SHA1_PREFIX + base64.b64encode(hashlib.sha1(secret).digest())
    elif stored[:4] in (b"$2a$", b"$2b$", b"$2y$") and _bcrypt is not None:
        return _verify_bcrypt(secret, stored)
    elif stored.startswith(MD5_CRYPT_MAGIC):
        computed = md5_crypt(secret, stored[len(MD5_CRYPT_MAGIC) :], MD5_CRYPT_MAGIC)
    else:
        system_crypt = _system_crypt()
        if system_crypt is None:
            return PasswordCheck.UNSUPPORTED
        computed = system_crypt(secret, stored)
        if computed is None:
            return PasswordCheck.MISMATCH
    return PasswordCheck.MATCH if hmac.compare_digest(computed, stored) else PasswordCheck.MISMATCH


def _verify_bcrypt(secret: bytes, stored: bytes) -> PasswordCheck:
    try:
        matched = _bcrypt.checkpw(secret[:BCRYPT_MAX_PASSWORD], stored)
    except ValueError:  # a malformed bcrypt string: apr fails the check
        return PasswordCheck.MISMATCH
    return PasswordCheck.MATCH if matched else PasswordCheck.MISMATCH


# ---- MD5 crypt ($apr1$ and $1$) ----------------------------------------------------------


def md5_crypt(password: bytes, salt_and_rest: bytes, magic: bytes = APR1_MAGIC) -> bytes:
    """Poul-Henning Kamp's MD5 crypt: ``magic + salt + "$" + 22 characters``.

    The salt is what follows the magic, up to the next ``$``, at most 8 characters.
    """
    salt = salt_and_rest.split(b"$", 1)[0][:8]
    alternate = hashlib.md5(password + salt + password).digest()
    context = hashlib.md5(password + magic + salt)
    for start in range(0, len(password), 16):
        context.update(alternate[: min(16, len(password) - start)])
    length = len(password)
    while length:
        # The C original hashes either a zero byte or the password's first byte, one per
        # bit of the length.
        context.update(b"\0" if length & 1 else password[:1])
        length >>= 1
    digest = context.digest()
    for round_number in range(1000):
        step = hashlib.md5(password if round_number & 1 else digest)
        if round_number % 3:
            step.update(salt)
        if round_number % 7:
            step.update(password)
        step.update(digest if round_number & 1 else password)
        digest = step.digest()
    groups = ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5))
    encoded = b"".join(
        _crypt_base64((digest[a] << 16) | (digest[b] << 8) | digest[c], 4) for a, b, c in groups
    )
    encoded += _crypt_base64(digest[11], 2)
    return magic + salt + b"$" + encoded


def _crypt_base64(value: int, count: int) -> bytes:
    """crypt's little-endian base-64: ``count`` characters of ``value``, 6 bits each."""
    out = bytearray()
    for _ in range(count):
        out.append(_CRYPT_ALPHABET[value & 0x3F])
        value >>= 6
    return bytes(out)


# ---- the C library's crypt() -------------------------------------------------------------

_crypt_lock = threading.Lock()
_crypt_function: Callable[[bytes, bytes], bytes | None] | None = None
_crypt_resolved = False


def _system_crypt() -> Callable[[bytes, bytes], bytes | None] | None:
    """The C library's crypt(), resolved once: ctypes first, then the stdlib module."""
    global _crypt_function, _crypt_resolved
    if not _crypt_resolved:
        with _crypt_lock:
            if not _crypt_resolved:
                _crypt_function = _ctypes_crypt() or _stdlib_crypt()
                _crypt_resolved = True
    return _crypt_function


def _ctypes_crypt() -> Callable[[bytes, bytes], bytes | None] | None:
    candidates = [ctypes.util.find_library("crypt"), None]  # None: the process's own libc
    for name in candidates:
        try:
            function = ctypes.CDLL(name).crypt
        except (OSError, AttributeError):
            continue
        function.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        function.restype = ctypes.c_char_p

        def call(secret: bytes, setting: bytes, _crypt=function) -> bytes | None:
            # crypt() returns a static buffer: one call at a time.
            with _crypt_lock:
                return _crypt(secret.split(b"\0", 1)[0], setting.split(b"\0", 1)[0])

        return call
    return None


def _stdlib_crypt() -> Callable[[bytes, bytes], bytes | None] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt as stdlib_crypt
    except ImportError:
        return None

    def call(secret: bytes, setting: bytes) -> bytes | None:
        try:
            result = stdlib_crypt.crypt(secret.decode("utf-8"), setting.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, OSError):
            return None
        return None if result is None else result.encode("utf-8")

    return call
