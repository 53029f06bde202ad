"""``mp_conn``: the client connection a request arrived on (SPEC 5.1).

Under WSGI the engine sees one request at a time, so the connection object is built from
the environ of that request; ``notes`` and ``keepalives`` therefore cover one request.
A connection handed to a ``PythonConnectionHandler`` (connection_server.py) is built from
an environ describing its socket, plus the byte stream that ``read``/``readline``/``write``
use and the handler list ``hlist`` shows.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools

from .constants import AP_CONN_CLOSE, AP_CONN_KEEPALIVE, APLOG_ERR, APLOG_WARNING
from .logs import ErrorLog
from .table import table

_ids = itertools.count(1)


def _host_without_port(host: str) -> str:
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


@functools.lru_cache(maxsize=1024)  # asked per request of the same few host names
def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class connection:  # noqa: N801 - the type name mod_python reports
    __slots__ = ("_environ", "_base_server", "_log", "_notes", "_keepalive", "_id", "_stream",
                 "_hlist")  # fmt: skip

    def __init__(self, environ: dict, base_server, error_log: ErrorLog, stream=None, hlist=None):
        self._environ = environ
        self._base_server = base_server
        self._log = error_log
        self._notes = None
        self._keepalive = None
        self._id = next(_ids)
        # The raw byte stream (a connection handler's socket); None for HTTP requests.
        self._stream = stream
        self._hlist = hlist

    base_server = property(lambda self: self._base_server)

    @property
    def client_ip(self) -> str:
        return self._environ.get("REMOTE_ADDR", "")

    @property
    def client_addr(self) -> tuple[str, int]:
        return (self.client_ip, int(self._environ.get("REMOTE_PORT") or 0))

    # httpd 2.4 renamed these; mod_python keeps the old names but warns on every use.
    @property
    def remote_ip(self) -> str:
        self._deprecated("remote_ip", "req.useragent_ip or conn.client_ip")
        return self.client_ip

    @property
    def remote_addr(self) -> tuple[str, int]:
        self._deprecated("remote_addr", "req.useragent_addr or conn.client_addr")
        return self.client_addr

    def _deprecated(self, name: str, instead: str) -> None:
        self.log_error(
            f"mod_python: conn.{name} is deprecated under httpd 2.4; use {instead}", APLOG_WARNING
        )

    @property
    def local_ip(self) -> str:
        """The server side's address. WSGI has no standard key for it: SERVER_ADDR when the
        server gives one, else an address literal in SERVER_NAME or in the Host: header
        (where the client connected to), else SERVER_NAME as it is."""
        environ = self._environ
        if environ.get("SERVER_ADDR"):
            return environ["SERVER_ADDR"]
        server_name = environ.get("SERVER_NAME", "")
        for candidate in (server_name, _host_without_port(environ.get("HTTP_HOST", ""))):
            if _is_ip_address(candidate):
                return candidate
        return server_name

    @property
    def local_addr(self) -> tuple[str, int]:
        return (self.local_ip, int(self._environ.get("SERVER_PORT") or 0))

    remote_host = property(lambda self: self._environ.get("REMOTE_HOST"))
    remote_logname = property(lambda self: None)
    local_host = property(lambda self: None)
    aborted = property(lambda self: 0)
    double_reverse = property(lambda self: 0)
    # Requests served on the connection: this one, or none yet in a connection handler.
    keepalives = property(lambda self: 1 if self._stream is None else 0)
    id = property(lambda self: self._id)
    _conn_rec = property(lambda self: None)
    hlist = property(lambda self: self._hlist)

    @property
    def keepalive(self) -> int:
        if self._keepalive is None:
            protocol = self._environ.get("SERVER_PROTOCOL", "HTTP/1.0")
            header = self._environ.get("HTTP_CONNECTION", "").lower()
            keep = "keep-alive" in header if protocol == "HTTP/1.0" else "close" not in header
            return AP_CONN_KEEPALIVE if keep else AP_CONN_CLOSE
        return self._keepalive

    @keepalive.setter
    def keepalive(self, value: int) -> None:
        if not isinstance(value, int):
            raise TypeError("keepalive must be a integer")
        self._keepalive = int(value)

    @property
    def notes(self) -> table:
        if self._notes is None:
            self._notes = table()
        return self._notes

    def log_error(self, message: str | None, level: int = APLOG_ERR) -> None:
        self._log.write(message, level, client=f"{self.client_ip}:{self.client_addr[1]}")

    # Raw I/O, for connection handlers (SPEC 5.1). An HTTP request's connection has no raw
    # stream here: the WSGI server owns the socket, so these raise IOError there.

    def read(self, length: int = 0) -> bytes | None:
        """Up to ``length`` bytes (0: up to 8192) from what one read returns; None at EOF."""
        return self._raw_stream().read(length)

    def readline(self, length: int = 0) -> bytes | None:
        """One line, at most ``length`` bytes (0: up to 8192); None at EOF."""
        return self._raw_stream().readline(length)

    def write(self, data) -> None:
        """Send ``data`` at once (str is sent UTF-8 encoded); write errors are ignored."""
        self._raw_stream().write(data)

    def _raw_stream(self):
        if self._stream is None:
            raise OSError("Connection read error: raw connection I/O is only available in a "
                          "PythonConnectionHandler")  # fmt: skip
        return self._stream

    def __delattr__(self, name: str) -> None:
        raise AttributeError("can't delete connection attributes")
