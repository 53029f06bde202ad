"""Named "sub-interpreters", emulated inside one CPython interpreter.

mod_python runs handlers in ``Py_NewInterpreter()`` sub-interpreters chosen by name
(SPEC 0.1, 2.6). We keep one :class:`Interpreter` record per name instead: it owns the
handler modules imported through ``apache.import_module`` (so two interpreters that
load the same handler file get independent module globals), the PythonPath strings
already evaluated in it, and its own view of the module search path (the handler
directories and PythonPath value it has seen), which ``import_module`` searches.
Everything else - ``sys.modules`` for ordinary ``import`` statements, the real
``sys.path``, builtins, C extension state - is shared by the whole process.

The interpreter a piece of code runs in is a context variable, so it follows the
request through threads and asyncio tasks without being passed around.
"""

from __future__ import annotations

import contextvars
import threading
from types import ModuleType

MAIN_INTERPRETER = "main_interpreter"


class Interpreter:
    """The per-name state that a real sub-interpreter would isolate."""

    __slots__ = ("name", "modules", "path_cache", "python_path", "handler_directories", "lock")

    def __init__(self, name: str) -> None:
        self.name = name
        #: Modules imported in this interpreter through ``import_module``, by name.
        self.modules: dict[str, ModuleType] = {}
        #: Raw ``PythonPath`` strings already evaluated here (evaluated once each).
        self.path_cache: set[str] = set()
        #: The value of the last ``PythonPath`` evaluated here, or None: this
        #: interpreter's own view of ``sys.path`` when it looks for handler modules.
        self.python_path: list[str] | None = None
        #: Handler directories prepended to ``sys.path`` while running here, newest
        #: first; searched before the path itself, as a sub-interpreter's own
        #: ``sys.path`` would be.
        self.handler_directories: list[str] = []
        #: Serialises (re)imports into this interpreter; re-entrant because a module
        #: being executed may itself call ``import_module``.
        self.lock = threading.RLock()

    def __repr__(self) -> str:
        return f"<Interpreter {self.name!r}>"


_main = Interpreter(MAIN_INTERPRETER)
_interpreters: dict[str, Interpreter] = {MAIN_INTERPRETER: _main}
_interpreters_lock = threading.Lock()

_current: contextvars.ContextVar[Interpreter] = contextvars.ContextVar(
    "mod_python_interpreter", default=_main
)


def get_interpreter(name: str) -> Interpreter:
    """The interpreter called ``name``, created on first use and never destroyed."""
    interpreter = _interpreters.get(name)
    if interpreter is None:
        with _interpreters_lock:
            interpreter = _interpreters.get(name)
            if interpreter is None:
                interpreter = _interpreters[name] = Interpreter(name)
    return interpreter


def interpreter_names() -> list[str]:
    """Names of the interpreters created so far, main first."""
    return list(_interpreters)


# current_interpreter() -> Interpreter: the interpreter the calling code runs in (the main
# one outside ``running_in``). The context variable's own getter: no Python frame per call.
current_interpreter = _current.get


def enter_interpreter(name: str) -> contextvars.Token:
    """Make interpreter ``name`` current; give the token to ``leave_interpreter`` after.
    (``running_in`` without the context-manager object, for the per-request phase runner.)"""
    return _current.set(_interpreters.get(name) or get_interpreter(name))


leave_interpreter = _current.reset


class running_in:  # noqa: N801 - used as a function: ``with running_in(name):``
    """Make interpreter ``name`` current for the block; the previous one is restored after.

    A class rather than a generator-based context manager: it runs twice per request.
    """

    __slots__ = ("_interpreter", "_token")

    def __init__(self, name: str) -> None:
        self._interpreter = get_interpreter(name)

    def __enter__(self) -> Interpreter:
        self._token = _current.set(self._interpreter)
        return self._interpreter

    def __exit__(self, *exc_info) -> None:
        _current.reset(self._token)
