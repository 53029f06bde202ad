"""Handlers served by both the real mod_python and our engine (see ../site.conf).

Each function is one behaviour; the config maps a URL to it. Runs under the oracle's
Python 3.11 as well as ours, so it only uses what mod_python 3.5 offers.
"""

from mod_python import apache

# ---- content phase results -----------------------------------------------------------------


def ok_write(req):
    req.write("hello world\n")
    return apache.OK


def status_from_args(req):
    """``/status?404`` returns 404, untouched: Apache's canned page answers."""
    return int(req.args)


def redirect_headers_out(req):
    req.headers_out["Location"] = "http://example.com/target?a=1&b=<2>"
    return int(req.args)


def redirect_err_headers_out(req):
    req.err_headers_out["Location"] = '/target/"quoted"/it\'s'
    return int(req.args)


def method_not_allowed(req):
    req.allow_methods(["GET", "POST", "MKWORKSPACE"])
    return apache.HTTP_METHOD_NOT_ALLOWED


def not_implemented(req):
    req.allow_methods(["PUT"])
    return apache.HTTP_NOT_IMPLEMENTED


def declined(req):
    return apache.DECLINED


def write_then_done(req):
    req.write("written before DONE\n")
    return apache.DONE


def raise_not_found(req):
    raise apache.SERVER_RETURN(apache.HTTP_NOT_FOUND)


def raise_ok_created(req):
    req.content_type = "text/plain"
    req.write("created\n", 0)
    raise apache.SERVER_RETURN(apache.OK, apache.HTTP_CREATED)


def raise_ok(req):
    req.first_ran = "yes"
    raise apache.SERVER_RETURN(apache.OK)


def second_handler(req):
    req.write("second handler ran, first_ran=%s\n" % getattr(req, "first_ran", "no"))
    return apache.OK


def return_none(req):
    req.content_type = "text/plain"
    return None


def return_str(req):
    return "OK"


none_handler = None


def raise_error(req):
    raise ValueError("boom <&> \"quoted\" 'single'")


def write_then_error(req):
    req.write("partial body\n")
    return apache.HTTP_NOT_FOUND


def write_no_flush_then_error(req):
    req.headers_out["X-Dropped"] = "yes"
    req.write("buffered body\n", 0)
    return apache.HTTP_NOT_FOUND


# ---- headers and content type --------------------------------------------------------------


def custom_headers(req):
    req.headers_out["X-Custom"] = "custom value"
    req.headers_out.add("X-Multi", "one")
    req.headers_out.add("X-Multi", "two")
    req.err_headers_out["X-Err"] = "err value"
    req.write("headers set\n")
    return apache.OK


def set_content_type(req):
    req.content_type = "text/plain; charset=utf-8"
    req.write("typed\n")
    return apache.OK


def no_content_type(req):
    req.write("no type set by the handler\n")
    return apache.OK


def err_headers_on_error(req):
    req.headers_out["X-Out"] = "dropped on error"
    req.err_headers_out["X-Err"] = "kept on error"
    req.err_headers_out.add("Set-Cookie", "a=1")
    req.content_type = "text/plain"
    return apache.HTTP_GONE


def status_with_ok(req):
    req.status = apache.HTTP_NOT_FOUND
    req.content_type = "text/plain"
    req.write("my own not-found page\n")
    return apache.OK


def no_cache(req):
    req.no_cache = 1
    req.write("not cached\n")
    return apache.OK


def set_content_length(req):
    req.set_content_length(12)
    req.write("hello world\n")
    return apache.OK


def write_no_flush(req):
    req.content_type = "text/plain"
    req.write("part one, ", 0)
    req.write("part two\n", 0)
    return apache.OK


def write_flush(req):
    req.content_type = "text/plain"
    req.write("part one, ")
    req.write("part two\n")
    return apache.OK


def validators(req):
    req.update_mtime(1000000000.0)
    req.set_last_modified()
    req.set_etag()
    req.write("mtime=%r\n" % req.mtime)
    return apache.OK


# ---- what the request object says ----------------------------------------------------------


def request_paths(req):
    req.content_type = "text/plain"
    for name in ("uri", "unparsed_uri", "filename", "canonical_filename", "path_info", "args",
                 "handler", "content_type", "extension", "used_path_info"):  # fmt: skip
        req.write("%s=%r\n" % (name, getattr(req, name)))
    req.write("finfo.filetype=%r\n" % (req.finfo.filetype,))
    return apache.OK


def request_line(req):
    req.content_type = "text/plain"
    for name in ("method", "method_number", "protocol", "proto_num", "the_request", "hostname",
                 "header_only", "phase", "interpreter", "status", "status_line", "user",
                 "ap_auth_type", "assbackwards", "no_cache", "chunked"):  # fmt: skip
        req.write("%s=%r\n" % (name, getattr(req, name)))
    req.write("document_root=%r\n" % req.document_root())
    req.write("construct_url=%r\n" % req.construct_url("/x/y"))
    req.write("hlist.handler=%r\n" % req.hlist.handler)
    req.write("hlist.directory=%r\n" % req.hlist.directory)
    req.write("hlist.is_location=%r\n" % req.hlist.is_location)
    return apache.OK


def config_and_options(req):
    req.content_type = "text/plain"
    options = req.get_options()
    req.write("options=%r\n" % sorted(options.items()))
    config = req.get_config()
    req.write("config=%r\n" % sorted(config.items()))
    return apache.OK


def magic_numbers(req):
    req.content_type = "text/plain"
    req.write("%r %r\n" % (apache.MODULE_MAGIC_NUMBER_MAJOR, apache.MODULE_MAGIC_NUMBER_MINOR))
    return apache.OK


# ---- phases --------------------------------------------------------------------------------


def _mark(req, name, result):
    if not hasattr(req, "phases_seen"):
        req.phases_seen = []
    req.phases_seen.append("%s:%s" % (name, req.phase))
    req.notes.add("order", name)
    return result


def access_one(req):
    return _mark(req, "access_one", apache.OK)


def access_two(req):
    return _mark(req, "access_two", apache.DECLINED)


def authen_declined(req):
    return _mark(req, "authen_declined", apache.DECLINED)


def authen_ok(req):
    req.user = "phase-user"
    return _mark(req, "authen_ok", apache.OK)


def authen_never(req):
    return _mark(req, "authen_never", apache.OK)


def authz_ok(req):
    return _mark(req, "authz_ok", apache.OK)


def fixup_declined(req):
    return _mark(req, "fixup_declined", apache.DECLINED)


def fixup_ok(req):
    return _mark(req, "fixup_ok", apache.OK)


def fixup_ok_again(req):
    return _mark(req, "fixup_ok_again", apache.OK)


def phases_report(req):
    req.content_type = "text/plain"
    req.write("seen=%r\n" % getattr(req, "phases_seen", None))
    req.write("notes=%r\n" % req.notes.get("order"))
    req.write("all notes=%r\n" % [v for k, v in req.notes.items() if k == "order"])
    req.write("user=%r\n" % req.user)
    return apache.OK


def authen_unauthorized(req):
    return apache.HTTP_UNAUTHORIZED


def authen_password(req):
    password = req.get_basic_auth_pw()
    if req.user == "spam" and password == "eggs":
        return apache.OK
    return apache.HTTP_UNAUTHORIZED


def auth_report(req):
    req.content_type = "text/plain"
    req.write("user=%r ap_auth_type=%r\n" % (req.user, req.ap_auth_type))
    req.write("auth_type=%r auth_name=%r\n" % (req.auth_type(), req.auth_name()))
    return apache.OK


def basic_auth_pw(req):
    req.content_type = "text/plain"
    password = req.get_basic_auth_pw()
    req.write("password=%r user=%r ap_auth_type=%r\n" % (password, req.user, req.ap_auth_type))
    return apache.OK


def add_same_phase(req):
    req.secret = "from the first handler"
    req.add_handler("PythonHandler", "oracle_cases::added_handler")
    req.write("first\n")
    return apache.OK


def added_handler(req):
    req.write("added handler sees %r in phase %r\n" % (getattr(req, "secret", None), req.phase))
    return apache.OK


def fixup_adds_content_handler(req):
    req.secret = "from the fixup"
    req.add_handler("PythonHandler", "oracle_cases::added_handler")
    return apache.OK


def fixup_sets_handler(req):
    req.handler = "mod_python"
    req.secret = "handler set in fixup"
    req.add_handler("PythonHandler", "oracle_cases::added_handler")
    return apache.OK


def redirect_from(req):
    req.redirect_note = "set before redirect"
    req.subprocess_env["FROM_FIRST"] = "first request's variable"
    req.internal_redirect("/internal_redirect_to?x=1&y=2")
    return apache.OK


def redirect_to(req):
    req.content_type = "text/plain"
    req.write("uri=%r args=%r\n" % (req.uri, req.args))
    req.write("prev.uri=%r prev.args=%r\n" % (req.prev.uri, req.prev.args))
    req.write("prev note=%r\n" % getattr(req.prev, "redirect_note", None))
    redirect_env = [(k, v) for k, v in req.subprocess_env.items() if k.startswith("REDIRECT_")]
    req.write("redirect env=%r\n" % sorted(redirect_env))
    req.add_cgi_vars()
    redirect_env = [(k, v) for k, v in req.subprocess_env.items() if k.startswith("REDIRECT_")]
    req.write("after add_cgi_vars=%r\n" % sorted(redirect_env))
    return apache.OK


# ---- request body --------------------------------------------------------------------------


def echo_body(req):
    req.content_type = "application/octet-stream"
    body = req.read()
    req.write(body)
    return apache.OK


def echo_in_pieces(req):
    req.content_type = "text/plain"
    first = req.read(5)
    rest = req.read()
    req.write("first=%r rest_len=%d remaining=%r\n" % (first, len(rest), req.remaining))
    return apache.OK


def echo_lines(req):
    req.content_type = "text/plain"
    count = 0
    while True:
        line = req.readline()
        if not line:
            break
        count += 1
        req.write("%d:%d:%r\n" % (count, len(line), line[:20]))
    req.write("lines=%d\n" % count)
    return apache.OK


def readline_limited(req):
    req.content_type = "text/plain"
    pieces = []
    while True:
        piece = req.readline(4)
        if not piece:
            break
        pieces.append(piece)
    req.write("%r\n" % pieces)
    return apache.OK


def status_with_notes(req):
    """``/status_with_notes?400``: httpd puts some notes into its canned pages."""
    req.notes["error-notes"] = "<b>error notes</b>"
    req.notes["variant-list"] = "<ul><li>variant</li></ul>"
    req.headers_out["Location"] = "http://example.com/moved?x=<y>"
    return int(req.args)


def status_with_verbose_notes(req):
    req.notes["error-notes"] = "<b>verbose error notes</b>"
    req.notes["verbose-error-to"] = "*"
    return int(req.args)


def status_keeping_headers(req):
    """Which headers survive an error status: only err_headers_out (and Location)."""
    req.headers_out["X-Out"] = "out"
    req.headers_out["Location"] = "/somewhere/else"
    req.err_headers_out["X-Err"] = "err"
    req.content_type = "text/plain"
    return int(req.args)


def write_then_read(req):
    """Output flushed before the body is read: httpd still has the whole body."""
    req.content_type = "text/plain"
    req.write("started\n")
    body = req.read()
    req.write("read %d bytes, sum %d\n" % (len(body), sum(body)))
    return apache.OK
