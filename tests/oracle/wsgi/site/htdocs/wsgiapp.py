"""WSGI applications for PythonHandler mod_python.wsgi (both servers run this file)."""


def application(environ, start_response):
    names = environ.get("QUERY_STRING", "").split("&")
    body = "\n".join("%s=%r" % (name, environ.get(name)) for name in names if name)
    start_response("200 OK", [("Content-Type", "text/x-mine"), ("X-A", "1")])
    return [body.encode()]


def streamed(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"via write;")
    yield b"a"
    yield b"b"


def sized(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "4")])
    return [b"four"]


def posted(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"posted " + body]


def failing(environ, start_response):
    raise RuntimeError("the WSGI application failed")


def excinfo(environ, start_response):
    import sys

    try:
        raise KeyError("from the application")
    except KeyError:
        start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
    return [b"never sent: mod_python re-raises exc_info"]


def generator(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    for number in range(3):
        yield str(number).encode()


def keys(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ["\n".join(sorted(environ)).encode()]
