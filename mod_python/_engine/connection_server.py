"""A raw TCP listener for addresses whose server declares a ``PythonConnectionHandler``.

Apache hands every connection of such a server to mod_python's ConnectionDispatch
instead of its HTTP protocol module. ``mod_python serve`` and the daemon do the same: for
each listening address ``connection_server_for`` looks up the server record answering
there (the first <VirtualHost> for that address, else the main server, as httpd picks
``conn->base_server``); when it has a connection handler the address is served by a
:class:`ConnectionServer` instead of the HTTP server. Each accepted connection runs in a
worker thread: the handler reads and writes the socket through the connection object,
and the socket is closed when it returns. A handler returning DECLINED leaves the
connection to HTTP (the engine served through cheroot), as Apache's core then takes it.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .config.dirconfig import HandlerEntry
from .connection import connection
from .connection_dispatch import connection_handler_of, dispatch_connection
from .constants import AP_CONN_UNKNOWN, DECLINED
from .hlist import hlist

# conn.read() / readline() without a length (or 0): at most this many bytes, as mod_python.
DEFAULT_READ_SIZE = 8192


class SocketStream:
    """The bytes of one connection, as ``conn.read``/``readline``/``write`` see them.

    A read returns what one ``recv`` brings (after any bytes ``readline`` buffered), so a
    handler is never blocked waiting for more than the peer has sent; None at end of stream.
    """

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._buffer = b""
        self._eof = False

    def _receive(self, size: int) -> bytes:
        if self._eof:
            return b""
        try:
            data = self._sock.recv(size)
        except OSError as error:  # a timeout (Timeout directive) or a reset
            raise OSError(f"Connection read error: {error}") from None
        if not data:
            self._eof = True
        return data

    def read(self, length: int = 0) -> bytes | None:
        # -1 is mod_python's "exhaustive" mode: it too returns after the first chunk.
        limit = length if length > 0 else DEFAULT_READ_SIZE
        if self._buffer:
            data, self._buffer = self._buffer[:limit], self._buffer[limit:]
            return data
        return self._receive(limit) or None

    def readline(self, length: int = 0) -> bytes | None:
        limit = length if length > 0 else DEFAULT_READ_SIZE
        while b"\n" not in self._buffer and len(self._buffer) < limit:
            data = self._receive(DEFAULT_READ_SIZE)
            if not data:
                break
            self._buffer += data
        end = self._buffer.find(b"\n", 0, limit) + 1 or min(limit, len(self._buffer))
        line, self._buffer = self._buffer[:end], self._buffer[end:]
        return line or None

    def take_unread(self) -> bytes:
        """What was received but not read yet (handed on when HTTP takes over)."""
        unread, self._buffer = self._buffer, b""
        return unread

    def write(self, data) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            self._sock.sendall(data)
        except OSError:
            pass  # mod_python ignores write errors here; the next read reports the loss


def connection_environ(sock: socket.socket) -> dict[str, str]:
    """The two ends of ``sock`` in the environ keys the connection object reads."""
    local = sock.getsockname()
    try:
        peer = sock.getpeername()
    except OSError:  # the peer is already gone
        peer = ("", 0)
    return {
        "REMOTE_ADDR": str(peer[0]),
        "REMOTE_PORT": str(peer[1]),
        "SERVER_ADDR": str(local[0]),
        "SERVER_PORT": str(local[1]),
    }


class ConnectionServer:
    """Accepts connections on one address and runs the connection handler for each.

    Offers what ``CherootServers`` uses of a cheroot server: ``prepare``, ``serve``,
    ``stop``, ``bind_addr`` and ``shutdown_timeout``.
    """

    shutdown_timeout: float = 5.0
    """Seconds ``stop`` waits for handlers in progress before shutting their sockets."""

    accept_poll: float = 0.25
    """Seconds between checks for ``stop`` while waiting for a connection."""

    def __init__(self, engine, address, record, handler: str, threads: int = 10):
        self.engine = engine
        self.record = record
        self.handler = handler
        self.threads = threads
        self._address = address  # (host, port), or an inherited listening socket
        self.socket: socket.socket | None = None
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._active: set[socket.socket] = set()
        self._active_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._http = None

    @property
    def bind_addr(self) -> tuple:
        if self.socket is not None:
            return self.socket.getsockname()[:2]
        return (
            self._address.getsockname()[:2]
            if isinstance(self._address, socket.socket)
            else self._address
        )

    def prepare(self) -> None:
        """Bind and listen (or adopt the listening socket given); OSError when taken."""
        if isinstance(self._address, socket.socket):
            self.socket = self._address
        else:
            host, port = self._address
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((host, port))
                sock.listen(socket.SOMAXCONN)
            except BaseException:
                sock.close()
                raise
            self.socket = sock
        # A timeout on accept lets serve() notice stop(); accepted sockets get their own.
        self.socket.settimeout(self.accept_poll)
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="mp-connection")

    def serve(self) -> None:
        """Accept until ``stop``; each connection goes to a worker thread."""
        try:
            while not self._stopping.is_set():
                try:
                    client, _ = self.socket.accept()
                except (TimeoutError, BlockingIOError, InterruptedError):
                    continue  # BlockingIOError: another worker process took it first
                except OSError as error:
                    if self._stopping.is_set():
                        break
                    # Out of file descriptors and the like: say so, keep serving.
                    self.engine.server_object(self.record).log_error(
                        f"ConnectionHandler {self.handler}: accept failed: {error}"
                    )
                    self._stopping.wait(self.accept_poll)
                    continue
                client.settimeout(self.record.timeout or None)
                with self._active_lock:
                    self._active.add(client)
                self._pool.submit(self._handle, client)
        finally:
            self._stopped.set()

    def _handle(self, client: socket.socket) -> None:
        try:
            conn = connection(
                connection_environ(client),
                self.engine.server_object(self.record),
                self.engine.error_log_for(self.record),
                stream=SocketStream(client),
                hlist=hlist([HandlerEntry(self.handler, None)], [None]),
            )
            conn._keepalive = AP_CONN_UNKNOWN  # no HTTP request has said anything yet
            if dispatch_connection(conn, self.record, self.handler) == DECLINED:
                # What the handler left unread is the start of the HTTP request, as in
                # httpd, where it stays in the connection's input filters.
                self._serve_http(client, conn._stream.take_unread())
        except Exception as error:  # noqa: BLE001 - one bad connection must not stop the rest
            self.engine.server_object(self.record).log_error(
                f"ConnectionHandler {self.handler}: connection failed: {error!r}"
            )
        finally:
            with self._active_lock:
                self._active.discard(client)
            _lingering_close(client)

    def _serve_http(self, client: socket.socket, unread: bytes) -> None:
        """DECLINED: HTTP serves the connection (its keep-alive requests) with the engine."""
        from cheroot import server as cheroot_server
        from cheroot import wsgi

        if self._http is None:
            self._http = wsgi.Server(self.bind_addr, self.engine,
                                     server_name=self.engine.settings.server_name)  # fmt: skip
        client.settimeout(self._http.timeout)
        http_connection = cheroot_server.HTTPConnection(
            self._http, client, makefile=_reader_after(unread)
        )
        try:
            while not self._stopping.is_set() and http_connection.communicate():
                pass
        finally:
            http_connection.close()

    def stop(self) -> None:
        """Stop accepting; give handlers in progress ``shutdown_timeout`` seconds to finish,
        then shut their sockets (a blocked read ends with an error) and wait for them."""
        self._stopping.set()
        if self.socket is not None:
            if self.socket is not self._address:
                # Our own socket: shutting it wakes accept() at once. An inherited one is
                # shared with the daemon's master and the other workers: left alone.
                try:
                    self.socket.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._stopped.wait(self.accept_poll * 4)
            _close(self.socket)
        if self._pool is None:
            return
        deadline = time.monotonic() + self.shutdown_timeout
        while self._active and time.monotonic() < deadline:
            time.sleep(0.05)
        with self._active_lock:
            for client in self._active:
                try:
                    client.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._pool.shutdown(wait=True)


class _UnreadFirst(socket.SocketIO):
    """A socket's raw reader that returns ``unread`` before anything received later."""

    def __init__(self, sock: socket.socket, unread: bytes):
        super().__init__(sock, "rb")
        self._unread = unread

    def readinto(self, buffer) -> int | None:
        if not self._unread:
            return super().readinto(buffer)
        count = min(len(buffer), len(self._unread))
        buffer[:count] = self._unread[:count]
        self._unread = self._unread[count:]
        return count


def _reader_after(unread: bytes):
    """A cheroot ``makefile`` whose reading side starts with ``unread``."""
    from cheroot import makefile

    class UnreadFirstReader(makefile.StreamReader):
        def __init__(self, sock, mode="rb", bufsize=io.DEFAULT_BUFFER_SIZE):
            # StreamReader.__init__ would wrap the socket itself: call its base class.
            super(makefile.StreamReader, self).__init__(_UnreadFirst(sock, unread), bufsize)
            self.bytes_read = 0

    def make(sock, mode="r", bufsize=io.DEFAULT_BUFFER_SIZE):
        if "r" in mode:
            return UnreadFirstReader(sock, mode, bufsize)
        return makefile.MakeFile(sock, mode, bufsize)

    return make


# httpd's lingering close: after our last byte, read and drop what the client still sends
# for this long, so unread input does not turn the close into a reset that loses our reply.
LINGER_SECONDS = 2.0


def _lingering_close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + LINGER_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                break
    except OSError:
        pass
    _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass


def declares_connection_handler(settings) -> bool:
    """True when the main server or a <VirtualHost> has a PythonConnectionHandler."""
    return any(record.connection_handler for record in [settings, *settings.vhosts])


def connection_server_for(app, address, threads: int) -> ConnectionServer | None:
    """A ConnectionServer for ``address`` when the server answering there has a connection
    handler; None for plain HTTP (or when ``app`` is not a mod_python engine)."""
    settings = getattr(app, "settings", None)
    if settings is None or not hasattr(app, "server_object"):
        return None
    if not declares_connection_handler(settings):
        return None
    if isinstance(address, socket.socket):
        host, port = address.getsockname()[:2]
    else:
        host, port = address
    # httpd's conn->base_server: the first vhost declared for this address, else main.
    local_ip = host if host not in ("", "0.0.0.0", "::") else None
    record = settings.select_vhost(None, str(port), local_ip)
    handler = connection_handler_of(record, settings)
    if handler is None:
        return None
    return ConnectionServer(app, address, record, handler, threads)


__all__ = [
    "ConnectionServer",
    "SocketStream",
    "connection_environ",
    "connection_server_for",
    "declares_connection_handler",
]
