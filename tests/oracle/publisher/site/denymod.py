"""A module whose __access__ refuses everyone, and whose __auth__ is a constant."""

__auth__ = True
__access__ = False


def index(req):
    return "never"
