"""Filters must be byte-exact whatever the chunking (the CVE-2004-2680 class of bugs):
bodies around the 16 KiB and 64 KiB boundaries and several MiB, written and read in odd
sizes, through output and input filters, one at a time and concurrently."""

from __future__ import annotations

import http.client
import random
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

FILTERS = """
INVERT = bytes(255 - i for i in range(256))

def invert_out(filter):
    # Odd read sizes so reads straddle the writer's chunks.
    s = filter.read(4093)
    while s:
        filter.write(s.translate(INVERT))
        s = filter.read(4093)
    if s is None:
        filter.close()

def invert_lines_out(filter):
    s = filter.readline()
    while s:
        filter.write(s.translate(INVERT))
        s = filter.readline()
    if s is None:
        filter.close()

def invert_in(filter):
    s = filter.read(1021)
    while s:
        filter.write(s.translate(INVERT))
        s = filter.read(1021)
    if s is None:
        filter.close()
"""

HANDLERS = """
import random
from mod_python import apache

def handler(req):
    size, chunk, seed = (int(x) for x in req.args.split(","))
    data = random.Random(seed).randbytes(size)
    req.content_type = "application/octet-stream"
    if req.method == "POST":
        # Read back in odd sizes, mixing read() and readline().
        parts = []
        while True:
            piece = req.read(chunk) if len(parts) % 2 else req.readline(chunk)
            if not piece:
                break
            parts.append(piece)
        req.write(b"".join(parts))
        return apache.OK
    for number, start in enumerate(range(0, size, chunk)):
        req.write(data[start:start + chunk], number % 3 == 0)  # some flushed, some not
    return apache.OK
"""

CONF = """
<Directory "{docroot}">
  PythonOutputFilter myfilters::invert_out INVERT
  PythonOutputFilter myfilters::invert_lines_out INVERT_LINES
  PythonInputFilter myfilters::invert_in INVERT_IN
  SetHandler mod_python
  PythonHandler h
</Directory>
<Directory "{docroot}/out">
  SetOutputFilter INVERT;INVERT_LINES
</Directory>
<Directory "{docroot}/in">
  SetInputFilter INVERT_IN
</Directory>
"""

INVERT = bytes(255 - i for i in range(256))
SIZES = [16383, 16384, 16385, 65536, 3 * 1024 * 1024 + 7]
CHUNKS = [1, 4099, 8000, 8001, 65537]


def payload(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.fixture(scope="module")
def exact_site(tmp_path_factory):
    import io
    import textwrap

    from mod_python._engine.app import Engine

    root = tmp_path_factory.mktemp("exact")
    for directory in ("out", "in"):
        (root / directory).mkdir()
    (root / "myfilters.py").write_text(textwrap.dedent(FILTERS))
    for directory in ("", "out", "in"):  # the module runs from the root, where declared
        (root / directory / "h.py").write_text(textwrap.dedent(HANDLERS))
    conf = (
        "ServerName exact.test\n"
        + f'DocumentRoot "{root}"\n'
        + CONF.replace("{docroot}", str(root))
    )
    return Engine.from_config_text(conf, error_stream=io.StringIO())


def _chunk_for(size: int) -> list[int]:
    # 1-byte writes only for the small bodies: a MiB of them would only measure Python.
    return [chunk for chunk in CHUNKS if chunk > 1 or size <= 65536]


@pytest.mark.parametrize("size", SIZES)
def test_output_filters_are_byte_exact(exact_site, size):
    from wsgi_client import call_engine

    for chunk in _chunk_for(size):
        response = call_engine(exact_site, "GET", f"/out/h.py?{size},{chunk},{size}")
        # INVERT then INVERT_LINES: inverted twice, so the original bytes come back.
        assert response.body == payload(size, size), (size, chunk)


@pytest.mark.parametrize("size", SIZES)
def test_input_filter_is_byte_exact(exact_site, size):
    from wsgi_client import call_engine

    body = payload(size, size + 1)
    for chunk in (4099, 65537):
        response = call_engine(exact_site, "POST", f"/in/h.py?{size},{chunk},0", body=body)
        assert response.body == body.translate(INVERT), (size, chunk)


def test_concurrent_filtered_responses_do_not_mix(exact_site, live_server):
    base = urlsplit(live_server(exact_site))

    def fetch(number: int) -> bool:
        size, chunk = SIZES[number % len(SIZES)], CHUNKS[1 + number % 4]
        connection = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
        try:
            if number % 2:
                body = payload(size, number)
                connection.request("POST", f"/in/h.py?{size},{chunk},0", body=body)
                expected = body.translate(INVERT)
            else:
                connection.request("GET", f"/out/h.py?{size},{chunk},{number}")
                expected = payload(size, number)
            return connection.getresponse().read() == expected
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(fetch, range(12)))
