"""htpasswd hash formats, with vectors made by Apache's own ``htpasswd`` (apache2-utils 2.4)."""

from __future__ import annotations

import pytest

from mod_python._engine.auth import PasswordCheck, hash_format, passwords, verify_password
from mod_python._engine.auth.passwords import md5_crypt

MATCH, MISMATCH = PasswordCheck.MATCH, PasswordCheck.MISMATCH

# `htpasswd -nb<flag> alice 'open sesame'`
OPEN_SESAME = {
    "bcrypt -B": "$2y$04$pNVkvEL03R1CfbQeQYM7ruQa3iYlmA0tLseNEhTcXel1KfxTYCdBG",
    "apr1 -m": "$apr1$GqoGwe3d$Y2od3ybaFta/TrG0uIoLF.",
    "sha1 -s": "{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=",
    "sha256 -2": "$5$1K7NdEeyPCOHnHT2$yjOnBfG/m0CoZT0HwF9ZTIIT8VK4rKWlzCq/xo5kch2",
    "sha512 -5": "$6$asOS8D7vW7vG6BkE$br53vQQVQJZNgyDObUclH4gLnWfwOvCHeY0DZqD1iTTbm2YDoX4"
    "WheKu7LAb0lvsSFUEnOjuUe0BtP6vSpMD20",
}
# `htpasswd -nbd alice 'open sesame'`: DES crypt keeps the first 8 characters only.
DES_OPEN_SESAME = "W3QrM5jt0LzNQ"
# Made with the bcrypt package and accepted by Apache 2.4.68 (oracle); htpasswd writes $2y$.
BCRYPT_2B = "$2b$04$.CvnCIeMsdDzbbnxKcLS6.4la09s475KI2rr1tEOG8JkT8JmCJzvS"  # ginapw
BCRYPT_2A = "$2a$04$XLbLCWkuANaoPgxkLbxqlOCLLrnTy60LI0JZ/9kQ.j1Pw9KYNbiTm"  # hankpw
MD5_CRYPT = "$1$saltsalt$K4VYPIgpz/3FWdbTf10N81"  # ivanpw, glibc crypt(), accepted by Apache

needs_crypt = pytest.mark.skipif(
    passwords._system_crypt() is None, reason="no C library crypt() on this Python"
)


@pytest.mark.parametrize(
    "stored",
    [
        OPEN_SESAME["bcrypt -B"],
        OPEN_SESAME["apr1 -m"],
        OPEN_SESAME["sha1 -s"],
        pytest.param(OPEN_SESAME["sha256 -2"], marks=needs_crypt),
        pytest.param(OPEN_SESAME["sha512 -5"], marks=needs_crypt),
        pytest.param(DES_OPEN_SESAME, marks=needs_crypt),
    ],
    ids=["bcrypt", "apr1", "sha1", "sha256-crypt", "sha512-crypt", "des-crypt"],
)
def test_htpasswd_vector_matches_its_password_only(stored):
    assert verify_password("open sesame", stored) is MATCH
    assert verify_password("Open sesame", stored) is MISMATCH
    assert verify_password("", stored) is MISMATCH


@needs_crypt
def test_des_crypt_ignores_characters_after_the_eighth():
    assert verify_password("open ses", DES_OPEN_SESAME) is MATCH
    assert verify_password("open sesXXXX", DES_OPEN_SESAME) is MATCH
    assert verify_password("open se", DES_OPEN_SESAME) is MISMATCH


def test_plain_text_entry_is_not_accepted_on_unix():
    # `htpasswd -nbp alice 'open sesame'` writes the password itself; Apache on Linux runs it
    # through crypt() and the login fails (oracle: 401).
    assert verify_password("open sesame", "open sesame") is not MATCH


@pytest.mark.parametrize(
    "stored, password",
    [(BCRYPT_2B, "ginapw"), (BCRYPT_2A, "hankpw"), (MD5_CRYPT, "ivanpw")],
    ids=["bcrypt-2b", "bcrypt-2a", "md5-crypt"],
)
def test_other_prefixes_apache_accepts(stored, password):
    assert verify_password(password, stored) is MATCH
    assert verify_password(password + "x", stored) is MISMATCH


def test_md5_crypt_does_not_need_the_c_library(monkeypatch):
    monkeypatch.setattr(passwords, "_system_crypt", lambda: None)
    assert verify_password("ivanpw", MD5_CRYPT) is MATCH


def test_crypt_formats_are_unsupported_without_the_c_library(monkeypatch):
    monkeypatch.setattr(passwords, "_system_crypt", lambda: None)
    assert verify_password("open sesame", DES_OPEN_SESAME) is PasswordCheck.UNSUPPORTED


@pytest.mark.parametrize(
    "password, stored",
    [
        # `htpasswd -nbm u 'pässwörd'` in a UTF-8 shell: the password's UTF-8 bytes, which
        # arrive from check_basic_credentials as their Latin-1 spelling.
        ("pässwörd".encode().decode("latin-1"), "$apr1$kZqyGSD2$KnusatCogw7bKRdxcmVwF."),
        ("pässwörd".encode(), "$apr1$kZqyGSD2$KnusatCogw7bKRdxcmVwF."),
        ("", "$apr1$tZxGIAkv$OJ32VrxtJQC9vEIeuD.rY0"),  # htpasswd -nbm u ''
        ("a:b:c", "$apr1$HGgAgLV8$faL5RbxERfxgkOX5Qm.wa0"),  # htpasswd -nbm u 'a:b:c'
    ],
    ids=["utf8-as-latin1", "bytes", "empty", "colons"],
)
def test_apr1_edge_passwords(password, stored):
    assert verify_password(password, stored) is MATCH


def test_bcrypt_reads_only_the_first_72_bytes():
    stored = "$2y$04$2jm0NUJglVaxe0dEiMJLV.2ZY7y9JWba2QjLaQ4zNXj6SHGGZBRGu"  # -nbB -C 4 u x*80
    assert verify_password("x" * 80, stored) is MATCH
    assert verify_password("x" * 72, stored) is MATCH
    assert verify_password("x" * 71, stored) is MISMATCH


@pytest.mark.parametrize(
    "stored",
    [
        "$2y$04$short",
        "$2y$99$pNVkvEL03R1CfbQeQYM7ruQa3iYlmA0tLseNEhTcXel1KfxTYCdBG",
        "",
        "*",
        "{SHA}",
    ],
)
def test_malformed_hash_is_a_mismatch(stored):
    assert verify_password("open sesame", stored) is not MATCH


def test_apr1_salt_ends_at_dollar_and_at_eight_characters():
    computed = md5_crypt(b"open sesame", b"GqoGwe3d$anything", b"$apr1$")
    assert computed == OPEN_SESAME["apr1 -m"].encode()
    assert md5_crypt(b"pw", b"0123456789abc$").startswith(b"$apr1$01234567$")


@pytest.mark.parametrize(
    "stored, name",
    [
        (OPEN_SESAME["bcrypt -B"], "bcrypt"),
        (OPEN_SESAME["apr1 -m"], "apr1-md5"),
        (OPEN_SESAME["sha1 -s"], "sha1"),
        (MD5_CRYPT, "md5-crypt"),
        (OPEN_SESAME["sha512 -5"], "sha-crypt"),
        (DES_OPEN_SESAME, "crypt"),
    ],
)
def test_hash_format_names(stored, name):
    assert hash_format(stored) == name
