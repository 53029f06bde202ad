"""The tests of httpd's conditional sections that need more than a set lookup.

``<IfVersion>`` compares against the httpd release whose behaviour we reproduce.
"""

from __future__ import annotations

import re

# The Apache release the engine answers as (the oracle's: Debian bookworm's 2.4).
HTTPD_RELEASE = (2, 4, 68)

_OPERATORS = {
    "=": lambda a, b: a == b,
    "==": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def negated(argument: str) -> tuple[bool, str]:
    """``!name`` -> (False, "name"); ``name`` -> (True, "name"): (wanted, name)."""
    if argument.startswith("!"):
        return False, argument[1:]
    return True, argument


def _parse_version(text: str) -> tuple[int, ...]:
    parts = text.split(".")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f"<IfVersion>: {text!r} is not a version (major[.minor[.patch]])")
    numbers = [int(part) for part in parts]
    return tuple(numbers)


def if_version_holds(args: list[str]) -> bool:
    """mod_version: ``[[!]op] version``, op one of = == > >= < <= ~ (or ``/regex/``)."""
    if len(args) == 1:
        operator, operand = "=", args[0]
    elif len(args) == 2:
        operator, operand = args
    else:
        raise ValueError("<IfVersion> takes an optional operator and a version")
    wanted = True
    if operator.startswith("!"):
        wanted, operator = False, operator[1:]
    release = ".".join(str(n) for n in HTTPD_RELEASE)
    if operator == "~" or (operand.startswith("/") and operand.endswith("/") and len(operand) > 1):
        pattern = operand[1:-1] if operator != "~" else operand
        try:
            holds = re.search(pattern, release) is not None
        except re.error as error:
            raise ValueError(f"<IfVersion>: bad regular expression {pattern!r}: {error}") from None
        return holds == wanted
    compare = _OPERATORS.get(operator)
    if compare is None:
        raise ValueError(f"<IfVersion>: unknown operator {operator!r}")
    version = _parse_version(operand)
    # Missing minor/patch numbers are 0, as mod_version reads them: "= 2.4" is 2.4.0.
    version = version + (0,) * (3 - len(version))
    holds = compare(HTTPD_RELEASE, version)
    return holds == wanted


__all__ = ["HTTPD_RELEASE", "if_version_holds", "negated"]
