""".htaccess files: read where AllowOverride permits, kept until they change.

A file is parsed with the same builder as the main configuration, in the HTACCESS context
with the AllowOverride classes in force for its directory; a directive those classes do
not cover, or any other error, makes every request below that directory a 500, with the
file and line in the error log, as in httpd.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from .dirconfig import DirConfig
from .directives import HTACCESS, SectionScope
from .parser import ConfigError, parse_config


class HtaccessError(Exception):
    """A broken .htaccess file; str() is the log line (path: message)."""


@dataclass(eq=False)
class HtaccessFile:
    """One parsed .htaccess file: its config and <Files> sections, or the error it holds."""

    path: str
    config: DirConfig = field(default_factory=DirConfig)
    files: list = field(default_factory=list)
    error: str | None = None
    signature: tuple = ()


class HtaccessReader:
    """Finds, parses and caches the .htaccess files of one server."""

    def __init__(self, builder, server, file_names: tuple[str, ...]):
        self._builder = builder
        self._server = server
        self._file_names = file_names
        self._cache: dict[tuple[str, frozenset], HtaccessFile] = {}
        self._lock = threading.Lock()

    def lookup(self, directory: str, overrides: frozenset[str]) -> HtaccessFile | None:
        """The .htaccess of ``directory`` (with trailing "/"), or None when there is none."""
        for name in self._file_names:
            path = directory + name
            try:
                info = os.stat(path)
            except FileNotFoundError:
                continue
            except NotADirectoryError:
                return None
            except OSError as error:
                # httpd answers 403 for an .htaccess it may not read; we say so in the log.
                failed = HtaccessFile(path, error=f"{path}: pcfg_openfile: unable to check "
                                                  f"htaccess file: {error.strerror}")  # fmt: skip
                return failed
            signature = (info.st_mtime_ns, info.st_size, info.st_ino)
            key = (path, overrides)
            cached = self._cache.get(key)
            if cached is not None and cached.signature == signature:
                return cached
            parsed = self._parse(path, directory, overrides, signature)
            with self._lock:
                if len(self._cache) > 4096:
                    self._cache.clear()
                self._cache[key] = parsed
            return parsed
        return None

    def _parse(self, path: str, directory: str, overrides, signature) -> HtaccessFile:
        result = HtaccessFile(path, signature=signature)
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                tree = parse_config(handle.read(), path)
            scope = SectionScope(result.config, HTACCESS, directory, server=self._server,
                                 overrides=overrides, files_sink=result.files)  # fmt: skip
            with self._lock:
                self._builder.apply_htaccess(tree, scope)
        except ConfigError as error:
            result.error = f"{path}: {error.message}" + (
                f" (line {error.line})" if error.line else ""
            )
        except OSError as error:
            result.error = f"{path}: {error.strerror}"
        return result


__all__ = ["HtaccessError", "HtaccessFile", "HtaccessReader"]
