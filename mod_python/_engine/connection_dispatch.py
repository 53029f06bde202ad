"""mod_python's ``ConnectionDispatch``: run a ``PythonConnectionHandler`` (SPEC 9.2).

The handler is the first ``PythonConnectionHandler`` of the server record the connection
came in on (a <VirtualHost> inherits the main server's). It gets the connection object,
reads and writes the raw bytes itself and returns ``apache.OK`` when it has handled the
connection, ``apache.DECLINED`` to let HTTP serve it.
"""

from __future__ import annotations

from .config.server import ServerSettings
from .errors import report_error
from .importer import apply_python_path, import_module, resolve_object
from .interpreters import MAIN_INTERPRETER, running_in

# The object called when the directive names a module only.
DEFAULT_OBJECT = "connectionhandler"


def connection_handler_of(record: ServerSettings, main: ServerSettings) -> str | None:
    """The PythonConnectionHandler of a server record, the main server's when it has none."""
    return record.connection_handler or main.connection_handler


def connection_interpreter(record: ServerSettings) -> str:
    """SPEC 2.6 for a connection: no file name and no handler directory, so per-directory
    and per-directive both mean the main interpreter; by default the server's name."""
    directives = record.config.directives
    name = directives.get("PythonInterpreter")
    if name:
        return name
    if "1" in (
        directives.get("PythonInterpPerDirectory"),
        directives.get("PythonInterpPerDirective"),
    ):
        return MAIN_INTERPRETER
    return record.server_name


def dispatch_connection(conn, record: ServerSettings, handler: str) -> int:
    """Import and call ``handler`` with ``conn``; its result, or 500 after logging an error.

    Errors go to the server's error log as "ConnectionHandler <handler>: <traceback line>".
    There is no request to show them to, so PythonDebug only makes the import verbose.
    """
    directives = record.config.directives
    debug = directives.get("PythonDebug") == "1"
    module_name, _, object_name = handler.partition("::")
    try:
        with running_in(connection_interpreter(record)):
            # Connection handlers get PythonPath only: no handler directory is prepended.
            python_path = directives.get("PythonPath")
            if python_path:
                apply_python_path(python_path)
            autoreload = directives.get("PythonAutoReload") != "0"
            module = import_module(module_name, autoreload=autoreload, log=debug)
            target = resolve_object(module, object_name or DEFAULT_OBJECT, arg=conn)
            result = target(conn)
        if type(result) is not int:
            raise AssertionError(f"ConnectionHandler '{handler}' returned invalid return code.")
    except Exception as error:  # noqa: BLE001 - every handler error goes to the reporter
        # The server object stands in for the request: report_error only logs through it.
        return report_error(error, conn.base_server, "ConnectionHandler", handler)
    return result


__all__ = [
    "DEFAULT_OBJECT",
    "connection_handler_of",
    "connection_interpreter",
    "dispatch_connection",
]
