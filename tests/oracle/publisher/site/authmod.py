"""A module protected as a whole by a module-level __auth__ function and __access__ list."""

__auth_realm__ = "Module Realm"


def __auth__(req, user, password):
    return user == "spam" and password == "eggs"


__access__ = ["spam"]


def index(req):
    return "module auth ok for %s" % req.user if req.user else "module auth ok"
