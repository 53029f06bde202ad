"""``PythonHandler mod_python.cgihandler``: CGI scripts run in-process (SPEC 9.4, 12.2)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

CGI_CONF = """
<Directory {docroot}>
    SetHandler mod_python
    PythonHandler mod_python.cgihandler
    PythonDebug On
</Directory>
"""

# mod_python's own test_cgihandler script.
CGITEST = """\
print("Content-type: text/plain\\n")
print("test ok")
"""


@pytest.fixture
def cgi_site(make_site):
    """``cgi_site({"name.py": source})``: a site whose files run through cgihandler."""

    def build(files: dict[str, str], conf: str = CGI_CONF):
        return make_site(conf, files=files)

    return build


def test_cgihandler_runs_the_script_test_cgihandler(cgi_site):
    response = cgi_site({"cgitest.py": CGITEST}).get("/cgitest.py")
    assert (response.status, response.header("Content-Type")) == (200, "text/plain")
    assert response.body.endswith(b"test ok\n")


@pytest.mark.parametrize("separator", ["\\n", "\\r\\n"])
def test_status_header_sets_the_status(cgi_site, separator):
    script = (
        f'print("Status: 404 Not Found{separator}Content-Type: text/html{separator}", end="")\n'
    )
    script += f'print("{separator}missing", end="")\n'
    response = cgi_site({"status.py": script}).get("/status.py")
    assert (response.status, response.header("Content-Type"), response.body) == (
        404,
        "text/html",
        b"missing",
    )


def test_other_headers_are_sent_in_order_with_repeats(cgi_site):
    script = """\
        print("Content-Type: text/plain")
        print("Set-Cookie: a=1")
        print("Set-Cookie: b=2")
        print("X-Custom:  spaced value ")
        print()
        print("body")
    """
    response = cgi_site({"headers.py": script}).get("/headers.py")
    assert response.header_values("Set-Cookie") == ["a=1", "b=2"]
    assert (response.header("X-Custom"), response.body) == ("spaced value", b"body\n")


def test_location_header_is_passed_on_with_status_200(cgi_site):
    # mod_python's cgihandler is not a CGI gateway: Location is one more header; no
    # redirect unless the script also prints a Status line (the oracle agrees).
    response = cgi_site({"go.py": 'print("Location: http://example.com/x\\n")\n'}).get("/go.py")
    assert (response.status, response.header("Location"), response.body) == (
        200,
        "http://example.com/x",
        b"",
    )


def test_location_with_status_redirects(cgi_site):
    script = 'print("Status: 302 Found\\nLocation: http://example.com/x\\n")\n'
    response = cgi_site({"go.py": script}).get("/go.py")
    assert (response.status, response.header("Location")) == (302, "http://example.com/x")


def test_output_without_a_header_block_sends_no_body(cgi_site):
    response = cgi_site({"plain.py": 'print("just text")\n'}).get("/plain.py")
    assert (response.status, response.body) == (200, b"")


def test_script_filename_in_subprocess_env_names_the_script(cgi_site):
    conf = (
        CGI_CONF + "<Files alias.py>\n    SetEnv SCRIPT_FILENAME {docroot}/cgitest.py\n</Files>\n"
    )
    site = cgi_site({"cgitest.py": CGITEST, "alias.py": 'print("wrong script")\n'}, conf=conf)
    assert site.get("/alias.py").body == b"test ok\n"


def test_missing_script_is_404(cgi_site):
    assert cgi_site({"cgitest.py": CGITEST}).get("/nothere.py").status == 404


def test_environment_holds_the_cgi_variables_only(cgi_site):
    script = """\
        import os
        print("Content-Type: text/plain\\n")
        for key in ("GATEWAY_INTERFACE", "REQUEST_METHOD", "QUERY_STRING", "SCRIPT_NAME",
                    "PATH_INFO", "SCRIPT_FILENAME"):
            print(key, os.environ.get(key))
        print("HOME" in os.environ)
    """
    site = cgi_site({"env.py": script})
    body = site.get("/env.py/extra/path?a=1&b=2").text.splitlines()
    assert body == [
        "GATEWAY_INTERFACE Python-CGI/1.1",
        "REQUEST_METHOD GET",
        "QUERY_STRING a=1&b=2",
        "SCRIPT_NAME /env.py",
        "PATH_INFO /extra/path",
        f"SCRIPT_FILENAME {site.docroot}/env.py",
        "False",
    ]


def test_environment_process_and_streams_are_restored_after_the_script(cgi_site):
    before = (os.environ, sys.stdout, sys.stdin, os.getcwd(), dict(os.environ))
    cgi_site({"cgitest.py": CGITEST}).get("/cgitest.py")
    assert (os.environ, sys.stdout, sys.stdin, os.getcwd(), dict(os.environ)) == before


def test_script_runs_in_its_own_directory_named_after_its_file(cgi_site):
    script = """\
        import os, sys
        print("Content-Type: text/plain\\n")
        print(os.getcwd())
        print(__name__)
        print(sys.argv)
    """
    site = cgi_site({"sub/where.py": script})
    assert site.get("/sub/where.py").text.splitlines() == [str(site.docroot / "sub"), "where", "[]"]


def test_stdin_reads_the_request_body_as_bytes(cgi_site):
    script = """\
        import sys
        first = sys.stdin.readline()
        rest = sys.stdin.read()
        print("Content-Type: text/plain\\n")
        print(repr((first, rest)))
    """
    response = cgi_site({"echo.py": script}).post("/echo.py", b"line one\nx=1&y=2")
    assert response.text == repr((b"line one\n", b"x=1&y=2")) + "\n"


@pytest.mark.parametrize("exit_call", ["sys.exit()", "sys.exit(0)"])
def test_sys_exit_with_success_ends_the_script_normally(cgi_site, exit_call):
    script = f'import sys\nprint("Content-Type: text/plain\\n\\nbefore exit")\n{exit_call}\n'
    response = cgi_site({"exits.py": script}).get("/exits.py")
    assert (response.status, response.body) == (200, b"before exit\n")


def test_sys_exit_with_failure_is_a_handler_error(cgi_site):
    site = cgi_site({"fails.py": "import sys\nsys.exit(3)\n"})
    response = site.get("/fails.py")
    assert response.status == 500
    assert "exited with status 3" in site.error_log


def test_script_error_is_reported_with_the_debug_page(cgi_site):
    site = cgi_site({"raises.py": 'raise ValueError("script failed")\n'})
    response = site.get("/raises.py")
    assert response.status == 500
    assert b'Mod_python error: "PythonHandler mod_python.cgihandler"' in response.body
    assert b"ValueError: script failed" in response.body


def test_script_is_executed_again_on_every_request(cgi_site):
    script = """\
        import time
        print("Content-Type: text/plain\\n")
        print(time.monotonic_ns())
    """
    site = cgi_site({"again.py": script})
    assert site.get("/again.py").body != site.get("/again.py").body


def test_helper_modules_of_the_script_are_executed_again(cgi_site):
    site = cgi_site(
        {
            "uses_helper.py": (
                "import os, sys\n"
                "sys.path.insert(0, os.getcwd())\n"
                "try:\n"
                "    import cgi_counter_helper\n"
                "finally:\n"
                "    sys.path.pop(0)\n"
                'print("Content-Type: text/plain\\n")\n'
                "print(cgi_counter_helper.VALUE)\n"
            ),
            "cgi_counter_helper.py": "VALUE = 1\n",
        }
    )
    assert site.get("/uses_helper.py").text == "1\n"
    site.write("cgi_counter_helper.py", "VALUE = 2\n")
    assert site.get("/uses_helper.py").text == "2\n"


def test_script_named_like_a_stdlib_module_does_not_replace_it(cgi_site):
    import json

    cgi_site({"json.py": CGITEST}).get("/json.py")
    assert sys.modules["json"] is json


def test_prints_from_other_threads_stay_out_of_the_cgi_response(cgi_site, capsys):
    """While a script runs, another thread's print goes to the real stdout."""
    script = """\
        import sys, threading
        import cgi_sync_helper
        print("Content-Type: text/plain\\n")
        cgi_sync_helper.script_running.set()
        cgi_sync_helper.other_printed.wait(10)
        print("script output")
    """
    helper = type(sys)("cgi_sync_helper")
    helper.script_running, helper.other_printed = threading.Event(), threading.Event()
    sys.modules["cgi_sync_helper"] = helper  # a module without a file: never forgotten
    try:

        def other_thread():
            helper.script_running.wait(10)
            print("other thread output")
            helper.other_printed.set()

        thread = threading.Thread(target=other_thread)
        thread.start()
        response = cgi_site({"sync.py": script}).get("/sync.py")
        thread.join(10)
    finally:
        del sys.modules["cgi_sync_helper"]
    assert response.body == b"script output\n"
    assert "other thread output" in capsys.readouterr().out


def test_concurrent_requests_never_mix_outputs(cgi_site):
    script = """\
        import os
        print("Content-Type: text/plain\\n")
        for n in range(50):
            print(os.environ["QUERY_STRING"], n)
    """
    site = cgi_site({"count.py": script})
    results: dict[str, bytes] = {}

    def fetch(tag: str) -> None:
        results[tag] = site.get(f"/count.py?{tag}").body

    threads = [threading.Thread(target=fetch, args=(f"t{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert (
        results == {tag: "".join(f"{tag} {n}\n" for n in range(50)).encode() for tag in results}
        and len(results) == 8
    )


# ---- test_pipe_ext: "| .ext" handler lists beside a plain one (SPEC 12.2) ---------------------

PIPE_EXT_CONF = """
<Directory {docroot}>
    SetHandler mod_python
    PythonHandler mod_python.publisher | .py
    PythonHandler pipe_tests::simplehandler
    PythonPath "['{docroot}'] + sys.path"
    PythonDebug On
</Directory>
"""

PIPE_TESTS = """\
from mod_python import apache

def pipe_ext(req):
    return "pipe ext"

def simplehandler(req):
    req.write("test ok")
    return apache.OK
"""


@pytest.mark.parametrize(
    "path, body", [("/pipe_tests.py/pipe_ext", b"pipe ext"), ("/pipe_tests/anything", b"test ok")]
)
def test_pipe_ext_routes_py_to_publisher_and_the_rest_to_the_plain_handler(make_site, path, body):
    site = make_site(PIPE_EXT_CONF, files={"pipe_tests.py": PIPE_TESTS})
    assert site.get(path).body == body


ENV_PATHS_SCRIPT = """\
import os
print("Content-Type: text/plain; charset=utf-8\\n")
for key in ("REQUEST_URI", "PATH_INFO"):
    print(key, os.environ[key].encode("utf-8", "surrogateescape").hex())
"""


@pytest.mark.parametrize(
    ("escaped", "raw"),
    [("%e2%82%ac", "€".encode()), ("%c3%a9", "é".encode()), ("%ff", b"\xff")],
)
def test_a_script_sees_non_ascii_path_variables_decoded_as_os_environ_would(cgi_site, escaped, raw):
    response = cgi_site({"env.py": ENV_PATHS_SCRIPT}).get(f"/env.py/{escaped}")
    assert response.status == 200
    lines = dict(line.split(" ", 1) for line in response.body.decode().splitlines() if line)
    assert bytes.fromhex(lines["REQUEST_URI"]) == b"/env.py/" + raw
    assert bytes.fromhex(lines["PATH_INFO"]) == b"/" + raw
