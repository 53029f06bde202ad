"""The built-in ``_apache`` module of mod_python, for legacy code that imports it directly.

In httpd this is a C module registered before Python starts; here it re-exports the
engine's implementations: the ``SERVER_RETURN`` exception, the C query-string parser
and the global mutexes used by sessions and PSP.
"""

from __future__ import annotations

from mod_python._engine.exceptions import SERVER_RETURN
from mod_python._engine.global_locks import _global_lock, _global_trylock, _global_unlock
from mod_python._engine.querystring import parse_qs, parse_qsl

__all__ = [
    "SERVER_RETURN",
    "_global_lock",
    "_global_trylock",
    "_global_unlock",
    "parse_qs",
    "parse_qsl",
]
