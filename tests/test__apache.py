"""The ``_apache`` module: re-exports and the global mutexes shared by threads and processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import zlib

import pytest

import _apache
from mod_python._engine import exceptions, global_locks, querystring

SERVER = object()  # the server argument only locates the locks in httpd; ours ignores it
DEADLINE = 30  # seconds; generous upper bound for a child process, never a speed assertion


@pytest.fixture
def lock_directory(tmp_path, monkeypatch):
    """Global locks configured in a private directory for this test only."""
    monkeypatch.setattr(global_locks, "_locks", None)
    locks = global_locks.configure_global_locks(str(tmp_path))
    yield str(tmp_path)
    locks.close()


# -- re-exports -------------------------------------------------------------------------------


def test_server_return_is_the_engine_exception_class():
    assert _apache.SERVER_RETURN is exceptions.SERVER_RETURN


@pytest.mark.parametrize("name", ["parse_qs", "parse_qsl"])
def test_query_string_parsers_are_the_engine_functions(name):
    assert getattr(_apache, name) is getattr(querystring, name)


@pytest.mark.parametrize("name", ["_global_lock", "_global_trylock", "_global_unlock"])
def test_lock_functions_are_the_engine_functions(name):
    assert getattr(_apache, name) is getattr(global_locks, name)


# -- index choice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, index, expected",
    [
        (None, -1, 0),
        (None, 0, 0),
        ("anything", 5, 5),
        ("session", -1, zlib.crc32(b"session") % 7 + 1),
        (12345, -1, zlib.crc32(b"12345") % 7 + 1),
    ],
)
def test_lock_index_choice(tmp_path, key, index, expected):
    assert global_locks.GlobalLocks(str(tmp_path)).index_for(key, index) == expected


def test_keys_never_choose_the_reserved_lock_zero(tmp_path):
    locks = global_locks.GlobalLocks(str(tmp_path), count=3)
    assert {locks.index_for(f"sid{n}") for n in range(200)} == {1, 2}


@pytest.mark.parametrize("index", [8, 100, -2])
def test_index_out_of_range_raises_value_error_naming_index_and_count(lock_directory, index):
    with pytest.raises(ValueError, match=rf"Lock index {index} is out of range .* \(8\)"):
        _apache._global_lock(SERVER, None, index)


def test_fewer_than_two_locks_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 2"):
        global_locks.GlobalLocks(str(tmp_path), count=1)


def test_configured_count_bounds_the_index(lock_directory, monkeypatch):
    global_locks.configure_global_locks(lock_directory, count=3)
    with pytest.raises(ValueError, match=r"\(3\)"):
        _apache._global_trylock(SERVER, None, 3)


def _index_in_child(directory, key, queue):
    queue.put(global_locks.GlobalLocks(directory).index_for(key))


def test_key_chooses_the_same_lock_in_another_process(tmp_path):
    # Python's hash() of a str differs between processes (PYTHONHASHSEED); ours must not.
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_index_in_child, args=(str(tmp_path), "a-session-id", queue))
    child.start()
    child_index = queue.get(timeout=DEADLINE)
    child.join(DEADLINE)
    assert child_index == global_locks.GlobalLocks(str(tmp_path)).index_for("a-session-id")


# -- lock files -------------------------------------------------------------------------------


def test_lock_file_is_named_after_tag_and_index(tmp_path, monkeypatch):
    monkeypatch.setattr(global_locks, "_locks", None)
    locks = global_locks.configure_global_locks(str(tmp_path), tag="T")
    try:
        _apache._global_lock(SERVER, None, 2)
        _apache._global_unlock(SERVER, None, 2)
        assert (tmp_path / "mpmtxT2").exists()
    finally:
        locks.close()


def test_default_tag_is_the_same_for_the_same_directory(tmp_path):
    assert global_locks.default_tag(str(tmp_path)) == global_locks.default_tag(str(tmp_path))
    assert global_locks.default_tag(str(tmp_path)) != global_locks.default_tag(str(tmp_path / "x"))


def test_locks_work_unconfigured_with_defaults(monkeypatch):
    monkeypatch.setattr(global_locks, "_locks", None)
    key = f"unconfigured-{os.getpid()}-{time.time()}"
    _apache._global_lock(SERVER, key)
    _apache._global_unlock(SERVER, key)
    assert global_locks.global_locks().count == global_locks.DEFAULT_LOCK_COUNT
    global_locks.global_locks().close()


# -- misuse -----------------------------------------------------------------------------------


def test_unlocking_a_lock_not_held_raises(lock_directory):
    with pytest.raises(RuntimeError, match="not held by this thread"):
        _apache._global_unlock(SERVER, None, 1)


def test_unlocking_a_lock_held_by_another_thread_raises(lock_directory):
    held, done = threading.Event(), threading.Event()

    def holder():
        _apache._global_lock(SERVER, None, 1)
        held.set()
        done.wait(DEADLINE)
        _apache._global_unlock(SERVER, None, 1)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(DEADLINE)
    try:
        with pytest.raises(RuntimeError, match="not held by this thread"):
            _apache._global_unlock(SERVER, None, 1)
    finally:
        done.set()
        thread.join(DEADLINE)


def test_locking_twice_in_one_thread_raises_instead_of_deadlocking(lock_directory):
    _apache._global_lock(SERVER, "key")
    try:
        with pytest.raises(RuntimeError, match="already held by this thread"):
            _apache._global_lock(SERVER, "key")
    finally:
        _apache._global_unlock(SERVER, "key")


# -- exclusion between threads ----------------------------------------------------------------


def _critical_sections(log_path, key, rounds, label):
    """Take the lock ``rounds`` times, logging timestamped enter/exit lines inside it."""
    for _ in range(rounds):
        _apache._global_lock(SERVER, key)
        try:
            with open(log_path, "a") as log:
                log.write(f"enter {label} {time.time():.6f}\n")
            time.sleep(0.01)  # widen the window in which an intruder would be caught
            with open(log_path, "a") as log:
                log.write(f"exit {label} {time.time():.6f}\n")
        finally:
            _apache._global_unlock(SERVER, key)


def assert_sections_never_overlap(log_path, expected_sections):
    events = [line.split() for line in log_path.read_text().splitlines()]
    assert len(events) == 2 * expected_sections
    for enter, leave in zip(events[0::2], events[1::2], strict=True):
        assert enter[0] == "enter" and leave[0] == "exit"
        assert enter[1] == leave[1], "another holder entered before this one left"
    times = [float(event[2]) for event in events]
    assert times == sorted(times)


def test_lock_excludes_other_threads(lock_directory, tmp_path):
    log_path = tmp_path / "sections.log"
    threads = [
        threading.Thread(target=_critical_sections, args=(log_path, "shared", 5, f"t{n}"))
        for n in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert_sections_never_overlap(log_path, 15)


def test_trylock_fails_while_another_thread_holds_the_lock(lock_directory):
    held, done = threading.Event(), threading.Event()

    def holder():
        _apache._global_lock(SERVER, None, 4)
        held.set()
        done.wait(DEADLINE)
        _apache._global_unlock(SERVER, None, 4)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(DEADLINE)
    try:
        assert _apache._global_trylock(SERVER, None, 4) is False
    finally:
        done.set()
        thread.join(DEADLINE)
    assert _apache._global_trylock(SERVER, None, 4) is True
    _apache._global_unlock(SERVER, None, 4)


def test_other_indexes_stay_free_while_one_is_held(lock_directory):
    _apache._global_lock(SERVER, None, 1)
    try:
        assert _apache._global_trylock(SERVER, None, 2) is True
        _apache._global_unlock(SERVER, None, 2)
    finally:
        _apache._global_unlock(SERVER, None, 1)


# -- exclusion between processes --------------------------------------------------------------


def _process_sections(directory, log_path, key, rounds, label):
    global_locks.configure_global_locks(directory)
    _critical_sections(log_path, key, rounds, label)


def test_lock_excludes_other_processes(lock_directory, tmp_path):
    log_path = tmp_path / "sections.log"
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(
            target=_process_sections,
            args=(lock_directory, log_path, "a-session-id", 5, f"p{n}"),
        )
        for n in range(2)
    ]
    for child in children:
        child.start()
    _critical_sections(log_path, "a-session-id", 5, "parent")
    for child in children:
        child.join(DEADLINE)
    assert [child.exitcode for child in children] == [0, 0]
    assert_sections_never_overlap(log_path, 15)


def _hold_lock(directory, index, held, release):
    global_locks.configure_global_locks(directory)
    _apache._global_lock(SERVER, None, index)
    held.set()
    release.wait(DEADLINE)
    _apache._global_unlock(SERVER, None, index)


def test_trylock_fails_while_another_process_holds_the_lock(lock_directory):
    context = multiprocessing.get_context("spawn")
    held, release = context.Event(), context.Event()
    child = context.Process(target=_hold_lock, args=(lock_directory, 3, held, release))
    child.start()
    try:
        assert held.wait(DEADLINE)
        assert _apache._global_trylock(SERVER, None, 3) is False
    finally:
        release.set()
        child.join(DEADLINE)
    assert child.exitcode == 0
    assert _apache._global_trylock(SERVER, None, 3) is True
    _apache._global_unlock(SERVER, None, 3)


def _lock_after_fork(index, started, acquired):
    started.set()
    _apache._global_lock(SERVER, None, index)
    acquired.set()
    _apache._global_unlock(SERVER, None, index)


def test_forked_child_can_take_a_lock_its_parent_held_at_fork_time(lock_directory):
    context = multiprocessing.get_context("fork")
    started, acquired = context.Event(), context.Event()
    _apache._global_lock(SERVER, None, 5)
    child = context.Process(target=_lock_after_fork, args=(5, started, acquired))
    child.start()
    try:
        assert started.wait(DEADLINE)
        assert not acquired.wait(0.2)  # blocked by the parent's file lock
    finally:
        _apache._global_unlock(SERVER, None, 5)
    assert acquired.wait(DEADLINE)
    child.join(DEADLINE)
    assert child.exitcode == 0
