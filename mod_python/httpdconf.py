"""``mod_python.httpdconf``: the top-level ``httpdconf`` package under its legacy name."""

from httpdconf import *  # noqa: F403
from httpdconf import __all__  # noqa: F401
