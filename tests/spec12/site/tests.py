"""Handlers of the spec12 suite: our own versions of mod_python's test/htdocs/tests.py.

Each function does what the handler of the same mod_python test did (SPEC 12.2); the test
modules in tests/spec12 serve this file as ``tests.py`` and look at the response or the log.
"""

import os
import sys

from mod_python import apache

HERE = os.path.dirname(__file__)


def simple_handler(req):
    # req_add_handler: the handler added by another one sees what that one set on req.
    if getattr(req, "secret_message", None) == "foo":
        req.write("test ok")
    return apache.OK


def req_document_root(req):
    req.write(req.document_root())
    return apache.OK


def req_add_handler(req):
    req.secret_message = "foo"
    req.add_handler("PythonHandler", "tests::simple_handler")
    return apache.OK


def req_add_bad_handler(req):
    req.add_handler("PythonHandler", "tests::bad_handler")
    return apache.OK


def req_add_empty_handler_string(req):
    req.add_handler("PythonHandler", "")
    req.write("no exception")
    return apache.OK


def req_add_handler_empty_phase(req):
    if req.phase != "PythonHandler":
        req.secret_message = "foo"
        req.add_handler("PythonHandler", "tests::req_add_handler_empty_phase", HERE)
    elif req.secret_message == "foo":
        req.write("test ok")
    return apache.OK


def req_add_handler_directory(req):
    # HERE has no trailing slash; the hlist shows it with one, in forward slashes.
    if req.phase == "PythonFixupHandler":
        req.add_handler("PythonHandler", "tests::req_add_handler_directory", HERE)
        return apache.OK
    directory = req.hlist.directory
    if (
        directory.endswith("/")
        and "\\" not in directory
        and os.path.normpath(directory) == os.path.normpath(HERE)
    ):
        req.write("test ok")
    else:
        req.write("test failed: %r" % directory)
    return apache.OK


def accesshandler_add_handler_to_empty_hl(req):
    req.secret_message = "foo"
    req.add_handler("PythonHandler", "tests::simple_handler")
    return apache.OK


def req_allow_methods(req):
    req.allow_methods(["MKWORKSPACE"])
    raise apache.SERVER_RETURN(apache.HTTP_METHOD_NOT_ALLOWED)


def req_unauthorized(req):
    password = req.get_basic_auth_pw()
    if req.user == "spam" and password == "eggs":
        req.write("test ok")
        return apache.OK
    return apache.HTTP_UNAUTHORIZED


def req_get_basic_auth_pw(req):
    # Called in the content phase: decoding the credentials also sets req.user.
    password = req.get_basic_auth_pw()
    req.write(repr((req.user, password)))
    return apache.OK


def req_auth_type(req):
    if req.auth_type() != "dummy" or req.auth_name() != "blah":
        req.write("test failed in %s: %r %r" % (req.phase, req.auth_type(), req.auth_name()))
        return apache.DONE
    if req.phase == "PythonAuthenHandler":
        req.user = "dummy"
        req.ap_auth_type = req.auth_type()
    elif req.phase == "PythonAuthzHandler":
        req.notes["authz"] = "ran"
    else:
        req.content_type = "text/plain"
        req.write(repr((req.user, req.ap_auth_type, req.notes.get("authz"))))
    return apache.OK


def req_internal_redirect(req):
    req.internal_redirect("/test.int")
    return apache.OK


def req_internal_redirect_int(req):
    # The redirected request writes through the original one and through itself.
    req.prev.write("test ")
    req.write("ok")
    return apache.OK


def req_construct_url(req):
    req.write(req.construct_url("/index.html"))
    return apache.OK


def req_read(req):
    req.write(req.read())
    return apache.OK


def req_readline(req):
    line = req.readline()
    while line:
        req.write(line)
        line = req.readline()
    return apache.OK


def req_readlines(req):
    hint = req.headers_in.get("SizeHint")
    lines = req.readlines(int(hint)) if hint else req.readlines()
    req.write(b"".join(lines))
    return apache.OK


def req_discard_request_body(req):
    first = req.read(10)
    if first != b"1234567890":
        req.write("read(10) gave %r" % first)
        return apache.OK
    status = req.discard_request_body()
    if status != apache.OK:
        req.write("discard_request_body() gave %r" % status)
        return apache.OK
    rest = req.read()
    req.write("read() after discard gave %r" % rest if rest else "test ok")
    return apache.OK


def _log_cleanup(data):
    data.log_error("req_register_cleanup test ok")


def req_register_cleanup(req):
    req.register_cleanup(_log_cleanup, req)
    req.write("registered")
    return apache.OK


def req_headers_out(req):
    req.headers_out["X-Test-Header"] = "test ok"
    req.write("test ok")
    return apache.OK


def req_sendfile(req):
    path = os.path.join(HERE, "sendfile.txt")
    req.sendfile(path, 2, 7)
    return apache.OK


def req_sendfile2(req):
    req.sendfile(os.path.join(HERE, "sendfile2.txt"))
    return apache.OK


def req_sendfile3(req):
    req.sendfile(os.path.join(HERE, "sendfile3.link"))
    return apache.OK


def req_handler(req):
    if req.phase == "PythonFixupHandler":
        # Setting, clearing and setting again must leave the request to mod_python.
        req.handler = "mod_python"
        req.handler = None
        req.handler = "mod_python"
        req.add_handler("PythonHandler", "tests::req_handler")
        return apache.OK
    req.write("test ok")
    return apache.OK


def req_no_cache(req):
    req.no_cache = 1
    req.write("test ok")
    return apache.OK


def req_update_mtime(req):
    before = req.mtime
    req.update_mtime(100.0)
    after = req.mtime
    req.set_etag()
    req.set_last_modified()
    req.write(repr((before, after)))
    return apache.OK


def util_redirect(req):
    from mod_python import util

    if req.phase == "PythonFixupHandler":
        util.redirect(req, "/dummy", text="test ok")
    req.write("content handler ran")
    return apache.OK


def req_server_get_config(req):
    server_debug = req.server.get_config().get("PythonDebug", "0")
    request_debug = req.get_config().get("PythonDebug", "0")
    req.write(repr((server_debug, request_debug)))
    return apache.OK


def _options_pairs(options, names):
    return [options.get(name, "0") for name in names]


def req_server_get_options(req):
    names = ("global", "override", "local")
    report = {
        "main": _options_pairs(apache.main_server.get_options(), names),
        "base": _options_pairs(req.connection.base_server.get_options(), names),
        "server": _options_pairs(req.server.get_options(), names),
        "request": _options_pairs(req.get_options(), names),
    }
    req.write(repr(report))
    return apache.OK


def PythonOption_items(req):
    options = sorted(
        item for item in req.get_options().items() if not item[0].startswith("mod_python")
    )
    req.write(str(options))
    return apache.OK


def interpreter(req):
    req.write(req.interpreter)
    # The fixup variant returns DONE so no content phase follows (as in mod_python's test).
    return apache.DONE if req.phase == "PythonFixupHandler" else apache.OK


def util_fieldstorage(req):
    from mod_python import util

    req.write(repr(util.FieldStorage(req).list))
    return apache.OK


def postreadrequest(req):
    req.add_common_vars()
    env = req.subprocess_env
    env["TEST1"] = "'"
    env["TEST2"] = '"'
    req.log_error("subprocess_env = %s" % env)
    req.log_error("subprocess_env.values() = %s" % list(env.values()))
    for value in env.values():
        req.log_error("VALUE = %s" % value)
    for item in env.items():
        req.log_error("ITEM = %s" % (item,))
    req.log_error("SCRIPT_FILENAME = %s" % env.get("SCRIPT_FILENAME"))
    req.log_error("SCRIPT_FILENAME = %s" % env["SCRIPT_FILENAME"])
    req.write("test ok")
    return apache.DONE


def trans(req):
    req.filename = req.document_root() + "/tests.py"
    return apache.OK


def import_test(req):
    directory = os.path.normpath(HERE)
    in_path = [os.path.normpath(entry) for entry in sys.path].count(directory)
    imported = "dummymodule" in sys.modules
    called = "dummymodule::function" in apache.main_server.get_options()
    req.write(repr((in_path, imported, called)))
    return apache.OK


def server_error_fname(req):
    req.write(repr((req.server.error_fname, apache.main_server.error_fname is not None)))
    return apache.OK


def files_directive(req):
    req.write(req.hlist.directory)
    return apache.OK


def none_handler(req):
    return None


def server_return_1(req):
    raise apache.SERVER_RETURN(apache.OK)


def server_return_2(req):
    req.write("test ok")
    return apache.OK


def phase_status_1(req):
    apache.log_error("phase_status_1")
    req.phases = [1]
    return apache.DECLINED


def phase_status_2(req):
    apache.log_error("phase_status_2")
    req.phases.append(2)
    req.user = "started"
    return apache.OK


def phase_status_3(req):
    # Never runs: OK ends the authen phase.
    apache.log_error("phase_status_3")
    req.phases.append(3)
    return apache.OK


def phase_status_4(req):
    apache.log_error("phase_status_4")
    return apache.OK


def phase_status_5(req):
    apache.log_error("phase_status_5")
    req.phases.append(5)
    return apache.DECLINED


def phase_status_6(req):
    apache.log_error("phase_status_6")
    req.phases.append(6)
    return apache.OK


def phase_status_7(req):
    apache.log_error("phase_status_7")
    req.phases.append(7)
    return apache.OK


def phase_status_8(req):
    apache.log_error("phase_status_8")
    req.write(repr(req.phases))
    return apache.OK


def phase_status_cleanup(req):
    apache.log_error("phase_status_cleanup_log_entry")
    return apache.OK


def fixup_ssi_globals(req):
    req.ssi_globals = {"data1": "test", "data2": "ok"}
    return apache.OK


def memory(req):
    # Many small write+flush pairs; the test compares the process size before and after.
    for _ in range(int(req.args or "1000")):
        req.write("*")
        req.flush()
    return apache.OK
