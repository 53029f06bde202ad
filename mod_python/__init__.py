"""mod_python 3.5, reimplemented in pure Python as a WSGI application."""

from . import version

__all__ = ["apache", "cgihandler", "psp", "publisher", "util", "python22", "version"]

mp_version = version.version
