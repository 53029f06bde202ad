"""Handlers that drive mod_python.psp's PSP class directly (vars, strings, str(), display)."""

from mod_python import apache, psp


def vars_page(req):
    page = psp.PSP(req, "vars.psp", vars={"who": "constructor", "both": "constructor"})
    page.run({"both": "run", "extra": 3})
    return apache.OK


def string_page(req):
    req.content_type = "text/plain"
    psp.PSP(req, string=b"from a string: <%= 2 * 21 %>\n").run()
    return apache.OK


def str_page(req):
    req.write(str(psp.PSP(req, "vars.psp", vars={"who": "str", "both": "str", "extra": 0})))
    return apache.OK


def display(req):
    psp.PSP(req, "vars.psp").display_code()
    return apache.OK


def relative_to_request(req):
    psp.PSP(req, "../driver/vars.psp", vars={"who": "rel", "both": "rel", "extra": 1}).run()
    return apache.OK
