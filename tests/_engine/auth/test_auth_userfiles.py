"""AuthUserFile / AuthGroupFile reading and the per-path cache."""

from __future__ import annotations

import os
import threading

import pytest

from mod_python._engine.auth import AuthFileCache, AuthFileError, GroupFile, PasswordFile


def test_password_file_skips_comments_blank_lines_and_whitespace():
    parsed = PasswordFile.parse(
        b"# comment\n\n   \nalice:$apr1$x$y  \r\n\t bob:{SHA}abc=\n  # indented comment\n"
    )
    assert parsed.hashes == {"alice": "$apr1$x$y", "bob": "{SHA}abc="}


def test_password_file_first_entry_wins_and_later_fields_are_ignored():
    parsed = PasswordFile.parse(b"alice:first:extra:fields\nalice:second\n")
    assert parsed.hash_for("alice") == "first"


@pytest.mark.parametrize(
    "line, user, stored",
    [
        (b"nocolon", "nocolon", ""),
        (b":orphan", "", "orphan"),
        (b"empty:", "empty", ""),
        (b"caf\xe9:h", "caf\xe9", "h"),  # Latin-1: bytes kept one for one
        (b"u:h\xa0", "u", "h\xa0"),  # \xa0 is not whitespace to Apache
    ],
)
def test_password_file_odd_lines(line, user, stored):
    assert PasswordFile.parse(line + b"\n").hash_for(user) == stored


def test_password_file_unknown_user_is_none():
    assert PasswordFile.parse(b"alice:x\n").hash_for("bob") is None


def test_group_file_maps_users_to_groups_across_lines():
    parsed = GroupFile.parse(
        b"# groups\nadmins: alice bob\nstaff:carol\n  staff: bob\t dave \nempty:\nnocolon\n"
    )
    assert parsed.groups_of("bob") == {"admins", "staff"}
    assert parsed.groups_of("carol") == {"staff"}
    assert parsed.groups_of("dave") == {"staff"}
    assert parsed.groups_of("erin") == frozenset()


def test_group_name_is_taken_verbatim_before_the_colon():
    assert GroupFile.parse(b"weird : alice\n").groups_of("alice") == {"weird "}


def test_group_members_may_be_quoted():
    parsed = GroupFile.parse(b"g: \"john smith\" 'x y' plain\n")
    assert parsed.groups_of("john smith") == {"g"}
    assert parsed.groups_of("x y") == {"g"}
    assert parsed.groups_of("plain") == {"g"}


def test_cache_parses_once_while_the_file_is_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "htpasswd"
    path.write_bytes(b"alice:one\n")
    cache = AuthFileCache()
    calls = []
    original = PasswordFile.parse
    monkeypatch.setattr(PasswordFile, "parse", lambda data: calls.append(data) or original(data))
    first = cache.password_file(str(path))
    assert cache.password_file(str(path)) is first
    assert len(calls) == 1


def test_cache_reloads_when_the_file_changes(tmp_path):
    path = tmp_path / "htpasswd"
    path.write_bytes(b"alice:one\n")
    cache = AuthFileCache()
    assert cache.password_file(str(path)).hash_for("alice") == "one"
    path.write_bytes(b"alice:two\n")  # same size: the mtime/ctime tell the change
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    assert cache.password_file(str(path)).hash_for("alice") == "two"


def test_cache_reloads_when_the_file_is_replaced(tmp_path):
    path = tmp_path / "htgroup"
    path.write_bytes(b"g: alice\n")
    cache = AuthFileCache()
    assert cache.group_file(str(path)).groups_of("alice") == {"g"}
    replacement = tmp_path / "new"
    replacement.write_bytes(b"h: alice\n")
    os.replace(replacement, path)
    assert cache.group_file(str(path)).groups_of("alice") == {"h"}


def test_password_and_group_parses_of_one_path_are_kept_apart(tmp_path):
    path = tmp_path / "both"
    path.write_bytes(b"alice:x\n")
    cache = AuthFileCache()
    assert cache.password_file(str(path)).hash_for("alice") == "x"
    assert cache.group_file(str(path)).groups_of("x") == {"alice"}


@pytest.mark.parametrize("kind, code", [("password", "AH01620"), ("group", "AH01665")])
def test_missing_file_raises_with_path_and_apache_message(tmp_path, kind, code):
    cache = AuthFileCache()
    missing = str(tmp_path / "nope")
    load = cache.password_file if kind == "password" else cache.group_file
    with pytest.raises(AuthFileError) as raised:
        load(missing)
    assert raised.value.path == missing
    assert raised.value.message == f"{code}: Could not open {kind} file: {missing}"
    assert isinstance(raised.value.reason, FileNotFoundError)


def test_file_that_becomes_unreadable_raises_even_when_cached(tmp_path):
    path = tmp_path / "htpasswd"
    path.write_bytes(b"alice:x\n")
    cache = AuthFileCache()
    cache.password_file(str(path))
    path.unlink()
    with pytest.raises(AuthFileError):
        cache.password_file(str(path))


def test_directory_is_an_unreadable_file(tmp_path):
    with pytest.raises(AuthFileError):
        AuthFileCache().password_file(str(tmp_path))


def test_concurrent_readers_all_see_the_file(tmp_path):
    path = tmp_path / "htpasswd"
    path.write_bytes(b"".join(b"user%d:hash%d\n" % (n, n) for n in range(500)))
    cache = AuthFileCache()
    results, errors = [], []
    start = threading.Barrier(8)

    def reader():
        start.wait()
        try:
            for _ in range(50):
                results.append(cache.password_file(str(path)).hash_for("user499"))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == ["hash499"] * 400
