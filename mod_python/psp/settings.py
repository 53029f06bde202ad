"""What PSP reads from the request's configuration: PythonDebug and the DBM cache option.

Both are read for every page served, so they are remembered per merged config section. A
section's config never changes once the engine has built it; a handler that builds the
request's ``get_config()`` or ``get_options()`` table may edit that table, and then the
request's own values are read instead.
"""

from __future__ import annotations

from typing import NamedTuple

from mod_python._engine.config.remembered import remembered

# The PythonOption naming the DBM cache file: mod_python's name, then the older one.
DBM_CACHE_OPTIONS = ("mod_python.psp.cache_database_filename", "PSPDbmCache")

# Remembered sections at most; past that the table starts again (a site has far fewer).
MAX_REMEMBERED = 256


class PageSettings(NamedTuple):
    debug: bool  # PythonDebug On: "page.psp_" shows the code generated for "page.psp"
    dbm_file: str | None  # compiled pages go to this DBM file instead of the memory cache


# id(config) -> (config, its settings); see config.remembered.
_by_config: dict[int, tuple[object, PageSettings]] = {}


def page_settings(req) -> PageSettings:
    """The PSP settings in force for ``req``."""
    config = req._config
    if config is None or req._config_table is not None or req._options_table is not None:
        return read_settings(req)
    return remembered(_by_config, id(config), config, MAX_REMEMBERED, read_settings, req)


def read_settings(req) -> PageSettings:
    """The settings read afresh from the request's config and options."""
    try:
        debug = bool(int(req._config_value("PythonDebug", 0)))
    except ValueError:
        debug = False
    dbm_file = None
    for key in DBM_CACHE_OPTIONS:
        dbm_file = req._option_value(key)
        if dbm_file is not None:
            break
    return PageSettings(debug, dbm_file)
