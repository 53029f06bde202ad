"""Session locks: per id, across threads and processes, re-entrant within a request, released
at request end and on errors, and a timeout that fails the request with 503 instead of hanging."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import weakref

import pytest

from mod_python import Session, apache
from mod_python._engine.sessions.locks import (
    FileRecordLock,
    SessionLocks,
    SessionLockTimeout,
    file_locks,
)

from .conftest import BACKENDS, cookie_pair, recording_handler

SID = "0123456789abcdef0123456789abcdef"
OTHER_SID = "fedcba9876543210fedcba9876543210"
WAIT = 10  # seconds before a test that waits for another thread or process gives up


@pytest.fixture
def locks(tmp_path):
    return SessionLocks(FileRecordLock(str(tmp_path / "locks.lck")))


# ---- the lock table -------------------------------------------------------------------------


def test_the_same_owner_may_take_a_lock_again_and_must_give_back_each_take(locks):
    owner, other = object(), object()
    locks.acquire(SID, owner)
    locks.acquire(SID, owner)
    assert locks.held_count(SID, owner) == 2
    locks.release(SID, owner)
    with pytest.raises(SessionLockTimeout):
        locks.acquire(SID, other, timeout=0.05)
    locks.release(SID, owner)
    locks.acquire(SID, other, timeout=0)
    assert locks.held_count(SID, other) == 1


def test_another_owner_waits_until_the_lock_is_released(locks):
    holder, waiter = object(), object()
    locks.acquire(SID, holder)
    acquired = threading.Event()

    def wait_for_it():
        locks.acquire(SID, waiter, timeout=WAIT)
        acquired.set()

    thread = threading.Thread(target=wait_for_it)
    thread.start()
    assert not acquired.wait(0.1)
    locks.release(SID, holder)
    assert acquired.wait(WAIT)
    thread.join(WAIT)


def test_a_waiter_gives_up_at_the_timeout(locks):
    locks.acquire(SID, object())
    started = time.monotonic()
    with pytest.raises(SessionLockTimeout, match="stayed locked"):
        locks.acquire(SID, object(), timeout=0.2)
    assert 0.2 <= time.monotonic() - started < WAIT


def test_locks_of_different_ids_are_independent(locks):
    locks.acquire(SID, object())
    locks.acquire(OTHER_SID, object(), timeout=0)


def test_releasing_a_lock_one_does_not_hold_changes_nothing(locks):
    holder = object()
    locks.acquire(SID, holder)
    locks.release(SID, object())
    assert locks.held_count(SID, holder) == 1


HOLDER_SCRIPT = """
import sys
from mod_python._engine.sessions.locks import FileRecordLock
lock = FileRecordLock(sys.argv[1])
assert lock.acquire(sys.argv[2], deadline=float("inf"))
print("held", flush=True)
sys.stdin.readline()
lock.release(sys.argv[2])
print("released", flush=True)
sys.stdin.readline()
"""


def test_a_lock_held_by_another_process_is_waited_for(locks):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, locks.store.path, SID],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SessionLockTimeout):
            locks.acquire(SID, object(), timeout=0.2)
        locks.acquire(OTHER_SID, object(), timeout=0)  # per id, not one of a few mutexes
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        locks.acquire(SID, object(), timeout=WAIT)
    finally:
        holder.stdin.close()
        holder.wait(WAIT)


# ---- locks around requests ------------------------------------------------------------------


def first_sid(site, handler_path: str = "/app/h.py") -> tuple[str, str]:
    cookie = cookie_pair(site.get(handler_path))
    return cookie, cookie.split("=", 1)[1]


def creating_handler(req):
    session = Session.Session(req)
    session.save()
    return apache.OK


def test_the_lock_is_released_when_the_request_ends(session_site):
    site = session_site("FileSession", creating_handler)
    _, sid = first_sid(site)
    file_locks().acquire(sid, object(), timeout=0)


def test_the_lock_is_released_when_the_handler_fails(session_site):
    def handler(req):
        session = Session.Session(req)
        session.save()
        if not session.is_new():
            raise RuntimeError("the handler breaks after locking its session")
        return apache.OK

    site = session_site("FileSession", handler)
    cookie, sid = first_sid(site)
    assert site.get("/app/h.py", headers={"Cookie": cookie}).status == 500
    file_locks().acquire(sid, object(), timeout=0)


def test_every_session_still_locked_at_the_end_of_the_request_is_released(session_site):
    sids = []

    def handler(req):
        for _ in range(3):
            session = Session.FileSession(req)
            session.save()
            sids.append(session.id())
        return apache.OK

    assert session_site("FileSession", handler).get("/app/h.py").status == 200
    for sid in sids:
        file_locks().acquire(sid, object(), timeout=0)


def test_a_session_that_gave_its_lock_back_is_not_kept_alive_by_the_request(session_site):
    alive = []

    def handler(req):
        first = Session.FileSession(req)  # stays on req.session
        first.save()
        again = Session.FileSession(req, sid=first.id())
        again.unlock()
        reference = weakref.ref(again)
        del again
        alive.append(reference() is not None)
        return apache.OK

    assert session_site("FileSession", handler).get("/app/h.py").status == 200
    assert alive == [False]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_session_locked_elsewhere_fails_the_request_after_the_lock_timeout(session_site, backend):
    seen = []
    site = session_site(backend, recording_handler(seen),
                        "PythonOption mod_python.session.lock_timeout 0.2")  # fmt: skip
    cookie, sid = first_sid(site)
    table, holder = seen[0].session_locks(), object()
    table.acquire(sid, holder)
    try:
        response = site.get("/app/h.py", headers={"Cookie": cookie})
    finally:
        table.release(sid, holder)
    assert response.status == 503
    assert f"session {sid} stayed locked by another request for more than 0.2 s" in site.error_log


def test_a_session_created_without_locking_takes_no_lock(session_site):
    def handler(req):
        session = Session.Session(req, lock=0)
        file_locks().acquire(session.id(), object(), timeout=0)
        return apache.OK

    assert session_site("FileSession", handler).get("/app/h.py").status == 200


def test_a_page_unlocking_the_session_it_was_handed_leaves_the_callers_lock(session_site):
    # MODPYTHON-176: a PSP page in a redirected request unlocks what it "created"; the
    # first request's handler still holds its lock until the request ends.
    held = {}

    def handler(req):
        if req.prev is None:
            session = Session.Session(req)
            req.internal_redirect("/app/h.py?page")
            held["after page"] = file_locks().held_count(session.id(), req)
        else:
            created_here = not hasattr(req, "session")
            session = Session.Session(req)
            if created_here:
                session.unlock()
                del req.session
        return apache.OK

    assert session_site("FileSession", handler).get("/app/h.py").status == 200
    assert held == {"after page": 1}


def test_two_sessions_of_one_request_with_one_id_do_not_deadlock(session_site):
    def handler(req):
        first = Session.Session(req)
        first.save()
        second = Session.FileSession(req, sid=first.id())
        req.write(f"{second.is_new()}")
        return apache.OK

    site = session_site("FileSession", handler, "PythonOption mod_python.session.lock_timeout 2")
    assert site.get("/app/h.py").body == b"False"
