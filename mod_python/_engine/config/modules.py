"""Which Apache modules count as loaded, for ``<IfModule>``.

httpd answers ``<IfModule name>`` from its compiled-in modules plus the ``LoadModule`` lines
read so far. We do the same with one addition: a configuration that loads no module at all
was written for a server with everything built in (our own examples are), so there every
module whose behaviour this engine reproduces counts as loaded.

Names are compared in one canonical form: ``python_module``, ``mod_python.c`` and the file
``mod_python.so`` are all ``python``; the MPM files ``prefork.c``/``worker.c``/``event.c`` are
``mpm_prefork`` and so on.
"""

from __future__ import annotations

import os

# Debian's apache2 -l: modules that are always there.
COMPILED_IN = frozenset(
    {"core", "so", "watchdog", "http_core", "log_config", "logio", "version", "unixd"}
)

# Modules whose behaviour the engine provides itself.
EMULATED = frozenset({
    "python", "mime", "dir", "alias", "auth_basic", "authn_core", "authn_file", "authz_core",
    "authz_user", "authz_groupfile", "authz_host", "access_compat", "env", "headers",
    "autoindex", "log_config", "version", "unixd", "reqtimeout", "filter",
})  # fmt: skip

_MPM_FILES = {"prefork": "mpm_prefork", "worker": "mpm_worker", "event": "mpm_event"}


def canonical_module_name(name: str) -> str:
    """``python_module`` / ``mod_python.c`` / ``modules/mod_python.so`` -> ``python``."""
    name = os.path.basename(name.strip())
    if name.endswith("_module"):
        return name[: -len("_module")]
    for suffix in (".c", ".so", ".cpp"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    if name in _MPM_FILES:
        return _MPM_FILES[name]
    if name.startswith("mod_"):
        return name[len("mod_") :]
    return name


class LoadedModules:
    """The module set <IfModule> tests, growing as LoadModule lines are read."""

    def __init__(self, config_loads_modules: bool):
        self.everything_built_in = not config_loads_modules
        self.names: set[str] = set(COMPILED_IN)
        if self.everything_built_in:
            self.names |= EMULATED

    def load(self, identifier: str, filename: str) -> None:
        self.names.add(canonical_module_name(identifier))
        self.names.add(canonical_module_name(filename))

    def __contains__(self, name: str) -> bool:
        return canonical_module_name(name) in self.names


__all__ = ["COMPILED_IN", "EMULATED", "LoadedModules", "canonical_module_name"]
