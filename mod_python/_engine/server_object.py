"""``mp_server``: the (virtual) server record a request is served by (SPEC 5.2)."""

from __future__ import annotations

import time

from .config.server import ServerSettings
from .constants import APLOG_ERR
from .logs import ErrorLog, level_from_name
from .table import table


class server:  # noqa: N801 - the type name mod_python reports
    """One per ServerSettings, created at start-up; its option/config tables live for the process."""

    def __init__(
        self, settings: ServerSettings, error_log: ErrorLog, restart_time: float | None = None
    ):
        self._settings = settings
        self._error_log = error_log
        self._config = table._from_pairs(list(settings.server_directives().items()))
        self._options = table._from_pairs(settings.config.option_items())
        self._restart_time = restart_time or time.time()
        self._next = None  # the next server record, as httpd chains them (set by the engine)

    # Read-only struct members.
    # The main server has no defining file and, without ServerPath, no path: None as in httpd.
    defn_name = property(lambda self: self._settings.defn_name or None)
    defn_line_number = property(lambda self: self._settings.defn_line_number)
    server_admin = property(lambda self: self._settings.server_admin)
    server_hostname = property(lambda self: self._settings.server_name)
    error_fname = property(
        lambda self: None if self._settings.error_log_inherited else self._settings.error_log
    )
    is_virtual = property(lambda self: self._settings.is_virtual)
    timeout = property(lambda self: self._settings.timeout)
    keep_alive_timeout = property(lambda self: self._settings.keep_alive_timeout)
    keep_alive_max = property(lambda self: self._settings.keep_alive_max)
    keep_alive = property(lambda self: self._settings.keep_alive)
    path = property(lambda self: self._settings.server_path or None)
    pathlen = property(lambda self: len(self._settings.server_path))
    names = property(lambda self: self._settings.names())
    wild_names = property(lambda self: self._settings.wild_names())
    limit_req_line = property(lambda self: self._settings.limit_req_line)
    limit_req_fieldsize = property(lambda self: self._settings.limit_req_fieldsize)
    limit_req_fields = property(lambda self: self._settings.limit_req_fields)
    next = property(lambda self: self._next)
    my_generation = property(lambda self: 0)
    restart_time = property(lambda self: self._restart_time)
    _server_rec = property(lambda self: None)

    @property
    def port(self) -> int:
        name = self._settings.server_name
        if ":" in name and name.rsplit(":", 1)[1].isdigit():
            return int(name.rsplit(":", 1)[1])
        return 0

    @property
    def loglevel(self) -> int:
        return level_from_name(self._settings.log_level)

    def get_config(self) -> table:
        return self._config

    def get_options(self) -> table:
        return self._options

    def log_error(self, message: str | None, level: int = APLOG_ERR) -> None:
        self._error_log.write(message, level)

    def register_cleanup(self, req, function, data=None) -> None:
        from .request import Request

        if not isinstance(req, Request):
            raise ValueError("first argument must be a request object")
        if not callable(function):
            raise ValueError("second argument must be a callable object")
        from .process_cleanups import register

        register(function, data)
