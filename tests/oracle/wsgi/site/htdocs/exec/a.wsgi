# Answers with the environ keys named in the query string ("name=repr" lines).
def application(environ, start_response):
    names = environ.get("QUERY_STRING", "").split("&")
    body = "\n".join("%s=%r" % (name, environ.get(name)) for name in names if name)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]


def other(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the other callable"]


def keys(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ["\n".join(sorted(environ)).encode()]
