"""Session ids: 128 random bits from ``secrets``, written as 32 lowercase hex digits.

mod_python made them from an MD5 of the time, the pid, the client address and two
numbers from ``random``; only the shape (which the id check and FileSession's file
names rely on) is kept.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

SID_PATTERN = re.compile("[0-9a-f]{32}")


def new_sid() -> str:
    return secrets.token_hex(16)


def check_sid(sid: Any) -> bool:
    """Whether ``sid`` has the only shape a session id may have (no path, no newline)."""
    return isinstance(sid, str) and SID_PATTERN.fullmatch(sid) is not None
