"""The example site in examples/ works, in-process and under every way of serving it.

Every page of the table is requested through the engine in-process and from each serving
method, run as a real subprocess on a free port from a working directory outside the
repository (the config's relative paths must not depend on it). The flows that need
several requests (sessions, login, uploads, the publisher's cart) are followed in-process;
the session counter also over sockets, where several worker processes must share it.
"""

from __future__ import annotations

import base64
import http.client
import importlib.util
import re
import signal
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from serving import EXAMPLES_CONF, ServerProcess, child_environment, free_port, mod_python_command
from wsgi_client import call_engine

from mod_python.cli import listen_address
from mod_python.wsgi_entry import load_settings, make_application

EXAMPLES_HTDOCS = EXAMPLES_CONF.parent / "htdocs"

HAS_GRANIAN = importlib.util.find_spec("granian") is not None


def _serve_command(server: str, port: int) -> list[str]:
    listen = ["--listen", f"127.0.0.1:{port}"]
    if server == "cheroot":
        return mod_python_command("serve", str(EXAMPLES_CONF), *listen)
    if server in ("gunicorn", "granian"):
        return mod_python_command(
            "serve", str(EXAMPLES_CONF), *listen, "--server", server, "--processes", "2"
        )
    if server == "gunicorn-entry-point":
        factory = f"mod_python.wsgi_entry:make_application({str(EXAMPLES_CONF)!r})"
        return [sys.executable, "-m", "gunicorn", "--workers", "2",
                "--bind", f"127.0.0.1:{port}", factory]  # fmt: skip
    raise ValueError(server)


SERVERS = [
    "cheroot",
    "gunicorn",
    "gunicorn-entry-point",
    pytest.param(
        "granian", marks=pytest.mark.skipif(not HAS_GRANIAN, reason="granian not installed")
    ),
]


@pytest.fixture(scope="module", params=SERVERS)
def example_server(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(request.param)
    port = free_port()
    # gunicorn >= 25.1 puts a control socket under XDG_RUNTIME_DIR: keep each test's apart.
    # A WSGI server of one's own must say how many workers it runs (docs/serving.md), so
    # that sessions are kept where every worker sees them.
    env = child_environment(XDG_RUNTIME_DIR=str(workdir), MOD_PYTHON_PROCESSES="2")
    with ServerProcess(_serve_command(request.param, port), port, workdir, env) as server:
        yield server


# (path, status, content type prefix, what the body holds, what it must not hold)
EXAMPLE_PAGES = [
    ("/", 200, "text/html", b"<h1>mod_python example site</h1>", None),
    ("/hello.py", 200, "text/plain", b"Hello from mod_python\n", None),
    ("/greet.py?name=Ada", 200, "text/plain", b"Hello, Ada!\n", None),
    ("/greet.py", 200, "text/plain", b"Hello, world!\n", None),
    ("/stacked.py", 200, "text/plain",
     b"first handler\nsecond handler: set by the fixup handler\n", None),
    ("/private/secret.txt", 403, "text/html", b"<title>403 Forbidden</title>", b"Nobody"),
    ("/errors/verbose", 500, "text/html",
     b"ValueError: the example handler failed on purpose", None),
    ("/errors/quiet", 500, "text/html", b"<title>500 Internal Server Error</title>",
     b"Traceback"),
    ("/no-such-page.html", 404, "text/html", b"<title>404 Not Found</title>", None),
    ("/shop/", 200, "text/html", b"<li>pen: 2 EUR</li>", None),
    ("/shop/greet?name=Ada&greeting=Hi", 200, "text/plain", b"Hi, Ada!\n", None),
    ("/shop/report", 401, "text/html", b"<title>401 Unauthorized</title>", b"sales"),
    ("/shop/_restock", 403, "text/html", b"<title>403 Forbidden</title>", b"restocked"),
    ("/pages/visits.psp?name=Ada", 200, "text/html",
     b"<p>You have seen this page 1 time(s) in this session.</p>", b"<%"),
    ("/pages/footer.inc", 403, "text/html", b"<title>403 Forbidden</title>", b"<%"),
    ("/upload/upload.py", 200, "text/html", b'<input type="file" name="attachment">', None),
    ("/account/", 200, "text/html", b"<p>Not logged in.</p>", None),
    ("/ssi/page.shtml", 200, "text/html", b"<p>Two and two make 4.</p>", b"<!--#"),
    ("/shout/news.txt", 200, "text/plain",
     b"EVERY RESPONSE OF THIS DIRECTORY GOES THROUGH THE UPPERCASE OUTPUT FILTER.\n", None),
    ("/shout/uppercase.py", 403, "text/html", b"<title>403 Forbidden</title>", b"def "),
    ("/wsgiapp/some/path", 200, "text/plain",
     b"Hello from WSGI\nSCRIPT_NAME=/wsgiapp\nPATH_INFO=/some/path\n", None),
    ("/wsgi-script/some/path?x=1", 200, "text/plain",
     b"REQUEST_METHOD=GET\nSCRIPT_NAME=/wsgi-script\nPATH_INFO=/some/path\nQUERY_STRING=x=1\n"
     b"mod_wsgi.callable_object=application\n", None),
]  # fmt: skip


def _assert_page(status, content_type, body, expected_status, expected_type, expected, forbidden):
    assert status == expected_status
    assert content_type.startswith(expected_type)
    if status == 200 and expected_type == "text/plain":
        assert body == expected
    else:
        assert expected in body
    if forbidden is not None:
        assert forbidden not in body


@pytest.mark.parametrize(("path", "status", "content_type", "expected", "forbidden"), EXAMPLE_PAGES)
def test_example_page_answers(example_server, path, status, content_type, expected, forbidden):
    reply = example_server.get(path)
    _assert_page(reply.status, reply.headers["content-type"], reply.body,
                 status, content_type, expected, forbidden)  # fmt: skip


@pytest.mark.parametrize(("path", "status", "content_type", "expected", "forbidden"), EXAMPLE_PAGES)
def test_example_page_answers_in_process(site, path, status, content_type, expected, forbidden):
    response = site.get(path)
    _assert_page(response.status, response.header("Content-Type"), response.body,
                 status, content_type, expected, forbidden)  # fmt: skip


def test_psp_session_counter_is_shared_by_every_worker(example_server):
    first = example_server.get("/pages/visits.psp")
    cookie = SimpleCookie(first.headers["set-cookie"])["pysid"].value
    counts = [
        example_server.get("/pages/visits.psp", headers={"Cookie": f"pysid={cookie}"})
        for _ in range(3)
    ]
    assert [_visits(reply.body) for reply in [first, *counts]] == [1, 2, 3, 4]


def test_example_error_goes_to_the_error_log(example_server):
    example_server.get("/errors/quiet")
    example_server.get("/hello.py")  # a later request: the error lines are written by then
    assert "ValueError: the example handler failed on purpose" in example_server.stderr


def test_example_config_listens_on_loopback_8080():
    settings = load_settings(str(EXAMPLES_CONF))
    assert listen_address(settings, None) == ("127.0.0.1", 8080)


def test_example_document_root_is_beside_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(str(EXAMPLES_CONF))
    assert settings.document_root == str(EXAMPLES_CONF.parent / "htdocs")


@pytest.mark.parametrize("server", ["cheroot", "gunicorn"])
def test_serve_stops_cleanly_on_sigterm(tmp_path, server):
    port = free_port()
    env = child_environment(XDG_RUNTIME_DIR=str(tmp_path))
    process = ServerProcess(_serve_command(server, port), port, tmp_path, env)
    with process:
        process.wait_for_output("Stop with Ctrl-C or SIGTERM.")
        assert process.get("/hello.py").status == 200
        assert process.stop(signal.SIGTERM) == 0
    assert "mod_python: stopped" in process.stderr
    assert "Traceback" not in process.stderr


def test_serve_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    with ServerProcess(_serve_command("cheroot", port), port, tmp_path) as process:
        assert process.stop(signal.SIGINT) == 0
    assert "Traceback" not in process.stderr


# ---- the example site in-process ------------------------------------------------------------


class ExampleSite:
    """The example config's engine, called in-process."""

    def __init__(self):
        self.engine = make_application(EXAMPLES_CONF)

    def get(self, path: str, headers: dict | None = None):
        return call_engine(self.engine, "GET", path, host="localhost", headers=headers)

    def post(self, path: str, body: bytes, headers: dict | None = None):
        return call_engine(self.engine, "POST", path, host="localhost", headers=headers,
                           body=body)  # fmt: skip


@pytest.fixture(scope="module")
def site():
    return ExampleSite()


def _visits(body: bytes) -> int:
    return int(re.search(rb"seen this page (\d+) time", body).group(1))


def _cookies(response) -> dict[str, str]:
    """name -> value of every Set-Cookie of ``response``."""
    jar = SimpleCookie()
    for header in response.header_values("Set-Cookie"):
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def _basic(user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _form(fields: dict) -> tuple[bytes, dict]:
    body = "&".join(f"{name}={value}" for name, value in fields.items()).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded"}


def _multipart(filename: str, content: bytes, description: str) -> tuple[bytes, dict]:
    boundary = "example-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="attachment"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + (
            f"\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="description"\r\n\r\n'
            f"{description}\r\n--{boundary}--\r\n"
        ).encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def _index_links() -> list[str]:
    return re.findall(r'href="([^"]+)"', (EXAMPLES_HTDOCS / "index.html").read_text())


def test_index_links_to_every_example_page():
    linked = {urlsplit(link).path for link in _index_links()}
    shown = {urlsplit(path).path for path, status, *_ in EXAMPLE_PAGES if status != 404}
    # The table's pages that are not links are the ones a visitor never navigates to.
    assert shown - linked == {"/", "/shop/_restock", "/pages/footer.inc", "/shout/uppercase.py"}


@pytest.mark.parametrize("link", _index_links())
def test_index_link_answers(site, link):
    response = site.get(link.replace("&amp;", "&"))
    if link.startswith("/errors/"):
        assert response.status == 500
    elif link.startswith(("/private/", "/shop/report")):
        assert response.status in (401, 403)
    else:
        assert response.status == 200


def test_publisher_passes_posted_fields_as_str_arguments(site):
    body, headers = _form({"name": "Grace", "greeting": "Hi"})
    response = site.post("/shop/greet", body, headers=headers)
    assert (response.status, response.body) == (200, b"Hi, Grace!\n")


def test_publisher_method_of_an_instance_keeps_its_state(site):
    def total() -> int:
        return int(re.search(rb"total: (\d+) EUR", site.get("/shop/cart/total").body).group(1))

    before = total()
    assert site.get("/shop/cart/add?item=ink").body.startswith(b"added ink")
    assert total() == before + 5


def test_publisher_unknown_cart_item_is_404(site):
    assert site.get("/shop/cart/add?item=gold").status == 404


def test_publisher_auth_challenge_names_the_realm(site):
    response = site.get("/shop/report")
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="Shop staff"'


def test_publisher_auth_accepts_the_staff_password(site):
    response = site.get("/shop/report", headers=_basic("staff", "letmein"))
    assert response.status == 200
    assert response.body.startswith(b"sales report: ")


def test_publisher_auth_refuses_a_wrong_password(site):
    response = site.get("/shop/report", headers=_basic("staff", "guess"))
    assert response.status == 401
    assert b"sales" not in response.body


def test_psp_page_runs_its_loop_include_and_form(site):
    response = site.get("/pages/visits.psp?name=Ada")
    assert b"<h1>Hello, Ada!</h1>" in response.body
    assert re.findall(rb"<li>(\w+)</li>", response.body) == [b"red", b"green", b"blue"]
    assert b'<p class="footer">Served by localhost through mod_python.psp</p>' in response.body


def test_psp_session_counter_increments_with_the_cookie(site):
    first = site.get("/pages/visits.psp")
    sid = _cookies(first)["pysid"]
    second = site.get("/pages/visits.psp", headers={"Cookie": f"pysid={sid}"})
    assert (_visits(first.body), _visits(second.body)) == (1, 2)
    assert "pysid" not in _cookies(second)  # the same session: no new cookie


def test_psp_session_counter_starts_again_without_the_cookie(site):
    site.get("/pages/visits.psp")
    assert _visits(site.get("/pages/visits.psp").body) == 1


def test_upload_is_echoed(site):
    body, headers = _multipart("notes.txt", b"line one\nline <two>\n", "my notes")
    response = site.post("/upload/upload.py", body, headers=headers)
    assert response.status == 200
    assert b"<p>Received notes.txt (text/plain, 20 bytes): my notes</p>" in response.body
    assert b"<pre>line one\nline &lt;two&gt;\n</pre>" in response.body


def test_upload_without_a_file_is_400(site):
    body, headers = _form({"description": "nothing"})
    assert site.post("/upload/upload.py", body, headers=headers).status == 400


def _log_in(site, user="ada", password="lovelace"):
    body, headers = _form({"user": user, "password": password})
    return site.post("/account/login", body, headers=headers)


def test_login_sets_a_signed_session_cookie_and_redirects(site):
    response = _log_in(site)
    assert response.status == 302
    assert response.header("Location").endswith("/account/")
    cookies = _cookies(response)
    # Signed: 32 hex digits of HMAC before the 32-digit session id.
    assert re.fullmatch("[0-9a-f]{64}", cookies["pysid"])
    assert cookies["last_user"].endswith("ada")
    assert cookies["last_user"] != "ada"


def test_logged_in_user_is_shown_until_logout(site):
    cookie = {"Cookie": f"pysid={_cookies(_log_in(site))['pysid']}"}
    assert b"Logged in as ada." in site.get("/account/", headers=cookie).body
    assert site.get("/account/logout", headers=cookie).status == 302
    after = site.get("/account/", headers=cookie).body
    assert b"Not logged in." in after
    assert b"Logged in as" not in after


def test_unsigned_session_cookie_is_not_trusted(site):
    sid = _cookies(_log_in(site))["pysid"]
    unsigned = {"Cookie": f"pysid={sid[32:]}"}  # the bare id, without its signature
    assert b"Not logged in." in site.get("/account/", headers=unsigned).body


def test_wrong_password_is_refused(site):
    cookie = {"Cookie": f"pysid={_cookies(site.get('/account/'))['pysid']}"}
    body, headers = _form({"user": "ada", "password": "guess"})
    assert site.post("/account/login", body, headers={**headers, **cookie}).status == 403
    assert b"Not logged in." in site.get("/account/", headers=cookie).body


def test_remembered_user_is_welcomed_back(site):
    remembered = _cookies(_log_in(site, "grace", "hopper"))["last_user"]
    response = site.get("/account/", headers={"Cookie": f"last_user={remembered}"})
    assert b"Welcome back, grace." in response.body


def test_forged_remembered_user_is_ignored(site):
    remembered = _cookies(_log_in(site, "grace", "hopper"))["last_user"]
    forged = remembered[:32] + "ada"
    response = site.get("/account/", headers={"Cookie": f"last_user={forged}"})
    assert b"Welcome back" not in response.body


def test_ssi_page_expands_every_directive(site):
    body = site.get("/ssi/page.shtml").body
    assert b"<title>Server-side includes</title>" in body
    assert b"<p>This page is /ssi/page.shtml.</p>" in body
    assert b"<p>Hello from /ssi/page.shtml</p>" in body
    assert b"<pre>Hello from mod_python\n</pre>" in body
    assert b"<p>no query string</p>" in body
    assert b"<!--#" not in body


def test_ssi_condition_reads_the_query_string(site):
    body = site.get("/ssi/page.shtml?debug").body
    assert b"<p>debug requested</p>" in body
    assert b"no query string" not in body


def test_output_filter_uppercases_the_static_file(site):
    original = (EXAMPLES_HTDOCS / "shout" / "news.txt").read_bytes()
    assert site.get("/shout/news.txt").body == original.upper() != original


def test_output_filter_is_only_on_its_directory(site):
    assert site.get("/hello.py").body == b"Hello from mod_python\n"


@pytest.mark.parametrize(
    ("path", "path_info"), [("/wsgiapp/", "/"), ("/wsgiapp/a/b", "/a/b"), ("/wsgiapp/a/", "/a/")]
)
def test_wsgi_application_is_mounted_at_its_base_uri(site, path, path_info):
    response = site.get(path)
    assert f"SCRIPT_NAME=/wsgiapp\nPATH_INFO={path_info}\n".encode() in response.body


@pytest.mark.parametrize("directory", ["/wsgiapp", "/shop", "/account"])
def test_directory_without_slash_is_redirected_to_it(site, directory):
    # mod_dir's DirectorySlash, before any handler of the directory runs.
    response = site.get(directory)
    assert response.status == 301
    assert response.header("Location") == f"http://localhost{directory}/"


def test_wsgi_script_alias_runs_the_script_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    response = ExampleSite().get("/wsgi-script")
    assert response.status == 200
    assert b"SCRIPT_NAME=/wsgi-script\nPATH_INFO=\n" in response.body


# ---- over sockets: a POST ------------------------------------------------------------------


def test_upload_is_echoed_over_sockets(example_server):
    body, headers = _multipart("data.txt", b"over the wire\n", "sent")
    connection = http.client.HTTPConnection("127.0.0.1", example_server.port, timeout=15)
    try:
        connection.request("POST", "/upload/upload.py", body=body, headers=headers)
        response = connection.getresponse()
        reply = response.read()
    finally:
        connection.close()
    assert response.status == 200
    assert b"Received data.txt (text/plain, 14 bytes): sent" in reply
