"""The stress test of the issue: 8 processes x 8 threads increment the counters of the same 20
sessions (read, add one, save) for 10 s per store. Nothing may be lost (each final counter
equals its successful requests), nothing may deadlock (every worker finishes), and no request
may take longer than the lock timeout.

MemorySession lives in one process, so there each worker process hammers 20 sessions of its
own and checks them itself. ``MP_SESSION_STRESS_SECONDS`` shortens the run for local work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from serving import child_environment

from mod_python._engine.app import Engine

from . import hammer
from .conftest import BACKENDS, backend_options

PROCESSES = 8
THREADS = 8
SESSIONS = 20
SECONDS = float(os.environ.get("MP_SESSION_STRESS_SECONDS", "10"))
LOCK_TIMEOUT = 10.0  # generous: 64 threads share 2 cores in CI; waits are far shorter
FINISH_DEADLINE = SECONDS + 60  # a worker still running by then is deadlocked


def stress_conf(tmp_path: Path, backend: str, redis_url: str | None) -> str:
    docroot = tmp_path / "htdocs"
    (docroot / "app").mkdir(parents=True)
    (docroot / "app" / "h.py").write_text(hammer.COUNTER_HANDLER)
    storage = tmp_path / "sessions"
    storage.mkdir()
    return f"""
ServerName stress.test
DocumentRoot "{docroot}"
PythonOption mod_python.mutex_directory "{tmp_path}"
<Directory "{docroot}/app">
    SetHandler mod_python
    PythonHandler h
    PythonOption mod_python.session.lock_timeout {LOCK_TIMEOUT}
    {backend_options(backend, storage, redis_url)}
</Directory>
"""


def run_workers(tmp_path: Path, conf: str, cookies: list[str]) -> list[dict]:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"conf": conf, "cookies": cookies, "sessions": SESSIONS,
                                "threads": THREADS, "seconds": SECONDS}))  # fmt: skip
    workers = [
        subprocess.Popen(
            [sys.executable, hammer.__file__, str(plan)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_environment(),
        )  # fmt: skip
        for _ in range(PROCESSES)
    ]
    reports = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=FINISH_DEADLINE)
            assert worker.returncode == 0, err
            reports.append(json.loads(out))
    except subprocess.TimeoutExpired:
        pytest.fail(f"a worker did not finish within {FINISH_DEADLINE} s: deadlock")
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    return reports


@pytest.mark.stress
@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_increments_are_never_lost(tmp_path, request, backend):
    redis_url = request.getfixturevalue("redis_server").url if backend == "RedisSession" else None
    conf = stress_conf(tmp_path, backend, redis_url)
    shared = backend != "MemorySession"
    engine = Engine.from_config_text(conf) if shared else None
    cookies = [hammer.new_session_cookie(engine) for _ in range(SESSIONS)] if shared else []

    reports = run_workers(tmp_path, conf, cookies)

    statuses = sum((Counter(report["statuses"]) for report in reports), Counter())
    assert set(statuses) <= {"200"}, statuses
    assert sum(report["unexpected_new"] for report in reports) == 0
    slowest = max(report["slowest"] for report in reports)
    assert slowest < LOCK_TIMEOUT, f"a request took {slowest:.2f} s"
    successes = sum((Counter(report["successes"]) for report in reports), Counter())
    print(f"{backend}: {sum(successes.values())} increments, slowest request {slowest:.3f} s")
    assert sum(successes.values()) > PROCESSES * THREADS  # every thread got work done
    if shared:
        finals = {cookie: hammer.read_counter(engine, cookie) for cookie in cookies}
    else:
        finals = {}
        for report in reports:
            finals.update(report["finals"])
    assert finals == {cookie: successes[cookie] for cookie in finals}
    assert len(finals) == SESSIONS * (1 if shared else PROCESSES)
