"""PythonConnectionHandler: a listener whose connections go to a Python handler (SPEC 9.2, 5.1).

Each test serves a config with two Listen addresses: HTTP on one, and a <VirtualHost> on
the other whose PythonConnectionHandler gets the raw connection.
"""

from __future__ import annotations

import http.client
import itertools
import socket
import textwrap
import time

import pytest
from serving import ServerProcess, free_port, mod_python_command

from mod_python import apache
from mod_python._engine.connection_server import ConnectionServer, connection_server_for
from mod_python.backends import CherootServers

WAIT = 10
_vhost_numbers = itertools.count(1)

# The handler of mod_python's own test_connectionhandler: read up to an empty line, then
# answer with a hand-written HTTP response.
FAKE_HTTP = """\
from mod_python import apache

def connectionhandler(conn):
    line = conn.readline().strip()
    while line:
        line = conn.readline().strip()
    conn.write("HTTP/1.1 200 OK\\r\\n")
    conn.write("Content-Length: 7\\r\\n\\r\\n")
    conn.write("test ok")
    return apache.OK
"""


class ConnectionSite:
    """A config served by CherootServers: ``http_port`` speaks HTTP, ``port`` the handler."""

    def __init__(self, make_site, handler_code: str, directive: str, extra: str = ""):
        self.port = free_port()
        self.http_port = free_port()
        # A name of its own: the interpreter (and its module cache) is named after it.
        self.server_name = f"conn{next(_vhost_numbers)}.test"
        conf = f"""
            Listen 127.0.0.1:{self.http_port}
            Listen 127.0.0.1:{self.port}
            PythonPath "['{{docroot}}'] + sys.path"
            <VirtualHost 127.0.0.1:{self.port}>
                ServerName {self.server_name}
                PythonConnectionHandler {directive}
                {extra}
            </VirtualHost>
            <Directory {{docroot}}>
                SetHandler mod_python
                PythonHandler page
            </Directory>
        """
        self.site = make_site(conf, files={"conn_handlers.py": handler_code, "page.py": PAGE})
        self.servers = CherootServers(self.site.engine, threads=4, shutdown_timeout=2)
        for port in (self.http_port, self.port):
            self.servers.listen_on(("127.0.0.1", port))
        self.servers.start()

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=WAIT)

    def exchange(self, data: bytes) -> bytes:
        """Send ``data``, half-close, and read everything the handler sends back."""
        with self.connect() as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            return _read_all(sock)

    def wait_for_log(self, text: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if text in self.site.error_log:
                return self.site.error_log
            time.sleep(0.02)
        raise AssertionError(f"{text!r} not logged:\n{self.site.error_log}")


PAGE = """\
from mod_python import apache

def handler(req):
    req.write("http here")
    return apache.OK
"""


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


@pytest.fixture
def connection_site(make_site):
    """``connection_site(handler_code, directive="conn_handlers")`` -> a served ConnectionSite."""
    started = []

    def start(handler_code: str, directive: str = "conn_handlers", extra: str = ""):
        site = ConnectionSite(make_site, textwrap.dedent(handler_code), directive, extra)
        started.append(site)
        return site

    yield start
    for site in started:
        site.servers.stop(timeout=2)


# ---- mod_python's test_connectionhandler ----------------------------------------------------


def test_connection_handler_answers_an_http_client_by_hand(connection_site):
    site = connection_site(FAKE_HTTP)
    client = http.client.HTTPConnection("127.0.0.1", site.port, timeout=WAIT)
    client.request("GET", "/anything")
    response = client.getresponse()
    assert (response.status, response.read()) == (200, b"test ok")


def test_other_listen_address_still_speaks_http(connection_site):
    site = connection_site(FAKE_HTTP)
    client = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=WAIT)
    client.request("GET", "/page.py")
    assert client.getresponse().read() == b"http here"


def test_connection_is_closed_after_the_handler_returns(connection_site):
    site = connection_site(FAKE_HTTP)
    with site.connect() as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n\r\n")  # no half-close: the server must close
        assert _read_all(sock).endswith(b"test ok")


# ---- the connection object's I/O ---------------------------------------------------------------

ECHO_READS = """\
from mod_python import apache

def connectionhandler(conn):
    pieces = []
    while True:
        data = conn.read({length})
        if data is None:
            break
        pieces.append(data)
    conn.write(repr([type(p).__name__ for p in pieces][:1]).encode() + b"|" + b"".join(pieces))
    return apache.OK
"""


@pytest.mark.parametrize("length", ["", "0", "3", "-1"])
def test_read_returns_bytes_until_none_at_end_of_stream(connection_site, length):
    site = connection_site(ECHO_READS.format(length=length))
    payload = b"hello connection handler\n" * 100
    assert site.exchange(payload) == b"['bytes']|" + payload


def test_read_with_a_length_returns_at_most_that_many_bytes(connection_site):
    site = connection_site("""\
        from mod_python import apache

        def connectionhandler(conn):
            conn.write(repr(len(conn.read(4))))
            return apache.OK
    """)
    assert site.exchange(b"0123456789") == b"4"


def test_readline_returns_lines_then_none(connection_site):
    site = connection_site("""\
        from mod_python import apache

        def connectionhandler(conn):
            lines = []
            while True:
                line = conn.readline()
                if line is None:
                    break
                lines.append(line)
            conn.write(repr(lines))
            return apache.OK
    """)
    assert site.exchange(b"one\ntwo\r\nlast") == repr([b"one\n", b"two\r\n", b"last"]).encode()


def test_readline_with_a_length_stops_there_and_keeps_the_rest(connection_site):
    site = connection_site("""\
        from mod_python import apache

        def connectionhandler(conn):
            conn.write(repr([conn.readline(3), conn.readline(), conn.read()]))
            return apache.OK
    """)
    assert site.exchange(b"abcdef\nxyz") == repr([b"abc", b"def\n", b"xyz"]).encode()


@pytest.mark.parametrize(
    "data, sent", [('"text é"', "text é".encode()), ('b"\\x00\\xff"', b"\x00\xff")]
)
def test_write_sends_str_as_utf8_and_bytes_as_they_are(connection_site, data, sent):
    site = connection_site(f"""\
        from mod_python import apache

        def connectionhandler(conn):
            conn.write({data})
            return apache.OK
    """)
    assert site.exchange(b"") == sent


# ---- the connection object's attributes -------------------------------------------------------

ATTRIBUTES = """\
from mod_python import apache

def connectionhandler(conn):
    conn.write(repr({
        "local_addr": conn.local_addr,
        "local_ip": conn.local_ip,
        "client_ip": conn.client_ip,
        "client_port": conn.client_addr[1],
        "server": conn.base_server.server_hostname,
        "handler": conn.hlist.handler,
        "keepalive": conn.keepalive,
        "keepalives": conn.keepalives,
        "notes": repr(conn.notes),
        "interpreter": apache.interpreter,
    }))
    return apache.OK
"""


def test_connection_attributes_describe_the_socket_and_the_vhost(connection_site):
    site = connection_site(ATTRIBUTES)
    with site.connect() as sock:
        client_port = sock.getsockname()[1]
        sock.shutdown(socket.SHUT_WR)
        seen = eval(_read_all(sock))  # noqa: S307 - the repr our own handler wrote
    assert seen == {
        "local_addr": ("127.0.0.1", site.port),
        "local_ip": "127.0.0.1",
        "client_ip": "127.0.0.1",
        "client_port": client_port,
        "server": site.server_name,
        "handler": "conn_handlers",
        "keepalive": apache.AP_CONN_UNKNOWN,
        "keepalives": 0,
        "notes": "{}",
        "interpreter": site.server_name,
    }


def test_python_interpreter_directive_names_the_interpreter(connection_site):
    site = connection_site(ATTRIBUTES, extra="PythonInterpreter connections")
    assert eval(site.exchange(b""))["interpreter"] == "connections"  # noqa: S307


def test_read_after_the_servers_timeout_raises_connection_read_error(connection_site):
    site = connection_site(
        """\
        from mod_python import apache

        def connectionhandler(conn):
            try:
                conn.read()
            except OSError as error:
                conn.write(str(error).split(":")[0])
            return apache.OK
        """,
        extra="Timeout 1",
    )
    with site.connect() as sock:  # connected, sends nothing
        assert _read_all(sock) == b"Connection read error"


def test_handler_object_named_after_double_colon(connection_site):
    site = connection_site(
        """\
        from mod_python import apache

        def echo_once(conn):
            conn.write(b"echo:" + conn.readline())
            return apache.OK
        """,
        directive="conn_handlers::echo_once",
    )
    assert site.exchange(b"ping\n") == b"echo:ping\n"


# ---- results and errors -------------------------------------------------------------------------


def test_declined_leaves_the_connection_to_http(connection_site):
    site = connection_site("""\
        from mod_python import apache

        def connectionhandler(conn):
            return apache.DECLINED
    """)
    client = http.client.HTTPConnection("127.0.0.1", site.port, timeout=WAIT)
    client.request("GET", "/page.py")
    assert client.getresponse().read() == b"http here"


def test_declined_after_reading_a_line_leaves_the_rest_to_http(connection_site):
    site = connection_site("""\
        from mod_python import apache

        def connectionhandler(conn):
            conn.readline()  # a private preamble; the HTTP request follows
            return apache.DECLINED
    """)
    reply = site.exchange(b"preamble\nGET /page.py HTTP/1.0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n") and reply.endswith(b"\r\n\r\nhttp here")


def test_handler_error_is_logged_and_the_connection_closed(connection_site):
    site = connection_site("""\
        def connectionhandler(conn):
            raise ValueError("broken handler")
    """)
    assert site.exchange(b"hello\n") == b""
    log = site.wait_for_log("ValueError: broken handler")
    assert "ConnectionHandler conn_handlers: Traceback (most recent call last):" in log


def test_handler_error_shows_nothing_to_the_client_even_with_debug(connection_site):
    site = connection_site(
        """\
        def connectionhandler(conn):
            raise ValueError("broken handler")
        """,
        extra="PythonDebug On",
    )
    assert site.exchange(b"hello\n") == b""


def test_non_integer_result_is_reported(connection_site):
    site = connection_site("""\
        def connectionhandler(conn):
            return "done"
    """)
    site.exchange(b"")
    site.wait_for_log(
        "ConnectionHandler conn_handlers: AssertionError: ConnectionHandler 'conn_handlers' "
        "returned invalid return code."
    )


def test_missing_handler_object_is_reported(connection_site):
    site = connection_site("x = 1\n", directive="conn_handlers::nowhere")
    site.exchange(b"")
    site.wait_for_log("contains no 'nowhere'")


def test_connections_are_served_concurrently(connection_site):
    site = connection_site("""\
        from mod_python import apache

        def connectionhandler(conn):
            conn.write(b"got:" + conn.readline())
            return apache.OK
    """)
    first, second = site.connect(), site.connect()
    with first, second:
        # The first is still waiting for its line while the second is answered.
        second.sendall(b"second\n")
        assert _read_all(second) == b"got:second\n"
        first.sendall(b"first\n")
        assert _read_all(first) == b"got:first\n"


# ---- which addresses get a connection server ---------------------------------------------------


def test_main_server_handler_applies_to_every_address(make_site):
    site = make_site("PythonConnectionHandler conn_handlers\n")
    assert isinstance(connection_server_for(site.engine, ("127.0.0.1", 8080), 2), ConnectionServer)


def test_vhost_inherits_the_main_servers_handler(make_site):
    # The oracle agrees: a <VirtualHost> without its own handler uses the main server's.
    site = make_site(
        "Listen 127.0.0.1:8080\nListen 127.0.0.1:8081\nPythonConnectionHandler conn_handlers\n"
        "<VirtualHost 127.0.0.1:8081>\n    ServerName other.test\n</VirtualHost>\n"
    )
    server = connection_server_for(site.engine, ("127.0.0.1", 8081), 2)
    assert (server.handler, server.record.server_name) == ("conn_handlers", "other.test")


def test_config_without_connection_handler_gets_http_everywhere(make_site):
    site = make_site("Listen 127.0.0.1:8080\n")
    assert connection_server_for(site.engine, ("127.0.0.1", 8080), 2) is None


def test_stop_ends_a_handler_blocked_in_read(connection_site):
    site = connection_site("""\
        from mod_python import apache

        def connectionhandler(conn):
            conn.read()
            return apache.OK
    """)
    with site.connect():
        started = time.monotonic()
        site.servers.stop(timeout=0.2)
        assert time.monotonic() - started < WAIT


# ---- under `mod_python serve` ----------------------------------------------------------------------


def test_mod_python_serve_runs_the_connection_handler(tmp_path):
    port, http_port = free_port(), free_port()
    (tmp_path / "htdocs").mkdir()
    (tmp_path / "htdocs" / "conn_handlers.py").write_text(FAKE_HTTP)
    (tmp_path / "httpd.conf").write_text(
        textwrap.dedent(f"""\
            ServerRoot "{tmp_path}"
            DocumentRoot "{tmp_path}/htdocs"
            ErrorLog logs/error_log
            Listen 127.0.0.1:{http_port}
            Listen 127.0.0.1:{port}
            PythonPath "sys.path + ['{tmp_path}/htdocs']"
            <VirtualHost 127.0.0.1:{port}>
                PythonConnectionHandler conn_handlers
            </VirtualHost>
        """)
    )
    command = mod_python_command("serve", str(tmp_path / "httpd.conf"))
    with ServerProcess(command, port, tmp_path):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        client.request("GET", "/")
        assert client.getresponse().read() == b"test ok"


def test_serve_refuses_connection_handlers_on_other_back_ends(tmp_path, capsys):
    from mod_python import cli

    conf = tmp_path / "httpd.conf"
    conf.write_text(f'DocumentRoot "{tmp_path}"\nPythonConnectionHandler conn_handlers\n')
    status = cli.main(["serve", str(conf), "--server", "gunicorn", "--listen", str(free_port())])
    assert status == 1
    assert "PythonConnectionHandler is served with --server cheroot only" in capsys.readouterr().err


def test_daemon_workers_run_the_connection_handler(tmp_path):
    from cli.sites import kill_daemon, make_site, run

    port = free_port()
    root = tmp_path / "site"
    conf = make_site(
        root,
        extra=(
            f"Listen 127.0.0.1:{port}\n"
            f"PythonPath \"['{root}/htdocs'] + sys.path\"\n"
            f"<VirtualHost 127.0.0.1:{port}>\n"
            "    PythonConnectionHandler conn_handlers\n"
            "</VirtualHost>\n"
        ),
    )
    (root / "htdocs" / "conn_handlers.py").write_text(FAKE_HTTP)
    try:
        started = run("start", str(conf), "--processes", "2")
        assert started.returncode == 0, started.stderr
        for _ in range(3):  # whichever worker accepts
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
            client.request("GET", "/")
            assert client.getresponse().read() == b"test ok"
        assert run("stop", str(conf)).returncode == 0
    finally:
        kill_daemon(root / "logs" / "httpd.pid")
