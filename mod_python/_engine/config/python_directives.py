"""mod_python's own directives (SPEC 1.1-1.3), registered in the directive registry."""

from __future__ import annotations

from ..constants import PHASE_DEFAULT_FUNCTIONS
from .dirconfig import FilterEntry, HandlerEntry
from .directives import ANYWHERE, SERVER_AND_SECTIONS, SERVER_ONLY, SectionScope, directive, flag
from .parser import Directive

# ---- mod_python's handler directives (SPEC 1.1) -------------------------------------------

_NO_EXTENSION_PHASES = {"PythonPostReadRequestHandler", "PythonTransHandler"}
_SERVER_ONLY_PHASES = _NO_EXTENSION_PHASES


def _handler_entries(node: Directive, scope: SectionScope, silent: bool = False):
    handlers_part, bar, ext_part = node.raw.partition("|")
    specs = handlers_part.split()
    if not specs:
        raise node.error("takes at least one handler")
    extensions = ext_part.split() if bar else []
    entries = tuple(
        HandlerEntry(spec, scope.directory, scope.is_location, silent, scope.directory_pattern)
        for spec in specs
    )
    return entries, extensions


def _add_handlers(scope: SectionScope, phase: str, entries, extensions) -> None:
    keys = [phase + ext for ext in extensions] if extensions else [phase]
    for key in keys:
        scope.config.handlers[key] = scope.config.handlers.get(key, ()) + entries
    if scope.is_location:
        scope.config.handler_in_location = True


def _register_phase(phase: str) -> None:
    contexts = SERVER_ONLY if phase in _SERVER_ONLY_PHASES else ANYWHERE

    def apply(node: Directive, scope: SectionScope) -> None:
        entries, extensions = _handler_entries(node, scope)
        if extensions and phase in _NO_EXTENSION_PHASES:
            raise node.error(f'{phase} does not accept "| .ext" syntax.')
        _add_handlers(scope, phase, entries, extensions)

    directive(phase, contexts, min_args=1)(apply)


for _phase in PHASE_DEFAULT_FUNCTIONS:
    _register_phase(_phase)

_MODULE_PHASES = tuple(PHASE_DEFAULT_FUNCTIONS)


@directive("PythonHandlerModule", min_args=1)
def _handler_module(node: Directive, scope: SectionScope) -> None:
    entries, extensions = _handler_entries(node, scope, silent=True)
    for phase in _MODULE_PHASES:
        _add_handlers(scope, phase, entries, extensions)


@directive("PythonConnectionHandler", SERVER_ONLY, min_args=1)
def _connection_handler(node: Directive, scope: SectionScope) -> None:
    # mod_python stacks the lines in a handler list but its ConnectionDispatch only ever
    # calls the list's first handler: the first line of a server wins.
    if scope.server.connection_handler is None:
        scope.server.connection_handler = node.args[0]


def _filter_directive(is_input: bool):
    def apply(node: Directive, scope: SectionScope) -> None:
        handler = node.args[0]
        name = node.args[1] if len(node.args) > 1 else handler
        entry = FilterEntry(handler, name.lower(), scope.directory, is_input)
        table = scope.config.input_filters if is_input else scope.config.output_filters
        table[name.lower()] = entry

    return apply


directive("PythonInputFilter", SERVER_AND_SECTIONS, 1, 2)(_filter_directive(True))
directive("PythonOutputFilter", SERVER_AND_SECTIONS, 1, 2)(_filter_directive(False))

# ---- mod_python's other directives ---------------------------------------------------------

for _name in ("PythonDebug", "PythonAutoReload", "PythonEnablePdb", "PythonInterpPerDirectory",
              "PythonInterpPerDirective"):  # fmt: skip

    def _flag_directive(node: Directive, scope: SectionScope, _name=_name) -> None:
        scope.config.directives[_name] = flag(node)

    directive(_name, min_args=1, max_args=1)(_flag_directive)


@directive("PythonInterpreter", min_args=1, max_args=1)
def _interpreter(node: Directive, scope: SectionScope) -> None:
    scope.config.directives["PythonInterpreter"] = node.args[0]


@directive("PythonPath", min_args=1, max_args=1)
def _python_path(node: Directive, scope: SectionScope) -> None:
    scope.config.directives["PythonPath"] = node.args[0]


@directive("PythonOption", min_args=1, max_args=2)
def _python_option(node: Directive, scope: SectionScope) -> None:
    key = node.args[0]
    value = node.args[1] if len(node.args) > 1 else ""
    scope.config.options_table[key.lower()] = (key, value)


@directive("PythonImport", SERVER_ONLY, min_args=2, max_args=2)
def _python_import(node: Directive, scope: SectionScope) -> None:
    scope.server.python_imports.append((node.args[0], node.args[1]))


@directive("PythonOptimize", SERVER_ONLY, min_args=1, max_args=1)
def _python_optimize(node: Directive, scope: SectionScope) -> None:
    flag(node)  # validated; no effect on Python >= 3.12 and none here (documented)
