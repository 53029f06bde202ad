"""``mod_python._psp``: the PSP translator, under the name of mod_python's C extension.

``parse(filename, dir=None)`` translates the file ``dir + filename`` and ``parsestring(text)``
translates a template given as str or bytes; both return the generated Python source.
"""

from __future__ import annotations

from mod_python.psp.parser import parse, parsestring

__all__ = ["parse", "parsestring"]
