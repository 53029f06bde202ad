"""The published-page cache: one executed module per file, per interpreter (SPEC 7.4).

A page is a fresh module named after its path (non-word characters -> "_"), executed from
source with the importer's own loader and never entered in ``sys.modules``, so two
``index.py`` in two directories stay apart. Each request stats the file and re-executes it,
into a new module object, when its modification time, size or inode changed (mod_python
compares the mtime only, which misses a rewrite within the same clock tick);
``PythonAutoReload Off`` keeps the first module loaded. Plain ``import`` statements in a page
resolve from the handler's directory, which the phase runner puts on ``sys.path`` as
mod_python does; ``apache.import_module(name, path=[...])`` reaches anywhere else.
"""

from __future__ import annotations

import importlib.util
import os
import re
import stat
import threading
from types import ModuleType

from ..constants import APLOG_NOTICE
from ..importer import _execute_again
from ..interpreters import current_interpreter

_NON_WORD = re.compile(r"\W")


class _Page:
    """One cached page: its module and the file identity it was built from."""

    __slots__ = ("module", "signature", "lock")

    def __init__(self) -> None:
        self.module: ModuleType | None = None
        self.signature: tuple[int, int, int] | None = None
        self.lock = threading.Lock()


def _signature(filename: str, status: os.stat_result | None = None) -> tuple[int, int, int] | None:
    """What identifies this version of the file; None when it is not a regular file.

    ``status``: a stat of the file made moments ago for this request (the engine's walk).
    """
    if status is None:
        try:
            status = os.stat(filename)
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return None
    if not stat.S_ISREG(status.st_mode):
        return None  # a directory called page.py is no page
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def execute_page(filename: str) -> ModuleType:
    """A new module holding the result of executing the Python file ``filename``."""
    name = _NON_WORD.sub("_", filename)
    spec = importlib.util.spec_from_file_location(name, filename)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {filename} as Python source", path=filename)
    module = importlib.util.module_from_spec(spec)
    _execute_again(module, spec)
    return module


class PageCache:
    """Executed pages by file name, one table per interpreter; safe under threads."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, _Page]] = {}
        self._lock = threading.Lock()

    def _table(self) -> dict[str, _Page]:
        interpreter = current_interpreter().name
        table = self._tables.get(interpreter)
        if table is None:
            with self._lock:
                table = self._tables.setdefault(interpreter, {})
        return table

    def load(
        self, req, filename: str, autoreload: bool, debug: bool,
        status: os.stat_result | None = None,
    ) -> ModuleType | None:  # fmt: skip
        """The module for ``filename``, (re)executed first if the file changed; None if
        there is no such file (with ``PythonAutoReload Off`` a loaded page stays).
        ``status``: a fresh stat of the file, when the caller has one."""
        table = self._tables.get(current_interpreter().name) or self._table()
        entry = table.get(filename)
        if entry is not None and entry.module is not None:
            if not autoreload:
                return entry.module
            # The usual request: the engine's fresh stat shows the file unchanged.
            if (
                status is not None
                and (status.st_mtime_ns, status.st_size, status.st_ino) == entry.signature
                and stat.S_ISREG(status.st_mode)
            ):
                return entry.module
        signature = _signature(filename, status)
        if signature is None:
            return None  # no entry either: names that are not files cost no memory
        if entry is None:
            with self._lock:
                entry = table.setdefault(filename, _Page())
        module = entry.module
        if module is not None and signature == entry.signature:
            return module
        with entry.lock:
            if entry.module is not None and entry.signature == signature:
                return entry.module  # another thread built it while we waited
            if debug:
                verb = "loading" if entry.module is None else "reloading"
                req.log_error(f"Publisher {verb} page {filename}", APLOG_NOTICE)
            entry.module = execute_page(filename)
            entry.signature = signature
            return entry.module

    def __getitem__(self, req) -> ModuleType:
        """``page_cache[req]``, mod_python's spelling: the page ``req.filename`` names."""
        directives = req.get_config()
        autoreload = directives.get("PythonAutoReload", "1") != "0"
        debug = directives.get("PythonDebug", "0") not in ("0", "")
        module = self.load(req, req.filename, autoreload, debug)
        if module is None:
            raise FileNotFoundError(req.filename)
        return module

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()


page_cache = PageCache()
