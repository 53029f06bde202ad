"""One worker process of the session concurrency test (run as a script, not collected).

``python hammer.py PLAN.json`` builds an Engine from the plan's config, then runs
``threads`` threads that, until ``seconds`` have passed, pick one of the plan's session
cookies at random and send ``GET /app/h.py`` with it: the handler increments the
session's counter (read, add one, save). It prints one JSON line: the successful
increments per session id, the statuses seen, the slowest request, how many requests
unexpectedly got a new session and, for a store private to the process, the final
counters it reads back. Timing starts after one warm-up request (imports, connections).
"""

from __future__ import annotations

import io
import json
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: wsgi_client

from wsgi_client import call_engine  # noqa: E402

from mod_python._engine.app import Engine  # noqa: E402

COUNTER_HANDLER = """
from mod_python import Session, apache

def handler(req):
    session = Session.Session(req)
    if session.is_new():
        session.save()
        req.write("new")
    elif req.args == "read":
        req.write(str(session.get("n", 0)))
    else:
        session["n"] = session.get("n", 0) + 1
        session.save()
        req.write(str(session["n"]))
    return apache.OK
"""


def new_session_cookie(engine) -> str:
    response = call_engine(engine, "GET", "/app/h.py")
    assert response.body == b"new", response.body
    return response.header("Set-Cookie").split(";")[0]


def read_counter(engine, cookie: str) -> int:
    response = call_engine(engine, "GET", "/app/h.py?read", headers={"Cookie": cookie})
    return int(response.body)


def main(plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text())
    engine = Engine.from_config_text(plan["conf"], error_stream=io.StringIO())
    cookies = plan["cookies"] or [new_session_cookie(engine) for _ in range(plan["sessions"])]
    # Warm up before the clock starts: the process's first request imports the handler and
    # the store's client and connects; at a high load that alone took seconds (the slowest
    # request was always a first one), which is no lock wait and is not what is timed.
    read_counter(engine, cookies[0])
    successes: Counter = Counter()
    statuses: Counter = Counter()
    slowest = [0.0]
    unexpected_new = [0]
    record = threading.Lock()
    stop_at = time.monotonic() + plan["seconds"]

    def work(seed: int) -> None:
        chooser = random.Random(seed)
        while time.monotonic() < stop_at:
            cookie = chooser.choice(cookies)
            started = time.monotonic()
            response = call_engine(engine, "GET", "/app/h.py", headers={"Cookie": cookie})
            elapsed = time.monotonic() - started
            with record:
                statuses[response.status] += 1
                slowest[0] = max(slowest[0], elapsed)
                if response.status == 200:
                    if response.body == b"new":
                        unexpected_new[0] += 1
                    else:
                        successes[cookie] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(plan["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = {
        "successes": dict(successes),
        "statuses": {str(code): count for code, count in statuses.items()},
        "slowest": slowest[0],
        "unexpected_new": unexpected_new[0],
        "finals": {} if plan["cookies"] else {c: read_counter(engine, c) for c in cookies},
    }
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
