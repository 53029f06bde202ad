"""The one exception form parsing raises for bad or oversized input."""

from __future__ import annotations

from ..constants import HTTP_BAD_REQUEST, HTTP_REQUEST_ENTITY_TOO_LARGE


class FormError(ValueError):
    """A form body the server refuses: ``status`` is 400 (malformed) or 413 (too large)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def malformed(reason: str) -> FormError:
    return FormError(HTTP_BAD_REQUEST, reason)


def too_large(reason: str) -> FormError:
    return FormError(HTTP_REQUEST_ENTITY_TOO_LARGE, reason)
