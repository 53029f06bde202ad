"""The exception legacy handlers raise to return a status from deep inside their code."""

from __future__ import annotations


class SERVER_RETURN(Exception):  # noqa: N801 - the name legacy code imports
    """``raise apache.SERVER_RETURN(status)`` is the same as returning ``status``.

    With two arguments, ``SERVER_RETURN(result, status)``, a truthy ``status`` is
    also assigned to ``req.status`` (SPEC 2.4).
    """
