from urllib.parse import parse_qs

from mod_python import apache


def handler(req):
    fields = parse_qs(req.args or "")
    name = fields.get("name", ["world"])[0]
    req.content_type = "text/plain"
    req.write("Hello, %s!\n" % name)
    return apache.OK
