"""Kept for legacy ``from mod_python.python22 import *``: nothing to provide on Python 3."""

__all__: list[str] = []
