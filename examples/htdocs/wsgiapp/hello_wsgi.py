"""A plain WSGI application, mounted with "PythonHandler mod_python.wsgi" at /wsgiapp."""


def application(environ, start_response):
    body = ("Hello from WSGI\nSCRIPT_NAME=%s\nPATH_INFO=%s\n"
            % (environ["SCRIPT_NAME"], environ.get("PATH_INFO", ""))).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
