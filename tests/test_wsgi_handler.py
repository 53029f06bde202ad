"""``PythonHandler mod_python.wsgi`` (SPEC 9.3, tests 51-52 of mod_python's suite): a WSGI
application as a content handler, SCRIPT_NAME from the <Location>, and Flask under it."""

from __future__ import annotations

import pytest

WSGITEST = """
import sys

def application(environ, start_response):
    checks = [
        type(environ["wsgi.input"]).__name__ == "Request",
        environ["wsgi.version"] == (1, 0),
        environ["wsgi.url_scheme"] == "http",
    ]
    environ["wsgi.errors"].write("written to wsgi.errors\\n")
    start_response("200 OK", [("Content-Type", "text/plain")])
    names = ("SCRIPT_NAME", "PATH_INFO", "wsgi.multithread", "wsgi.multiprocess")
    return [f"{all(checks)}|" + "|".join(repr(environ.get(n)) for n in names) + "\\n"]

def statuses(environ, start_response):
    write = start_response(environ["QUERY_STRING"].replace("+", " "), [("X-A", "1")])
    write(b"via write;")
    yield b"a"
    yield b"b"

closed = []

class Body:
    def __iter__(self):
        yield b"body"
    def close(self):
        closed.append(True)

def with_close(environ, start_response):
    start_response("200 OK", [])
    if environ["PATH_INFO"] == "/count":
        return [str(len(closed)).encode()]
    return Body()
"""

FLASK_APP = """
from flask import Flask, jsonify, redirect, request, url_for

app = Flask(__name__)

@app.route("/")
def index():
    return f"root={request.script_root} path={request.path} link={url_for('item', name='x')}"

@app.route("/items/<name>")
def item(name):
    return jsonify(name=name, args=request.args.to_dict())

@app.route("/echo", methods=["POST"])
def echo():
    return jsonify(received=request.get_json())

@app.route("/go")
def go():
    return redirect(url_for("index"))

@app.errorhandler(404)
def missing(error):
    return "no such page", 404
"""


def handler_conf(location: str = "", option: str = "wsgitest", extra: str = "") -> str:
    lines = [
        "PythonPath \"sys.path + [r'{docroot}']\"",
        f"<Location {location}>" if location else '<Directory "{docroot}">',
        "SetHandler mod_python",
        "PythonHandler mod_python.wsgi",
        f"PythonOption mod_python.wsgi.application {option}",
        extra,
        "</Location>" if location else "</Directory>",
    ]
    return "\n".join(lines)


def fields(response) -> list[str]:
    return response.text.rstrip("\n").split("|")


def test_wsgihandler(make_site):
    site = make_site(handler_conf(), files={"wsgitest.py": WSGITEST})
    response = site.get("/tests.py")
    assert fields(response)[:3] == ["True", "''", "'/tests.py'"]
    assert "written to wsgi.errors" in site.error_log


def test_wsgihandler_location(make_site):
    site = make_site(handler_conf("/foo", "wsgitest::application"), files={"wsgitest.py": WSGITEST})
    assert fields(site.get("/foo/bar"))[1:3] == ["'/foo'", "'/bar'"]


@pytest.mark.parametrize(
    "location, uri, script_name, path_info",
    [("/loc", "/loc", "/loc", ""),
     ("/loc", "/loc/", "/loc", "/"),
     ("/loc", "/loc/x/y", "/loc", "/x/y"),
     ("/loc/", "/loc/x", "/loc", "/x"),
     ("/", "/x/y", "", "/x/y"),
     ("/a/b", "/a/b/c", "/a/b", "/c")],
)  # fmt: skip
def test_script_name_comes_from_the_location(make_site, location, uri, script_name, path_info):
    site = make_site(handler_conf(location), files={"wsgitest.py": WSGITEST})
    assert fields(site.get(uri))[1:3] == [repr(script_name), repr(path_info)]


def test_base_uri_option_sets_the_script_name(make_site):
    conf = handler_conf(extra="PythonOption mod_python.wsgi.base_uri /app")
    site = make_site(conf, files={"wsgitest.py": WSGITEST, "app": "unused"})
    assert fields(site.get("/app/x"))[1:3] == ["'/app'", "'/x'"]


def test_a_uri_outside_the_base_uri_declines_with_a_warning(make_site):
    conf = handler_conf(extra="PythonOption mod_python.wsgi.base_uri /app")
    site = make_site(conf, files={"wsgitest.py": WSGITEST, "other.txt": "static"})
    assert site.get("/other.txt").body == b"static"
    assert "WSGI handler: req.uri ('/other.txt') does not start with " in site.error_log


def test_a_missing_callable_declines_with_a_warning(make_site):
    site = make_site(handler_conf(option="wsgitest::nothing"), files={"wsgitest.py": WSGITEST})
    assert site.get("/wsgitest.py").status == 200  # the static file, after DECLINED
    assert "WSGI handler: mod_python.wsgi.application ('wsgitest::nothing') not found" in (
        site.error_log
    )


def test_a_missing_application_option_is_500(make_site):
    conf = handler_conf().replace("PythonOption mod_python.wsgi.application wsgitest", "")
    site = make_site(conf, files={"wsgitest.py": WSGITEST})
    assert site.get("/x").status == 500


@pytest.mark.parametrize("status", ["200 OK", "201 Created", "404 Nope", "503 Busy Now"])
def test_status_and_status_line_agree(make_site, status):
    site = make_site(handler_conf("/s", "wsgitest::statuses"), files={"wsgitest.py": WSGITEST})
    response = site.get("/s?" + status.replace(" ", "+"))
    assert f"{response.status} {response.reason}" == status
    assert (response.body, response.header("X-A")) == (b"via write;ab", "1")


def test_close_is_always_called(make_site):
    site = make_site(handler_conf("/c", "wsgitest::with_close"), files={"wsgitest.py": WSGITEST})
    assert site.get("/c").body == b"body"
    assert site.get("/c/count").body == b"1"


def test_flags_come_from_the_serving_back_end(make_site):
    site = make_site(handler_conf(), files={"wsgitest.py": WSGITEST})
    response = site.get("/x", environ={"wsgi.multithread": False, "wsgi.multiprocess": True})
    assert fields(response)[3:] == ["False", "True"]


# ---- Flask under mod_python.wsgi ---------------------------------------------------------


@pytest.fixture
def flask_site(make_site):
    pytest.importorskip("flask")
    return make_site(handler_conf("/shop", "flaskapp::app"), files={"flaskapp.py": FLASK_APP})


def test_flask_sees_the_location_as_its_root(flask_site):
    assert flask_site.get("/shop/").text == "root=/shop path=/ link=/shop/items/x"


def test_flask_routes_and_query_arguments(flask_site):
    response = flask_site.get("/shop/items/pen?colour=blue")
    assert response.header("Content-Type") == "application/json"
    assert response.text.replace(" ", "").strip() == '{"args":{"colour":"blue"},"name":"pen"}'


def test_flask_reads_a_posted_body(flask_site):
    response = flask_site.post(
        "/shop/echo", b'{"qty": 3}', headers={"Content-Type": "application/json"}
    )
    assert response.text.replace(" ", "").strip() == '{"received":{"qty":3}}'


def test_flask_redirects_inside_the_mount(flask_site):
    response = flask_site.get("/shop/go")
    assert (response.status, response.header("Location")) == (302, "/shop/")


def test_flask_error_pages_keep_their_status(flask_site):
    response = flask_site.get("/shop/nowhere")
    assert (response.status, response.text) == (404, "no such page")


def test_the_proxy_header_never_reaches_the_application(make_site):
    app = """
def application(environ, start_response):
    start_response("200 OK", [])
    return [repr(environ.get("HTTP_PROXY")).encode()]
"""
    site = make_site(handler_conf(option="proxyapp"), files={"proxyapp.py": app})
    assert site.get("/x", headers={"Proxy": "http://evil.example:8080"}).body == b"None"
