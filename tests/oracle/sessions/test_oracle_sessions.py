"""Cookies and sessions cross over: what the real mod_python wrote, ours reads, and back.

A site migrating to us keeps its users logged in only if signed cookies verify with the
same secret and the session store (FileSession's files, DbmSession's database) reads as
it is. Files our engine writes are 0600 and owned by the user it runs as: here that is
root while the oracle runs as www-data, so they are handed over (chown) before the oracle
reads them; a real migration runs both as the same user.
"""

from __future__ import annotations

import os
import pwd

import pytest

pytestmark = pytest.mark.oracle

EXPECTED_COOKIES = "[('marshalled', [('a', [1, 2]), ('b', 'text'), ('from', '{server}')]), " \
    "('signed', 'hello')]"  # fmt: skip


def cookie_header(set_cookie_values: list[str]) -> str:
    return "; ".join(value.split(";")[0] for value in set_cookie_values)


def hand_to_apache(store) -> None:
    """Give the store to the user the oracle's children run as."""
    apache_user = pwd.getpwnam("www-data")
    for directory, names, files in os.walk(store):
        for name in [directory, *(os.path.join(directory, n) for n in names + files)]:
            os.chown(name, apache_user.pw_uid, apache_user.pw_gid)


def session_cookie(values: list[str]) -> str:
    return next(value.split(";")[0] for value in values if value.startswith("pysid="))


def test_signed_and_marshalled_cookies_from_mod_python_verify_here(session_servers):
    issued = session_servers.oracle("cookies_issue")
    assert issued.status == 200, session_servers.logs()
    read = session_servers.ours("cookies_read", cookie_header(issued.header_values("Set-Cookie")))
    assert read.body.decode() == EXPECTED_COOKIES.format(server="oracle")


def test_our_signed_and_marshalled_cookies_verify_in_mod_python(session_servers):
    issued = session_servers.ours("cookies_issue")
    read = session_servers.oracle("cookies_read", cookie_header(issued.header_values("Set-Cookie")))
    assert read.body.decode() == EXPECTED_COOKIES.format(server="ours"), session_servers.logs()


def test_a_signed_cookie_is_the_same_text_from_both(session_servers):
    oracle = session_servers.oracle("cookies_issue").header_values("Set-Cookie")
    ours = session_servers.ours("cookies_issue").header_values("Set-Cookie")
    assert [v for v in oracle if v.startswith("signed=")] == [
        v for v in ours if v.startswith("signed=")
    ]


def test_a_tampered_cookie_is_refused_by_both(session_servers):
    issued = session_servers.oracle("cookies_issue").header_values("Set-Cookie")
    tampered = cookie_header(issued).replace("hello", "hellO")
    expected = "[('marshalled', None), ('signed', None)]"
    mangled = tampered.replace("marshalled=", "marshalled=0")
    assert session_servers.ours("cookies_read", mangled).body.decode() == expected
    assert session_servers.oracle("cookies_read", mangled).body.decode() == expected


@pytest.mark.parametrize("store", ["file", "dbm"])
def test_a_session_written_by_mod_python_is_read_here(session_servers, store):
    written = session_servers.oracle(f"{store}_write")
    assert written.status == 200, session_servers.logs()
    cookie = session_cookie(written.header_values("Set-Cookie"))
    read = session_servers.ours(f"{store}_read", cookie)
    assert read.body == b"old oracle 41", session_servers.logs()


@pytest.mark.parametrize("store", ["file", "dbm"])
def test_a_session_written_here_is_read_by_mod_python(session_servers, store):
    written = session_servers.ours(f"{store}_write")
    cookie = session_cookie(written.header_values("Set-Cookie"))
    hand_to_apache(session_servers.store)
    read = session_servers.oracle(f"{store}_read", cookie)
    assert read.body == b"old ours 41", session_servers.logs()


def test_a_session_file_names_the_same_path_in_both(session_servers):
    written = session_servers.oracle("file_write")
    sid = written.body.decode()
    assert (session_servers.store / "mp_sess" / sid[:2] / sid).is_file()


def test_the_default_dbm_format_of_mod_python_is_read_here(session_servers):
    # Debian's mod_python writes dbm.ndbm (Berkeley DB) when no dbmtype is given.
    pytest.importorskip("dbm.ndbm", reason="this Python has no dbm.ndbm (_dbm was not built), "
                        "the format Debian's mod_python writes by default")  # fmt: skip
    written = session_servers.oracle("default_dbm_write")
    cookie = session_cookie(written.header_values("Set-Cookie"))
    assert session_servers.ours("default_dbm_read", cookie).body == b"old oracle 41"
