"""Putting a new file in the place of an old one atomically, at a fraction of a rename's cost.

``os.replace(new, old)`` is atomic, but on ext4 (whose ``auto_da_alloc`` flushes the new
file's data when a rename replaces a file) it costs several times the write itself. Linux's
``renameat2(RENAME_EXCHANGE)`` swaps the two names just as atomically, without that flush;
the old file, now under the temporary name, is then unlinked. Readers see the old file or
the new one, never neither. Where the exchange is not available (no ``renameat2`` in the C
library, a file system refusing it, no old file yet) this falls back to ``os.replace``.
"""

from __future__ import annotations

import ctypes
import errno
import os

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# The exchange cannot be done here (not Linux, or a file system without it): stop trying.
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV}


def _find_renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no such C function here
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]  # fmt: skip
    function.restype = ctypes.c_int
    return function


_renameat2 = _find_renameat2()


def replace_file(new: str, old: str) -> bool:
    """Put the file ``new`` at the name ``old`` in one atomic step. True when the names were
    exchanged: the old file is then under the name ``new`` (to unlink or reuse); False when
    it was a plain rename, which leaves nothing there."""
    global _renameat2
    if _renameat2 is not None:
        if _renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(old),
                      _RENAME_EXCHANGE) == 0:  # fmt: skip
            return True
        if ctypes.get_errno() in _UNSUPPORTED:
            _renameat2 = None
    # No old file yet (ENOENT), or no exchange here; any real error, os.replace reports.
    os.replace(new, old)
    return False
