"""Differential tests against the real Apache + mod_python (see conftest.py)."""
