# Responses chosen by PATH_INFO: statuses, headers, streaming, errors.
import sys


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/created":
        write = start_response("201 Created", [("Content-Type", "text/plain"), ("X-A", "1")])
        write(b"written;")
        return iter([b"one;", b"two"])
    if path == "/length":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
        return [b"hello"]
    if path == "/toolong":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
        return [b"12345", b"678"]
    if path == "/notfound":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"the application's own 404"]
    if path == "/custom":
        start_response("299 Custom Thing", [("Content-Type", "text/plain")])
        return [b"custom"]
    if path == "/raise":
        raise ValueError("the application failed")
    if path == "/excinfo":
        start_response("200 OK", [("X-First", "1")])
        try:
            raise KeyError("x")
        except KeyError:
            start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error page from the application"]
    if path == "/str":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["a str is not bytes"]
    if path == "/post":
        body = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"got " + body]
    if path == "/empty":
        start_response("204 No Content", [])
        return []
    start_response("200 OK", [("Content-Type", "text/plain"), ("Set-Cookie", "a=1"),
                              ("Set-Cookie", "b=2")])
    return [b"default"]
