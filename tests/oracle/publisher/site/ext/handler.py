def index(req):
    return "ext index via AddHandler"


def other(req):
    return "ext other"
