"""Fixtures for the configuration corpus: config trees on disk, whole-config engines and
an in-process client that can pick the Host header and the port a request came in on.

``write_tree({"conf/httpd.conf": "...", ...})`` writes files under ``tmp_path`` (with
``{root}`` replaced by that directory); ``serve_config("conf/httpd.conf")`` builds an
Engine from the file as ``mod_python serve`` would, and ``client(engine).get(...)`` talks
to it.
"""

from __future__ import annotations

import base64
import io
import itertools
import textwrap

import pytest
from wsgi_client import Response, call_engine

from mod_python._engine.app import Engine
from mod_python._engine.auth.passwords import md5_crypt
from mod_python._engine.config.loader import load_config_file, load_config_text

_engine_numbers = itertools.count(1)


# The corpus's replies are the suite's in-process responses.
Reply = Response


class Client:
    """Calls an Engine in-process, as a WSGI server would, with a chosen Host and port."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def request(self, method: str, path: str, *, host: str = "test.local", port: int = 80,
                headers: dict | None = None, body: bytes = b"", remote: str = "127.0.0.1",
                user: tuple[str, str] | None = None) -> Reply:  # fmt: skip
        all_headers = dict(headers or {})
        if user is not None:
            token = base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()
            all_headers["Authorization"] = "Basic " + token
        return call_engine(self.engine, method, path, host=host, port=port,
                           headers=all_headers, body=body, remote=remote)  # fmt: skip

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: bytes = b"x", **kwargs) -> Reply:
        return self.request("POST", path, body=body, **kwargs)


@pytest.fixture
def write_tree(tmp_path):
    """Write ``{relative path: text}`` under tmp_path ({root} -> tmp_path); returns tmp_path."""

    def write(files: dict[str, str | bytes]):
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).replace("{root}", str(tmp_path)))
        return tmp_path

    return write


@pytest.fixture
def load_text(tmp_path):
    """``load_text(conf)``: ServerSettings from config text, {root} -> tmp_path."""

    def load(text: str, defines=None):
        text = textwrap.dedent(text).replace("{root}", str(tmp_path))
        return load_config_text(text, str(tmp_path / "httpd.conf"), defines, str(tmp_path))

    return load


@pytest.fixture
def serve_config(tmp_path):
    """``serve_config("conf/httpd.conf")`` -> (Client, error log stream)."""

    def build(relative: str, defines=None):
        log = io.StringIO()
        settings = load_config_file(str(tmp_path / relative), defines)
        engine = Engine(settings, error_stream=log, set_argv=False)
        client = Client(engine)
        client.log = log
        return client

    return build


@pytest.fixture
def engine_from_text(tmp_path):
    """``engine_from_text(conf)`` -> Client over an Engine of that text (file tmp/httpd.conf).

    Adds a unique ServerName ahead of the text so handler modules of one test never leak
    into another through a shared interpreter name.
    """

    def build(text: str, defines=None):
        text = textwrap.dedent(text).replace("{root}", str(tmp_path))
        header = f"ServerName cfg{next(_engine_numbers)}.test\n"
        log = io.StringIO()
        settings = load_config_text(header + text, str(tmp_path / "httpd.conf"), defines,
                                    str(tmp_path))  # fmt: skip
        client = Client(Engine(settings, error_stream=log, set_argv=False))
        client.log = log
        return client

    return build


def htpasswd_line(user: str, password: str, salt: str = "s4ltS4lt") -> str:
    """An htpasswd entry in Apache's default (apr1-MD5) format."""
    return f"{user}:{md5_crypt(password.encode(), salt.encode()).decode()}\n"


@pytest.fixture
def htpasswd():
    return htpasswd_line


# A handler that shows what the merged configuration gave the request.
SHOW_HANDLER = """
from mod_python import apache

def _dump(req, tag):
    req.content_type = "text/plain"
    options = req.get_options()
    config = req.get_config()
    lines = [
        "tag=" + tag,
        "phase=" + req.phase,
        "interpreter=" + req.interpreter,
        "options=" + ",".join("%s:%s" % (k, options[k]) for k in sorted(options.keys())),
        "debug=" + config.get("PythonDebug", "-"),
        "autoreload=" + config.get("PythonAutoReload", "-"),
        "filename=" + str(req.filename),
        "path_info=" + str(req.path_info),
        "env=" + ",".join("%s:%s" % (k, req.subprocess_env[k])
                          for k in sorted(req.subprocess_env.keys()) if k.startswith("T_")),
        "reqhdr=" + ",".join("%s:%s" % (k, req.headers_in[k])
                             for k in sorted(req.headers_in.keys()) if k.startswith("X-")),
    ]
    req.write("\\n".join(lines) + "\\n")
    return apache.OK

def handler(req):
    return _dump(req, "handler")

def other(req):
    return _dump(req, "other")

def third(req):
    return _dump(req, "third")

def fixup(req):
    req.headers_out["X-Fixup"] = req.get_options().get("fixup", "ran")
    return apache.OK
"""


def shown(reply: Reply) -> dict[str, str]:
    """The key=value lines SHOW_HANDLER wrote."""
    return dict(line.split("=", 1) for line in reply.text.splitlines() if "=" in line)


@pytest.fixture
def show():
    """(handler source, parser of its output)."""
    return SHOW_HANDLER, shown
