"""Content handlers for the filter tests: the query string names the function."""

from mod_python import apache


def handler(req):
    req.content_type = "text/plain"
    return globals()[req.args or "flushed"](req)


def flushed(req):
    req.write("test ok")
    return apache.OK


def unflushed(req):
    req.write("test ok", 0)
    return apache.OK


def three(req):
    req.write("abc")
    req.write("def", 0)
    req.write("ghi")
    return apache.OK


def big_unflushed(req):
    req.write("abc", 0)
    req.write("def", 0)
    req.write("x" * 20000, 0)
    return apache.OK


def echo(req):
    req.write(req.read())
    return apache.OK


def add_configured(req):
    req.add_output_filter("UPPER")
    req.write("test ok")
    return apache.OK


def register_and_add(req):
    req.register_output_filter("MYFILTER", "myfilters::upper")
    req.add_output_filter("MYFILTER")
    req.write("test ok")
    return apache.OK


def register_attributes(req):
    req.register_output_filter("MYATTRS", "myfilters::attributes")
    req.add_output_filter("MYATTRS")
    req.write("test ok")
    return apache.OK


def register_input(req):
    req.register_input_filter("MYIN", "myfilters::upper_in")
    req.add_input_filter("MYIN")
    req.write(req.read())
    return apache.OK


def fixuphandler(req):
    # mod_python's test_server_side_include: globals for the page's #python tags.
    req.ssi_globals = {"data": "test"}
    return apache.OK
