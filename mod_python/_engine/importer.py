"""Handler module import with autoreload, per-interpreter namespaces and PythonPath.

``import_module`` follows SPEC 2.8, except that a changed module really is executed
again (mod_python's Python 3 port only returns the cached module).

Interpreters (see ``interpreters.py``) are emulated: a *user* module - one whose file
is neither in the standard library nor in a site-packages/dist-packages directory,
and which is not part of mod_python - gets its own module object in each interpreter
that imports it through ``import_module``, kept in ``Interpreter.modules``. The first
interpreter to load it also publishes its copy in ``sys.modules`` so that a plain
``import name`` elsewhere still finds it. Shared modules (the standard library,
installed packages, mod_python itself) are imported once for the process. A top-level
module is looked for in the interpreter's own view of the path: the handler
directories prepended while running in it, then its PythonPath value (or ``sys.path``).

Limits of the emulation: only modules loaded through ``import_module`` are per
interpreter. A plain ``import helper`` inside a handler goes through the shared
``sys.modules`` and the one real ``sys.path``, so such helpers are shared by all
interpreters, as is every module-level state outside handler modules.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import site
import sys
import sysconfig
import threading
import time
from types import ModuleType
from typing import Any

from . import logs
from .constants import APLOG_NOTICE
from .interpreters import MAIN_INTERPRETER, Interpreter, current_interpreter

_now = time.time  # (the per-request check below, without the module attribute lookup)

# Modules of this project that must exist once per process whatever their location.
_SHARED_PACKAGES = ("mod_python", "httpdconf")
_SHARED_MODULES = frozenset({"_apache"})


def _library_directories() -> tuple[str, ...]:
    directories = set()
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if paths.get(key):
            directories.add(paths[key])
    try:
        directories.update(site.getsitepackages())
    except AttributeError:  # some virtualenv versions of site lack it
        pass
    if site.ENABLE_USER_SITE and site.getusersitepackages():
        directories.add(site.getusersitepackages())
    return tuple(os.path.join(os.path.realpath(d), "") for d in directories)


_LIBRARY_DIRECTORIES = _library_directories()
_user_file_cache: dict[str, bool] = {}


def _is_user_file(filename: str) -> bool:
    """True when ``filename`` is application code rather than an installed library."""
    known = _user_file_cache.get(filename)
    if known is None:
        real = os.path.realpath(filename)
        parts = real.split(os.sep)
        known = not (
            "site-packages" in parts
            or "dist-packages" in parts
            or real.startswith(_LIBRARY_DIRECTORIES)
        )
        _user_file_cache[filename] = known
    return known


def _is_shared_name(name: str) -> bool:
    if name in _SHARED_MODULES:
        return True
    top = name.partition(".")[0]
    return top in _SHARED_PACKAGES


def _is_user_module(name: str, module: ModuleType) -> bool:
    if _is_shared_name(name):
        return False
    filename = getattr(module, "__file__", None)
    return bool(filename) and _is_user_file(filename)


def _is_user_spec(name: str, spec: importlib.machinery.ModuleSpec) -> bool:
    if _is_shared_name(name) or not spec.has_location or not spec.origin:
        return False
    return _is_user_file(spec.origin)


# name -> (interpreter name, module) for user modules whose copy import_module put
# into sys.modules; tells the main interpreter whether a sys.modules entry is its own.
_published: dict[str, tuple[str, ModuleType]] = {}
_published_lock = threading.Lock()


def _published_by_other(interpreter: Interpreter, name: str, module: ModuleType) -> bool:
    owner = _published.get(name)
    return owner is not None and owner[1] is module and owner[0] != interpreter.name


def _visible_module(interpreter: Interpreter, name: str) -> ModuleType | None:
    """The module ``name`` as already loaded in ``interpreter``, or None if it needs loading."""
    module = interpreter.modules.get(name)
    if module is not None:
        return module
    module = sys.modules.get(name)
    if module is None or _initializing(module):
        # Still being executed by another thread: the caller imports it under the lock,
        # which waits for that import to finish (a half-run module lacks its handler).
        return None
    if not _is_user_module(name, module):
        interpreter.modules[name] = module
        return module
    if interpreter.name == MAIN_INTERPRETER and not _published_by_other(interpreter, name, module):
        # The main interpreter uses sys.modules as it is, like a normal import.
        interpreter.modules[name] = module
        return module
    return None  # another interpreter's copy: this one needs its own


def _initializing(module: ModuleType) -> bool:
    """True while ``module``'s code is still running (importlib marks its spec so)."""
    return getattr(getattr(module, "__spec__", None), "_initializing", False) is True


def module_mtime(module: ModuleType) -> float:
    """Modification time of the module's file (0 without ``__file__``).

    Also checks ``__file__[:-1]`` (the ``.py`` beside a ``.pyc``) and records the check
    time in ``__mtime_check__``, as mod_python does.
    """
    mtime: float = 0
    namespace = module.__dict__
    filename = namespace.get("__file__")
    if filename:
        try:
            if os.path.exists(filename):
                mtime = os.path.getmtime(filename)
            if os.path.exists(filename[:-1]):
                mtime = max(mtime, os.path.getmtime(filename[:-1]))
            namespace["__mtime_check__"] = time.time()
        except OSError:
            pass
    return mtime


def _reimport_mtime(module: ModuleType, path: list[str] | None) -> float | None:
    """None if ``module`` is current; else the mtime to record after re-importing (0: unknown)."""
    namespace = module.__dict__
    filename = namespace.get("__file__")
    if not filename or (path and not any(filename.startswith(entry) for entry in path)):
        # No file, or a same-named script from another directory: import again.
        return 0
    if time.time() - namespace.get("__mtime_check__", 0) > 1:
        old_mtime = namespace.get("__mtime__", 0)
        mtime = module_mtime(module)
        if mtime != old_mtime:
            return mtime
    return None


def import_module(
    module_name: str, autoreload: Any = 1, log: Any = 0, path: list[str] | None = None
) -> ModuleType:
    """Import ``module_name`` into the current interpreter, re-executing it if its file changed.

    ``autoreload``: check the file's mtime (at most once a second per module).
    ``log``: write a NOTICE to the main error log on every (re)import.
    ``path``: directories to search instead of ``sys.path`` (top-level modules only).
    """
    interpreter = current_interpreter()
    module = interpreter.modules.get(module_name) or _visible_module(interpreter, module_name)
    if module is not None:
        if not autoreload:
            return module
        namespace = module.__dict__
        if (
            not path
            and namespace.get("__file__")
            and _now() - namespace.get("__mtime_check__", 0) <= 1
        ):
            return module  # its file was checked less than a second ago
        mtime = _reimport_mtime(module, path)
        if mtime is None:
            return module
    else:
        mtime = 0

    with interpreter.lock:
        current = _visible_module(interpreter, module_name)
        if current is not None and (
            current is not module or (mtime and current.__dict__.get("__mtime__") == mtime)
        ):
            return current  # another thread (re)imported it while we waited
        if log:
            if path:
                message = (
                    f"mod_python: (Re)importing module '{module_name}' with path set to '{path}'"
                )
            else:
                message = f"mod_python: (Re)importing module '{module_name}'"
            logs.log_error(message, APLOG_NOTICE)
        module = _load(interpreter, module_name, current, path)
        if mtime == 0:
            mtime = module_mtime(module)
        module.__mtime__ = mtime  # type: ignore[attr-defined]
        return module


def _find_spec(
    interpreter: Interpreter, name: str, path: list[str] | None
) -> importlib.machinery.ModuleSpec:
    parent_name, _dot, _leaf = name.rpartition(".")
    if parent_name:
        # Parent packages are ordinary, shared imports; the leaf is looked up in them.
        parent = importlib.import_module(parent_name)
        search: list[str] | None = list(getattr(parent, "__path__", None) or [])
        if not search:
            raise ModuleNotFoundError(
                f"No module named '{name}'; '{parent_name}' is not a package", name=name
            )
    elif path:
        search = list(path)
    else:
        search = _search_path(interpreter)

    spec = importlib.machinery.PathFinder.find_spec(name, search)
    if spec is None:
        importlib.invalidate_caches()  # a file created since the finders listed its directory
        spec = importlib.machinery.PathFinder.find_spec(name, search)
    if spec is None and not path:
        # Built-in, frozen and meta-path-only modules (shared ones, by definition).
        try:
            spec = importlib.util.find_spec(name)
        except ValueError:  # a sys.modules entry without __spec__
            spec = None
    if spec is None:
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)
    return spec


def _search_path(interpreter: Interpreter) -> list[str]:
    """Where ``interpreter`` looks for a top-level module: its own view of ``sys.path``."""
    base = interpreter.python_path if interpreter.python_path is not None else sys.path
    return [*interpreter.handler_directories, *base]


def _load(
    interpreter: Interpreter, name: str, module: ModuleType | None, path: list[str] | None
) -> ModuleType:
    """(Re)import ``name`` into ``interpreter``; ``module`` is its current copy, if any."""
    if module is not None and not _is_user_module(name, module):
        module = importlib.import_module(name)
        interpreter.modules[name] = module
        return module

    spec = _find_spec(interpreter, name, path)
    if not _is_user_spec(name, spec):
        module = importlib.import_module(name)
        interpreter.modules[name] = module
        return module

    if module is not None and getattr(module, "__file__", None) == spec.origin:
        _execute_again(module, spec)
        return module
    return _load_new_copy(interpreter, name, spec, replacing=module)


def _execute_again(module: ModuleType, spec: importlib.machinery.ModuleSpec) -> None:
    """Re-run a changed module's code in its existing namespace (like ``imp.load_module``)."""
    loader = spec.loader
    module.__spec__ = spec
    module.__loader__ = loader
    if isinstance(loader, importlib.machinery.SourceFileLoader) and spec.origin:
        # Compile from the source itself: a .pyc is only validated by whole-second mtime
        # and size, so an edit within the same second could otherwise run stale code.
        source = loader.get_data(spec.origin)
        code = loader.source_to_code(source, spec.origin)
        exec(code, module.__dict__)
    elif loader is not None:
        loader.exec_module(module)
    else:
        raise ImportError(f"cannot re-import '{spec.name}': no loader", name=spec.name)


def _load_new_copy(
    interpreter: Interpreter,
    name: str,
    spec: importlib.machinery.ModuleSpec,
    replacing: ModuleType | None,
) -> ModuleType:
    """Execute a fresh module object for ``interpreter`` and record it there."""
    module = importlib.util.module_from_spec(spec)
    with _published_lock:
        in_sys_modules = sys.modules.get(name)
        publish = in_sys_modules is None or (replacing is not None and in_sys_modules is replacing)
        if publish:
            sys.modules[name] = module
            _published[name] = (interpreter.name, module)
    try:
        if spec.loader is None:
            raise ImportError(f"cannot import '{name}': no loader", name=name)
        # Marked as importlib marks a module it runs: other threads finding it in
        # sys.modules meanwhile wait for it (see _visible_module) instead of using half of it.
        spec._initializing = True
        try:
            spec.loader.exec_module(module)
        finally:
            spec._initializing = False
    except BaseException:
        if publish:
            with _published_lock:
                if sys.modules.get(name) is module:
                    if replacing is not None:
                        sys.modules[name] = replacing
                        _published[name] = (interpreter.name, replacing)
                    else:
                        del sys.modules[name]
                        _published.pop(name, None)
        raise
    if publish:
        parent_name, _dot, leaf = name.rpartition(".")
        parent = sys.modules.get(parent_name) if parent_name else None
        if parent is not None:
            setattr(parent, leaf, module)
    interpreter.modules[name] = module
    return module


def resolve_object(module: Any, obj_str: str, arg: Any = None, silent: Any = 0) -> Any:
    """Walk ``obj_str`` ("a.b.c") from ``module``, instantiating classes on the way.

    When the object a step starts from is a class, the class is called with ``arg``
    and the attribute is taken from that instance (``mod::Cls.meth`` ->
    ``Cls(req).meth``). ``silent``: return None when an attribute is missing.
    """
    obj = module
    for attribute in obj_str.split("."):
        parent = obj
        if silent and not hasattr(obj, attribute):
            return None
        if obj is module and not hasattr(module, attribute) and hasattr(module, "__file__"):
            raise AttributeError(f"module '{module.__file__}' contains no '{attribute}'")
        obj = getattr(obj, attribute)
        if isinstance(parent, type):
            obj = getattr(parent(arg), attribute)
    return obj


# sys.path is one list for the whole process; every change to it goes through this lock.
_sys_path_lock = threading.Lock()


def apply_python_path(raw_string: str) -> bool:
    """``PythonPath``: replace ``sys.path`` with the value of the expression ``raw_string``.

    Evaluated (with ``sys`` and ``os`` in scope) only the first time the current
    interpreter sees this exact string; returns True when it was applied now. A
    failing expression is not remembered, so it is evaluated again next time.
    """
    interpreter = current_interpreter()
    if raw_string in interpreter.path_cache:
        return False
    with _sys_path_lock:
        if raw_string in interpreter.path_cache:
            return False
        new_path = list(eval(raw_string, {"sys": sys, "os": os}))
        interpreter.path_cache.add(raw_string)
        interpreter.python_path = new_path
        sys.path[:] = new_path
    return True


def prepend_handler_directory(directory: str) -> None:
    """Put a handler's directory first on ``sys.path`` unless it is already there.

    The current interpreter also remembers it, so its handler modules are found
    there first even when another interpreter's directory precedes it in ``sys.path``.
    """
    interpreter = current_interpreter()
    if directory in sys.path and directory in interpreter.handler_directories:
        return
    with _sys_path_lock:
        if directory not in sys.path:
            sys.path.insert(0, directory)
        if directory not in interpreter.handler_directories:
            interpreter.handler_directories.insert(0, directory)
