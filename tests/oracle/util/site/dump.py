"""Dumps what util.FieldStorage made of the request, one line per field (both servers)."""

import hashlib

from mod_python import apache, util

ATTRIBUTES = ("filename", "type", "type_options", "disposition", "disposition_options")


def shown_value(value):
    if isinstance(value, bytes) and len(value) > 200:
        return "<%d bytes md5=%s>" % (len(value), hashlib.md5(value).hexdigest())
    return repr(value)


def describe(field, with_name=True):
    parts = [type(field).__name__, repr(field.name) if with_name else "-", shown_value(field.value)]
    for attribute in ATTRIBUTES:
        parts.append("%s=%r" % (attribute, getattr(field, attribute, "<missing>")))
    headers = field.headers
    parts.append("headers=%r" % (list(headers.items()) if hasattr(headers, "items") else headers))
    return " | ".join(parts)


def handler(req):
    req.content_type = "text/plain"
    keep = int(req.get_options().get("keep_blank", "0"))
    try:
        fs = util.FieldStorage(req, keep_blank_values=keep)
    except apache.SERVER_RETURN as returned:
        req.write("SERVER_RETURN %r\n" % (returned.args,))
        return apache.OK
    req.write("len=%d\n" % len(fs.list))
    for field in fs.list:
        # Query-string fields (the only ones with a str value) are shown without their
        # name: the oracle's C parser gives them their value as name, a defect of the build.
        req.write(describe(field, with_name=not isinstance(field.value, str)) + "\n")
    return apache.OK
