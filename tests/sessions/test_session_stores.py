"""What each store keeps where: FileSession's files, DbmSession's database, RedisSession's keys,
in the formats mod_python wrote, and the cleanup of expired sessions."""

from __future__ import annotations

import dbm.dumb
import os
import pickle
import stat
import struct
import threading
import time

import pytest

from mod_python import Session, apache
from mod_python._engine.sessions.dbm_store import DbmFile, cleanup_dbm
from mod_python._engine.sessions.file_store import FileCleanup, temporary_name, write_atomically

from .conftest import cookie_pair, recording_handler

SID = "0123456789abcdef0123456789abcdef"


def stored_state(data: dict, accessed: float | None = None, timeout: float = 1800) -> dict:
    """A session as mod_python stores it."""
    now = time.time() if accessed is None else accessed
    return {"_data": data, "_created": now, "_accessed": now, "_timeout": timeout}


def saving_handler(req):
    session = Session.Session(req)
    session["greeting"] = "hello"
    session.save()
    req.write(f"{session.id()} {session.get('from', '')}")
    return apache.OK


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# ---- FileSession ----------------------------------------------------------------------------


def test_file_session_is_a_pickle_under_its_ids_first_two_digits(session_site):
    site = session_site("FileSession", saving_handler)
    sid = site.get("/app/h.py").body.split()[0].decode()
    path = site.storage / "mp_sess" / sid[:2] / sid
    with open(path, "rb") as stream:
        raw = stream.read()
    assert raw[:2] == b"\x80\x02"  # pickle protocol 2, as mod_python writes
    state = pickle.loads(raw)
    assert state["_data"] == {"greeting": "hello"}
    assert set(state) == {"_data", "_created", "_accessed", "_timeout"}


def test_file_session_files_are_private(session_site):
    site = session_site("FileSession", saving_handler)
    sid = site.get("/app/h.py").body.split()[0].decode()
    directory = site.storage / "mp_sess"
    assert mode(directory) == 0o700
    assert mode(directory / sid[:2]) == 0o700
    assert mode(directory / sid[:2] / sid) == 0o600
    assert sorted(os.listdir(directory)) == [f"{index:02x}" for index in range(256)]


def test_file_session_leaves_no_temporary_files(session_site):
    site = session_site("FileSession", saving_handler)
    sid = site.get("/app/h.py").body.split()[0].decode()
    assert os.listdir(site.storage / "mp_sess" / sid[:2]) == [sid]


def request_with_planted_file(session_site, content: bytes):
    """Serve ``saving_handler`` with ``content`` as session SID's file; the response."""
    site = session_site("FileSession", saving_handler)
    directory = site.storage / "mp_sess" / SID[:2]
    directory.mkdir(parents=True)
    (directory / SID).write_bytes(content)
    return site, site.get("/app/h.py", headers={"Cookie": f"pysid={SID}"})


def test_file_session_reads_a_session_file_written_by_mod_python(session_site):
    content = pickle.dumps(stored_state({"from": "mod_python"}), 2)
    _, response = request_with_planted_file(session_site, content)
    assert response.body == f"{SID} mod_python".encode()


def test_file_session_reads_strings_pickled_by_python_2(session_site):
    now = struct.pack(">d", time.time())
    # Python 2's pickle.dumps({'_data': {'from': 'caf\xe9'}, ...}, 2): byte strings ('U').
    content = (b"\x80\x02}q\x00(U\x05_dataq\x01}q\x02U\x04fromq\x03U\x04caf\xe9q\x04sU\x08"
               b"_createdq\x05G" + now + b"U\t_accessedq\x06G" + now
               + b"U\x08_timeoutq\x07M\x08\x07u.")  # fmt: skip
    _, response = request_with_planted_file(session_site, content)
    assert response.body == f"{SID} café".encode()


def test_a_damaged_session_file_is_logged_and_replaced(session_site):
    site, response = request_with_planted_file(session_site, b"\x80\x02 not a pickle")
    assert response.status == 200
    assert cookie_pair(response) != f"pysid={SID}"
    assert "Error while loading a session" in site.error_log


def write_session_file(sessdir, sid: str, accessed: float, timeout: float = 60) -> str:
    directory = os.path.join(sessdir, sid[:2])
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, sid)
    with open(path, "wb") as stream:
        pickle.dump(stored_state({}, accessed, timeout), stream, 2)
    os.utime(path, (accessed, accessed))
    return path


def run_cleanup(sessdir, fast=True, verify=True, timeout=60, grace=10, limit=0):
    log: list[str] = []
    FileCleanup(str(sessdir), fast, verify, timeout, grace, limit,
                lambda message, level=0: log.append(message)).run()  # fmt: skip
    return log


def test_file_cleanup_removes_expired_sessions_and_spares_the_rest(tmp_path):
    now = time.time()
    expired = write_session_file(tmp_path, SID, now - 1000)
    fresh = write_session_file(tmp_path, "ab" * 16, now)
    log = run_cleanup(tmp_path)
    assert not os.path.exists(expired) and os.path.exists(fresh)
    assert "FileSession cleanup: deleted 1 of 2 in" in log[-1]
    assert (tmp_path / "fs_status.txt").read_text().startswith("MPFS_3.2 0 0 0 ")


def test_file_cleanup_removes_a_spare_an_hour_after_its_last_use_only(tmp_path):
    now = time.time()
    session = write_session_file(tmp_path, SID, now)
    old_spare, new_spare = temporary_name(session), temporary_name(session) + "-other-writer"
    for spare, used in ((old_spare, now - 3700), (new_spare, now - 60)):
        with open(spare, "wb") as stream:
            stream.write(b"\0" * 16)
        os.utime(spare, (used, used))
    run_cleanup(tmp_path)
    assert not os.path.exists(old_spare)
    assert os.path.exists(new_spare) and os.path.exists(session)


def test_file_cleanup_verifies_each_sessions_own_timeout(tmp_path):
    now = time.time()
    long_lived = write_session_file(tmp_path, SID, now - 1000, timeout=5000)
    run_cleanup(tmp_path, verify=True)
    assert os.path.exists(long_lived)
    run_cleanup(tmp_path, verify=False)
    assert not os.path.exists(long_lived)


def test_file_cleanup_skips_while_another_run_holds_the_lock_file(tmp_path):
    expired = write_session_file(tmp_path, SID, time.time() - 1000)
    (tmp_path / ".mp_sess.lck").write_text("")
    log = run_cleanup(tmp_path)
    assert os.path.exists(expired)
    assert log[-1] == "FileSession cleanup: another process is already running"


def test_file_cleanup_resumes_where_the_status_file_says(tmp_path):
    early = write_session_file(tmp_path, "00" * 16, time.time() - 1000)
    late = write_session_file(tmp_path, "ff" * 16, time.time() - 1000)
    (tmp_path / "fs_status.txt").write_text("MPFS_3.2 128 0 0 0.0\n")
    run_cleanup(tmp_path)
    assert os.path.exists(early) and not os.path.exists(late)


def test_file_cleanup_runs_in_the_background_after_the_request(session_site, monkeypatch):
    monkeypatch.setattr("mod_python._engine.sessions.base.random.random", lambda: 0.0)
    site = session_site("FileSession", saving_handler,
                        "PythonOption session_grace_period 0")  # fmt: skip
    expired = write_session_file(site.storage / "mp_sess", SID, time.time() - 10_000)
    assert site.get("/app/h.py").status == 200
    assert Session.wait_for_cleanups(10)
    assert not os.path.exists(expired)
    assert "FileSession: registered filesession cleanup." in site.error_log


# ---- DbmSession -----------------------------------------------------------------------------


def test_dbm_session_stores_a_pickle_under_the_id(session_site):
    site = session_site("DbmSession", saving_handler)
    sid = site.get("/app/h.py").body.split()[0].decode()
    with dbm.open(str(site.storage / "mp_sess.dbm"), "r") as database:
        assert pickle.loads(database[sid.encode()])["_data"] == {"greeting": "hello"}


def test_dbm_session_files_are_private(session_site):
    site = session_site("DbmSession", saving_handler)
    site.get("/app/h.py")
    names = [name for name in os.listdir(site.storage) if name.startswith("mp_sess.dbm")]
    assert names
    assert all(mode(site.storage / name) & 0o077 == 0 for name in names)


def test_dbm_session_reads_a_database_written_by_mod_python(session_site):
    site = session_site("DbmSession", saving_handler)
    with dbm.dumb.open(str(site.storage / "mp_sess.dbm"), "c") as database:
        database[SID.encode()] = pickle.dumps(stored_state({"from": "mod_python"}))
    response = site.get("/app/h.py", headers={"Cookie": f"pysid={SID}"})
    assert response.body == f"{SID} mod_python".encode()


def test_dbm_filename_option_names_the_database(session_site, tmp_path):
    path = tmp_path / "custom" / "sessions.db"
    site = session_site("DbmSession", saving_handler,
                        f'PythonOption session_dbm "{path}"')  # fmt: skip
    sid = site.get("/app/h.py").body.split()[0].decode()
    assert DbmFile(str(path)).get(sid.encode()) is not None


def test_dbm_cleanup_removes_expired_and_malformed_entries(tmp_path):
    database = DbmFile(str(tmp_path / "mp_sess.dbm"))
    database.put(b"expired", pickle.dumps(stored_state({}, time.time() - 100, 10)))
    database.put(b"fresh", pickle.dumps(stored_state({})))
    database.put(b"garbage", b"not a pickle")
    assert cleanup_dbm(database) == 2
    assert [key for key, _ in database.items()] == [b"fresh"]


def test_dbm_cleanup_spares_an_entry_saved_again_meanwhile(tmp_path, monkeypatch):
    database = DbmFile(str(tmp_path / "mp_sess.dbm"))
    database.put(b"k", pickle.dumps(stored_state({}, time.time() - 100, 10)))
    original_items = DbmFile.items

    def items_then_resave(self):
        found = original_items(self)
        self.put(b"k", pickle.dumps(stored_state({"saved": "again"})))  # a request saves it
        return found

    monkeypatch.setattr(DbmFile, "items", items_then_resave)
    assert cleanup_dbm(database) == 0
    assert database.get(b"k") is not None


def in_child_process(work) -> int:
    """Run ``work()`` in a forked child (another process, as a prefork server has); its
    exit status (0: it returned)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        status = 1
        try:
            work()
            status = 0
        finally:
            os._exit(status)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.mark.parametrize("module", [dbm.dumb, dbm], ids=["dbm.dumb", "generic dbm"])
def test_dbm_change_by_another_process_is_seen_by_one_that_kept_the_database(tmp_path, module):
    path = str(tmp_path / "mp_sess.dbm")
    database = DbmFile(path, module)
    database.put(b"k", b"mine")
    assert database.get(b"k") == b"mine"  # kept open from here on
    for value in (b"theirs", b"a longer value than the slot the first one had" * 20):
        assert in_child_process(lambda value=value: DbmFile(path, module).put(b"k", value)) == 0
        assert database.get(b"k") == value


def test_dbm_entry_added_by_another_process_is_seen(tmp_path):
    path = str(tmp_path / "mp_sess.dbm")
    database = DbmFile(path, dbm.dumb)
    database.put(b"k", b"mine")
    assert in_child_process(lambda: DbmFile(path, dbm.dumb).put(b"other", b"theirs")) == 0
    assert database.get(b"other") == b"theirs"


def test_dbm_change_made_without_our_lock_is_seen(tmp_path):
    # mod_python itself (or a maintenance script) writes the file without the lock file.
    path = str(tmp_path / "mp_sess.dbm")
    database = DbmFile(path, dbm.dumb)
    database.put(b"k", b"mine")
    assert database.get(b"k") == b"mine"
    with dbm.dumb.open(path, "w") as outside:
        outside[b"k"] = b"rewritten by someone else, longer than before"
    assert database.get(b"k") == b"rewritten by someone else, longer than before"


def test_dbm_delete_is_seen_by_a_fresh_reader(tmp_path):
    path = str(tmp_path / "mp_sess.dbm")
    database = DbmFile(path, dbm.dumb)
    database.put(b"k", b"v")
    database.delete(b"k")
    assert in_child_process(lambda: os._exit(DbmFile(path, dbm.dumb).get(b"k") is not None)) == 0


def test_dbm_get_of_a_missing_database_creates_nothing(tmp_path):
    path = tmp_path / "mp_sess.dbm"
    assert DbmFile(str(path)).get(b"k") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mp_sess.dbm.lck"]


def test_dbm_rewrite_in_place_keeps_the_index_file(tmp_path):
    # A value that fits its old slot is rewritten in the data file; the index is unchanged.
    path = str(tmp_path / "mp_sess.dbm")
    database = DbmFile(path, dbm.dumb)
    database.put(b"k", b"first")
    before = os.stat(path + ".dir").st_ino
    database.put(b"k", b"again")
    assert os.stat(path + ".dir").st_ino == before
    with dbm.dumb.open(path, "r") as reader:
        assert reader[b"k"] == b"again"


# ---- MemorySession --------------------------------------------------------------------------


def test_memory_session_keeps_sessions_in_the_process(session_site, fresh_memory_sessions):
    site = session_site("MemorySession", saving_handler)
    sid = site.get("/app/h.py").body.split()[0].decode()
    assert fresh_memory_sessions[sid]["_data"] == {"greeting": "hello"}


def test_memory_cleanup_drops_expired_sessions(fresh_memory_sessions):
    fresh_memory_sessions["old"] = stored_state({}, time.time() - 100, 10)
    fresh_memory_sessions["new"] = stored_state({})
    Session.mem_cleanup(fresh_memory_sessions)
    assert list(fresh_memory_sessions) == ["new"]


# ---- RedisSession ---------------------------------------------------------------------------


@pytest.fixture
def redis_client(redis_server):
    import redis

    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


def test_redis_session_is_a_pickle_that_expires_with_the_session(session_site, redis_client):
    seen = []

    def handler(req):
        session = Session.Session(req)
        session.set_timeout(120)
        session.save()
        seen.append(session)
        return apache.OK

    session_site("RedisSession", handler).get("/app/h.py")
    key = seen[0]._prefix + seen[0].id()
    assert pickle.loads(redis_client.get(key))["_timeout"] == 120
    assert 0 < redis_client.ttl(key) <= 120


def test_redis_lock_is_a_key_that_expires_and_is_freed_at_request_end(session_site, redis_client):
    seen = []

    def handler(req):
        session = Session.Session(req)
        lock_key = f"{session._prefix}lock:{session.id()}"
        seen.append((lock_key, redis_client.pttl(lock_key)))
        return apache.OK

    site = session_site("RedisSession", handler,
                        "PythonOption mod_python.redis_session.lock_expiry 7")  # fmt: skip
    site.get("/app/h.py")
    lock_key, ttl_while_held = seen[0]
    assert 0 < ttl_while_held <= 7000
    assert redis_client.exists(lock_key) == 0


def test_redis_lock_left_by_a_crashed_holder_frees_itself(session_site, redis_client):
    sid_holder = []
    site = session_site("RedisSession", recording_handler(sid_holder),
                        "PythonOption mod_python.session.lock_timeout 5")  # fmt: skip
    cookie = cookie_pair(site.get("/app/h.py"))
    session = sid_holder[0]
    # A holder that died: its lock key stays until its expiry, then the session is free.
    redis_client.set(f"{session._prefix}lock:{session.id()}", "dead holder", px=300)
    assert site.get("/app/h.py", headers={"Cookie": cookie}).body == b"old"


# ---- atomic writes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "directory"), [("/a/b/sid", "/a/b/"), ("/sid", "/"), ("rel/sid", "rel/"), ("sid", "")]
)
def test_temporary_name_is_a_hidden_sibling(path, directory):
    name = temporary_name(path)
    assert name.startswith(directory + ".sid.")
    assert "/" not in name[len(directory) :]


def test_temporary_names_differ_between_threads(tmp_path):
    names = []
    thread = threading.Thread(target=lambda: names.append(temporary_name(str(tmp_path / "x"))))
    thread.start()
    thread.join()
    assert names[0] != temporary_name(str(tmp_path / "x"))


def test_temporary_names_differ_between_processes(tmp_path):
    path = str(tmp_path / "x")
    read_end, write_end = os.pipe()
    status = in_child_process(lambda: os.write(write_end, temporary_name(path).encode()))
    assert status == 0
    assert os.read(read_end, 4096).decode() != temporary_name(path)


def test_atomic_write_leaves_a_private_file_and_no_temporary(tmp_path):
    path = tmp_path / "session"
    path.write_bytes(b"old")
    write_atomically(str(path), b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["session"]


def test_atomic_write_replaces_a_temporary_left_by_a_dead_write(tmp_path):
    path = tmp_path / "session"
    leftover = tmp_path / os.path.basename(temporary_name(str(path)))
    leftover.write_bytes(b"half written")
    write_atomically(str(path), b"whole")
    assert path.read_bytes() == b"whole"
    assert not leftover.exists()


def test_atomic_write_never_follows_a_planted_link(tmp_path):
    path, victim = tmp_path / "session", tmp_path / "victim"
    victim.write_bytes(b"untouched")
    os.symlink(victim, tmp_path / os.path.basename(temporary_name(str(path))))
    write_atomically(str(path), b"data")
    assert victim.read_bytes() == b"untouched"
    assert path.read_bytes() == b"data" and not path.is_symlink()


def test_a_reused_spare_holds_no_old_session_and_the_file_is_exact(tmp_path):
    path = tmp_path / "session"
    for data in (b"a long first session" * 10, b"short", b"a middle one"):
        write_atomically(str(path), data, reuse_temporary=True)
        assert path.read_bytes() == data
        assert mode(path) == 0o600
    spares = [p for p in tmp_path.iterdir() if p.name != "session"]
    assert all(p.name.startswith(".session.") for p in spares)
    assert all(set(p.read_bytes()) <= {0} for p in spares)  # blanked, not the old data


def test_a_spare_left_longer_by_a_dead_save_does_not_lengthen_the_session(tmp_path):
    path = tmp_path / "session"
    spare = tmp_path / os.path.basename(temporary_name(str(path)))
    spare.write_bytes(b"x" * 500)
    os.chmod(spare, 0o600)
    write_atomically(str(path), b"small", reuse_temporary=True)
    assert path.read_bytes() == b"small"


def test_a_planted_link_at_the_spare_name_is_not_followed(tmp_path):
    path, victim = tmp_path / "session", tmp_path / "victim"
    victim.write_bytes(b"untouched")
    os.symlink(victim, tmp_path / os.path.basename(temporary_name(str(path))))
    write_atomically(str(path), b"data", reuse_temporary=True)
    assert victim.read_bytes() == b"untouched"
    assert path.read_bytes() == b"data" and not path.is_symlink()


def test_deleting_a_file_session_removes_this_writers_spare(session_site):
    def handler(req):
        session = Session.FileSession(req)
        session.save()
        session.save()  # the second save leaves a spare
        session.delete()
        req.write(session.id())
        return apache.OK

    site = session_site("FileSession", handler)
    sid = site.get("/app/h.py").body.decode()
    assert os.listdir(site.storage / "mp_sess" / sid[:2]) == []
