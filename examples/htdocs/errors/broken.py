from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    raise ValueError("the example handler failed on purpose")
    return apache.OK
