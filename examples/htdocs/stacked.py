from mod_python import apache


def fixup(req):
    # The fixup phase runs before the content handlers and can leave them notes.
    req.notes["greeting"] = "set by the fixup handler"
    return apache.OK


def heading(req):
    req.content_type = "text/plain"
    req.write("first handler\n")
    # OK lets the next handler in the PythonHandler list run as well.
    return apache.OK


def body(req):
    req.write("second handler: %s\n" % req.notes["greeting"])
    return apache.OK
