"""Fixtures for the hostile-input tests: an echoing handler site and a raw HTTP client.

The raw client writes bytes to a live cheroot socket exactly as given (no client library
normalises the path or refuses a header), and reads until the server closes or a deadline
passes, so a hang shows up as a short read instead of a stuck test.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# A handler that copies query arguments into the places a response header comes from: the
# oracle site's own module, so both servers run the same code.
ECHO_HANDLER = (
    Path(__file__).parent.parent / "oracle" / "hostile" / "site" / "echo" / "echo.py"
).read_text()

ECHO_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler echo
    PythonDebug %s
</Directory>
"""

READ_DEADLINE = 10.0  # seconds; only spent when the server fails to answer


@pytest.fixture
def echo_site(make_site):
    """A site whose handler echoes ``value`` into the header named by ``kind``."""

    def build(debug: str = "Off"):
        return make_site(ECHO_CONF % debug, files={"echo.py": ECHO_HANDLER})

    return build


@pytest.fixture(scope="session")
def site_class(pytestconfig):
    """``Site`` of tests/conftest.py, for module-scoped sites (``make_site`` is per test).

    Found among pytest's loaded conftest modules: ``import conftest`` names whichever
    conftest module was imported last.
    """
    root_conftest = Path(__file__).resolve().parent.parent / "conftest.py"
    for plugin in pytestconfig.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", "") or "").resolve() == root_conftest:
            return plugin.Site
    raise LookupError(f"{root_conftest} is not loaded")


@contextlib.contextmanager
def served_site(site_class, root: Path, conf: str, files: dict, **server_options):
    """A Site under ``root`` served by cheroot in a thread; yields ``(site, base_url)``.

    For module-scoped fixtures, where the function-scoped ``live_server`` does not fit.
    """
    from cheroot import wsgi
    from serving import free_port

    site = site_class(root, conf, files, io.StringIO())
    server = wsgi.Server(("127.0.0.1", free_port()), site.engine, **server_options)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    host, port = server.bind_addr
    try:
        yield site, f"http://{host}:{port}"
    finally:
        server.stop()
        thread.join(timeout=5)


def raw_exchange(base_url: str, request: bytes, deadline: float = READ_DEADLINE) -> bytes:
    """Send ``request`` as is to the server at ``base_url``; everything it answers."""
    address = urlsplit(base_url)
    received = b""
    end = time.monotonic() + deadline
    with socket.create_connection((address.hostname, address.port), timeout=deadline) as sock:
        sock.sendall(request)
        while time.monotonic() < end:
            sock.settimeout(max(0.05, end - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
    return received


def status_of(raw_response: bytes) -> int:
    """The status code of a raw HTTP response (0 if there was none)."""
    parts = raw_response.split(b"\r\n", 1)[0].split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def header_block(raw_response: bytes) -> bytes:
    return raw_response.split(b"\r\n\r\n", 1)[0]
