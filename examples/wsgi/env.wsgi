# A mod_wsgi script, mounted with "WSGIScriptAlias /wsgi-script wsgi/env.wsgi" in httpd.conf.
# The server runs this file as a module of its own and calls its "application"; the answer
# shows how the URL was split between SCRIPT_NAME and PATH_INFO.


def application(environ, start_response):
    keys = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
            "mod_wsgi.callable_object")
    body = "".join("%s=%s\n" % (key, environ.get(key, "")) for key in keys)
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [body.encode("utf-8")]
