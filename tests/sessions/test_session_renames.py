"""``replace_file``: a new file takes an old one's name in one step (an exchange of names
where Linux offers it, which leaves the old file under the new one's name, else a rename)."""

from __future__ import annotations

import os

import pytest

from mod_python._engine.sessions import renames


@pytest.fixture(params=["exchange", "rename"])
def way(request, monkeypatch):
    if request.param == "rename":
        monkeypatch.setattr(renames, "_renameat2", None)
    elif renames._renameat2 is None:
        pytest.skip("this C library has no renameat2")
    return request.param


def test_the_new_file_takes_the_old_name_and_the_old_one_is_left_only_by_an_exchange(tmp_path, way):
    old, new = tmp_path / "session", tmp_path / ".session.tmp"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    exchanged = renames.replace_file(str(new), str(old))
    assert exchanged is (way == "exchange")
    assert old.read_bytes() == b"new"
    if exchanged:
        assert new.read_bytes() == b"old"
    else:
        assert not new.exists()


def test_a_first_file_is_put_in_place(tmp_path, way):
    old, new = tmp_path / "session", tmp_path / ".session.tmp"
    new.write_bytes(b"first")
    assert renames.replace_file(str(new), str(old)) is False  # nothing to exchange with
    assert old.read_bytes() == b"first"
    assert not new.exists()


def test_a_reader_of_the_old_file_keeps_reading_it_whole(tmp_path, way):
    old, new = tmp_path / "session", tmp_path / ".session.tmp"
    old.write_bytes(b"old contents")
    new.write_bytes(b"new contents")
    with open(old, "rb") as reader:
        renames.replace_file(str(new), str(old))
        assert reader.read() == b"old contents"
    assert old.read_bytes() == b"new contents"


def test_the_new_files_inode_is_the_one_in_place(tmp_path, way):
    old, new = tmp_path / "session", tmp_path / ".session.tmp"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    inode = os.stat(new).st_ino
    renames.replace_file(str(new), str(old))
    assert os.stat(old).st_ino == inode


def test_a_missing_new_file_is_an_error_and_the_old_one_stays(tmp_path, way):
    old = tmp_path / "session"
    old.write_bytes(b"old")
    with pytest.raises(FileNotFoundError):
        renames.replace_file(str(tmp_path / "absent"), str(old))
    assert old.read_bytes() == b"old"
