"""The phase table and mod_python's handler dispatch (SPEC 2.1-2.3, 2.6, 2.7).

``PHASES`` is the only place that says, for every Python*Handler phase, which results let
the next stacked handler run. ``run_phase`` picks the handler list (with ``| .ext`` and
handlers added at run time), chooses the interpreter and runs the handlers in it.
"""

from __future__ import annotations

import os

from .config.dirconfig import HandlerEntry
from .constants import DECLINED, HTTP_INTERNAL_SERVER_ERROR, OK, PHASE_DEFAULT_FUNCTIONS
from .errors import report_error
from .exceptions import SERVER_RETURN
from .hlist import hlist
from .importer import apply_python_path, import_module, prepend_handler_directory, resolve_object
from .interpreters import MAIN_INTERPRETER, enter_interpreter, leave_interpreter

_MISSING = object()
_OK_OR_DECLINED = frozenset({OK, DECLINED})
_DECLINED_ONLY = frozenset({DECLINED})
_OK_ONLY = frozenset({OK})

# Phase directive -> results after which the next stacked handler still runs (SPEC 2.3).
PHASES: dict[str, frozenset[int]] = {
    "PythonPostReadRequestHandler": _OK_OR_DECLINED,
    "PythonTransHandler": _DECLINED_ONLY,
    "PythonHeaderParserHandler": _OK_OR_DECLINED,
    "PythonInitHandler": _OK_OR_DECLINED,
    "PythonAccessHandler": _OK_OR_DECLINED,
    "PythonAuthenHandler": _DECLINED_ONLY,
    "PythonAuthzHandler": _DECLINED_ONLY,
    "PythonTypeHandler": _DECLINED_ONLY,
    "PythonFixupHandler": _OK_OR_DECLINED,
    "PythonHandler": _OK_ONLY,
    "PythonLogHandler": _OK_OR_DECLINED,
    "PythonCleanupHandler": _OK_ONLY,
}

# Phases that run before the file name is known: no "| .ext" lists, main interpreter
# under PythonInterpPerDirectory.
_BEFORE_FILENAME = frozenset({"PythonPostReadRequestHandler", "PythonTransHandler"})


def file_extension(filename: str | None) -> str | None:
    """ "." + everything after the first dot of the basename (``a.tar.gz`` -> ``.tar.gz``)."""
    if not filename:
        return None
    base = filename.rpartition("/")[2]
    dot = base.find(".")
    return base[dot:] if dot >= 0 else ""


def _entry_directory(entry: HandlerEntry, req) -> str | None:
    if entry.directory_pattern is None or not req.filename:
        return entry.directory
    # A wildcard/regex <Directory>: the shortest prefix of the file name it matches.
    path = req.filename if req.filename.endswith("/") else os.path.dirname(req.filename) + "/"
    parts = path.rstrip("/").split("/")
    for count in range(1, len(parts) + 1):
        candidate = "/".join(parts[:count]) + "/"
        if entry.directory_pattern.search(candidate):
            return candidate
    return entry.directory


def interpreter_name(req, config, first_directory: str | None, phase: str) -> str:
    """SPEC 2.6: PythonInterpreter, then per-directory, then per-directive, then the host name."""
    directives = config.directives
    name = directives.get("PythonInterpreter")
    if name:
        return name
    if directives.get("PythonInterpPerDirectory") == "1":
        filename = req.filename
        if not filename or phase in _BEFORE_FILENAME:
            return MAIN_INTERPRETER
        if filename.endswith("/") or os.path.isdir(filename):
            return filename.rstrip("/") + "/"
        return os.path.dirname(filename) + "/"
    if directives.get("PythonInterpPerDirective") == "1":
        return first_directory or MAIN_INTERPRETER
    return req.server.server_hostname


class PhaseRunner:
    """Runs the Python handlers of one phase for one request."""

    def __init__(self, engine):
        self.engine = engine

    def has_handlers(self, req, phase: str, config) -> bool:
        dynamic = req._dynamic_handlers
        return phase in config.handler_phases or bool(dynamic and dynamic.get(phase))

    def run(self, req, phase: str, config) -> int:
        """Run ``phase``'s handler list; DECLINED at once when there is none (SPEC 2.1)."""
        dynamic_by_phase = req._dynamic_handlers
        if phase not in config.handler_phases and not (
            dynamic_by_phase and phase in dynamic_by_phase
        ):
            return DECLINED
        handlers = config.handlers
        entries = None
        extension = None
        filename = req._filename
        if filename and phase not in _BEFORE_FILENAME:
            base = filename.rpartition("/")[2]
            dot = base.find(".")
            if dot >= 0:  # "." + everything after the first dot of the basename
                ext = base[dot:]
                entries = handlers.get(phase + ext)
                if entries is not None:
                    extension = ext
        if entries is None:
            entries = handlers.get(phase)
        dynamic = dynamic_by_phase.pop(phase, None) if dynamic_by_phase else None
        if entries is None and not dynamic:
            return DECLINED
        # The config's own tuples serve as the running list (hlist copies them if a handler
        # adds one to this phase): no list is built for the usual request.
        running = entries or ()
        directories = config.fixed_handler_directories.get(id(entries)) if entries else ()
        if directories is None:  # a wildcard <Directory> among them: found per request
            directories = tuple(
                entry.directory
                if entry.directory_pattern is None or not filename
                else _entry_directory(entry, req)
                for entry in running
            )
        if dynamic:
            running = [*running, *(entry for entry, _ in dynamic)]
            directories = [*directories, *(directory for _, directory in dynamic)]
        if config is not req._config:
            req._set_config(config)
        if extension is not None:
            req._extension = extension
        fixed_name, per_directory, per_directive = config.interpreter_rule
        if fixed_name:
            name = fixed_name
        elif per_directory or per_directive:
            name = interpreter_name(req, config, directories[0] if directories else None, phase)
        else:
            name = req._vhost.server_name  # SPEC 2.6: by default, the server's host name
        previous_phase = req._phase
        req._phase = phase
        req._hlist = hlist(running, directories)
        req._interpreter_name = name
        token = enter_interpreter(name)
        try:
            return self._dispatch(req, phase, config)
        finally:
            leave_interpreter(token)
            req._phase = previous_phase if phase == "PythonCleanupHandler" else None

    def _dispatch(self, req, phase: str, config) -> int:
        """mod_python's HandlerDispatch: run the list until a result outside the continue set."""
        continue_set = PHASES[phase]
        debug, autoreload, python_path = config.dispatch_settings
        default_object = PHASE_DEFAULT_FUNCTIONS[phase]
        cursor = req._hlist
        result = HTTP_INTERNAL_SERVER_ERROR
        spec = None
        try:
            while True:
                index = cursor._index
                entries = cursor._entries  # read again: add_handler may have replaced it
                if index >= len(entries):
                    break
                entry = entries[index]
                spec = entry.handler
                module_name, _, object_name = spec.partition("::")
                object_name = object_name or default_object
                if python_path:
                    apply_python_path(python_path)
                else:
                    directory = cursor._directories[index]
                    if directory and not entry.is_location:
                        prepend_handler_directory(directory)
                module = import_module(module_name, autoreload, debug)
                silent = entry.silent
                if "." in object_name:
                    target = resolve_object(module, object_name, arg=req, silent=silent)
                else:
                    target = module.__dict__.get(object_name, _MISSING)
                    if target is _MISSING and not silent:
                        raise AttributeError(
                            f"module '{getattr(module, '__file__', module_name)}' contains no '{object_name}'"
                        )
                if silent and target in (None, _MISSING):
                    # PythonHandlerModule: a phase function the module lacks is skipped, and a
                    # phase where nothing ran declines (what mod_python meant; its code fails).
                    if result == HTTP_INTERNAL_SERVER_ERROR:
                        result = DECLINED
                    cursor.next()
                    continue
                try:
                    result = target(req)
                except SERVER_RETURN as returned:
                    args = returned.args
                    if len(args) == 2:
                        result, status = args
                        if status:
                            req.status = status
                    else:
                        result = args[0]
                if type(result) is not int:
                    raise AssertionError(
                        "Handler has returned result or raised SERVER_RETURN exception with "
                        "argument having non integer type. Type of value returned was "
                        f"{type(result)}, whereas expected {int}."
                    )
                if result not in continue_set:
                    break
                if cursor._index < len(cursor._entries):  # hlist.next()
                    cursor._index += 1
        except Exception as error:  # noqa: BLE001 - every handler error goes to the reporter
            # Cleanup errors are only logged, even with PythonDebug On (SPEC 1.3 row 12).
            show_client = debug and phase != "PythonCleanupHandler"
            return report_error(error, req, phase, spec or "N/A", show_client)
        return result

    def add_dynamic_handler(self, req, phase: str, handler: str, directory: str | None) -> None:
        """``req.add_handler``: this phase -> the running list; other phases -> later."""
        if directory is not None:
            canonical = os.path.normpath(directory).replace("\\", "/")
            directory = canonical if canonical.endswith("/") else canonical + "/"
        entry = HandlerEntry(handler, directory)
        if req._phase == phase and req._hlist is not None:
            req._hlist._append(entry, directory)
        else:
            if req._dynamic_handlers is None:
                req._dynamic_handlers = {}
            req._dynamic_handlers.setdefault(phase, []).append((entry, directory))
