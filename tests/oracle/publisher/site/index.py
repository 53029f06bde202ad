"""The directory's default page: / and /<name without a file> land here."""


def index(req):
    return "index of the site"


def foobar(req):
    return "index.foobar"


def interpreter(req):
    return "interpreter=%s" % req.interpreter
