def index(req):
    return "sub index"


def page(req):
    return "sub page"
