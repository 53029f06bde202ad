"""mod_python's test_memory (SPEC 12.2 #76): many write+flush pairs do not grow the process.

The original reads the server process size from /proc/self/statm around 100 000 ``write`` +
``flush`` pairs; here the server is this process (cheroot in a thread), so its resident size
is compared after a warm-up request and after several more.
"""

from __future__ import annotations

import http.client
import os
import sys

import pytest

from .conftest import directory_conf

PAIRS = 20000  # per request
REQUESTS = 8  # after the warm-up: 160 000 pairs (the original makes 100 000)
# Bytes of resident memory. Allocator noise measured 1.0-1.5 MB; keeping as little as one
# 34-byte object per pair would add over 5 MB.
ALLOWED_GROWTH = 3 * 1024 * 1024


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def fetch(base: str, path: str) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    client = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        client.request("GET", path)
        return client.getresponse().read()
    finally:
        client.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_memory_write_and_flush_pairs_do_not_grow_the_process(spec_site, live_server):
    base = live_server(
        spec_site(directory_conf("SetHandler mod_python", "PythonHandler tests::memory"))
    )
    assert fetch(base, f"/tests.py?{PAIRS}") == b"*" * PAIRS  # warm-up: imports, buffers
    before = resident_bytes()
    for _ in range(REQUESTS):
        assert len(fetch(base, f"/tests.py?{PAIRS}")) == PAIRS
    assert resident_bytes() - before < ALLOWED_GROWTH
