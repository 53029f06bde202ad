"""Copies ``value`` from the query string into the response header named by ``kind``.

The query is split with urllib (not util.parse_qs): the oracle's C parser fails on some
control characters under Python 3, and the question here is what happens to the header.
"""

from urllib.parse import parse_qs

from mod_python import Cookie, apache, util


def handler(req):
    query = parse_qs(req.args or "", keep_blank_values=True)
    kind = query.get("kind", [""])[0]
    value = query.get("value", [""])[0]
    if kind == "headers_out":
        req.headers_out["X-Echo"] = value
    elif kind == "err_headers_out":
        req.err_headers_out["X-Echo"] = value
    elif kind == "content_type":
        req.content_type = value
    elif kind == "cookie":
        Cookie.add_cookie(req, "echo", value)
    elif kind == "redirect":
        util.redirect(req, value)
    req.write("done")
    return apache.OK
