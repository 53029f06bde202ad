"""Application groups and the WSGI script files loaded into them.

mod_wsgi runs each application group in its own Python sub-interpreter; here a group is a
namespace, as mod_python's interpreters are (DESIGN 5): it holds its own module object
for every script file it loaded, so the same file under two groups keeps two sets of
globals. A script is executed as a fresh module, not imported: it need not be on the
path nor end in ``.py``, and with WSGIScriptReloading On (the default) a changed file is
executed again into a new module before the next request uses it ("touch to reload").
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import sys
import threading
from dataclasses import dataclass
from types import ModuleType

# Set while code of a WSGI script runs (loading or serving): WSGIRestrictSignal looks at it.
in_script: contextvars.ContextVar[bool] = contextvars.ContextVar("in_wsgi_script", default=False)


@dataclass(frozen=True)
class LoadedScript:
    module: ModuleType
    mtime: float


class ApplicationGroup:
    """One group's script modules, by file path; loads are serialised by the group's lock."""

    __slots__ = ("name", "scripts", "lock")

    def __init__(self, name: str):
        self.name = name
        self.scripts: dict[str, LoadedScript] = {}
        self.lock = threading.RLock()

    def __repr__(self) -> str:
        return f"<ApplicationGroup {self.name!r}>"


_groups: dict[str, ApplicationGroup] = {}
_groups_lock = threading.Lock()


def application_group(name: str) -> ApplicationGroup:
    """The group called ``name`` ("" is %{GLOBAL}), created on first use."""
    group = _groups.get(name)
    if group is None:
        with _groups_lock:
            group = _groups.setdefault(name, ApplicationGroup(name))
    return group


def module_name_for(path: str, group_name: str) -> str:
    """mod_wsgi's ``_mod_wsgi_<md5 of the path>``; other groups than %{GLOBAL} get a suffix,
    since they share one ``sys.modules`` here where mod_wsgi has one per interpreter."""
    name = "_mod_wsgi_" + hashlib.md5(path.encode(), usedforsecurity=False).hexdigest()
    if group_name:
        name += "_" + hashlib.md5(group_name.encode(), usedforsecurity=False).hexdigest()[:12]
    return name


def load_script(path: str, group_name: str, *, reloading: bool = True,
                case_sensitive: bool = True, optimize: int = -1) -> ModuleType:  # fmt: skip
    """The module of script ``path`` in group ``group_name``, executed again if it changed.

    Raises OSError when the file cannot be read and whatever executing it raises.
    """
    group = application_group(group_name)
    key = path if case_sensitive else path.lower()
    loaded = group.scripts.get(key)
    if loaded is not None and not reloading:
        return loaded.module
    mtime = os.stat(path).st_mtime
    if loaded is not None and loaded.mtime == mtime:
        return loaded.module
    with group.lock:
        loaded = group.scripts.get(key)
        if loaded is not None and loaded.mtime == mtime:
            return loaded.module  # another thread loaded it while this one waited
        module = _execute(path, module_name_for(key, group_name), optimize)
        group.scripts[key] = LoadedScript(module, mtime)
        return module


def _execute(path: str, name: str, optimize: int) -> ModuleType:
    with open(path, "rb") as handle:
        source = handle.read()
    code = compile(source, path, "exec", dont_inherit=True, optimize=optimize)
    module = ModuleType(name)
    module.__file__ = path
    previous = sys.modules.get(name)
    sys.modules[name] = module  # visible while it runs, as an import would make it
    token = in_script.set(True)
    try:
        exec(code, module.__dict__)
    except BaseException:
        if previous is not None:
            sys.modules[name] = previous
        else:
            sys.modules.pop(name, None)
        raise
    finally:
        in_script.reset(token)
    return module


__all__ = ["ApplicationGroup", "application_group", "in_script", "load_script",
           "module_name_for"]  # fmt: skip
