"""``mod_python psp FILE``: print the Python a PSP template becomes (a debugging aid)."""

from __future__ import annotations

import os
import sys

from . import parser


def print_generated_code(path: str, out=None) -> int:
    """Write the code generated for ``path`` (includes resolved beside it); the exit status."""
    out = sys.stdout if out is None else out
    directory, name = os.path.split(os.path.abspath(path))
    try:
        out.write(parser.parse(name, os.path.join(directory, "")))
    except OSError as error:
        where = error.filename or path
        print(f"mod_python: cannot read {where}: {error.strerror or error}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as error:
        print(f"mod_python: {path} is not UTF-8 text: {error}", file=sys.stderr)
        return 1
    return 0
