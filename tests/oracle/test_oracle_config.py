"""The configuration engine against the real Apache 2.4 + mod_python 3.5, request by request.

One Apache (started through ../shared/oracle/serve.sh) serves ``config_site/site.conf``; our
engine reads the very httpd.conf serve.sh wrote for it, less its process plumbing (pid file,
Listen, mutexes, run user), so both serve the same text. Each case sends one request to both
and compares status line, headers, framing and body with the oracle conftest's rules; the
expected status is also checked on the oracle's answer, so a case proves what it claims.

Covered: name-based virtual hosts, section merge order, DirectoryIndex and mod_autoindex,
Alias/AliasMatch, Redirect/RedirectMatch, ErrorDocument, Basic auth over htpasswd files made
by the real ``htpasswd`` (bcrypt, apr1, SHA) with groups, ip and containers, PythonOption
inheritance, .htaccess overrides, Header/RequestHeader, SetEnv, AddType/ForceType and
AddDefaultCharset. Skipped as a whole when Apache or mod_python.so is not installed.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from .conftest import MISSING, SERVE_SH, RawResponse, comparable, read_response

pytestmark = pytest.mark.oracle

SITE = Path(__file__).parent / "config_site"
INSTANCE = "config"

# Lines of serve.sh's httpd.conf that run the Apache process, not the site: our engine is
# served by cheroot on its own port and logs to a stream.
PLUMBING = ("DefaultRuntimeDir", "PidFile", "Mutex", "Listen", "ErrorLog", "User", "Group")


def _basic(credentials: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


class ConfigServers:
    """Our engine and the oracle on the same configuration; requests with any Host."""

    def __init__(self, our_port: int, oracle_port: int, our_log: io.StringIO, oracle_log: Path):
        self.our_port = our_port
        self.oracle_port = oracle_port
        self._our_log = our_log
        self._oracle_log = oracle_log

    @staticmethod
    def send(port: int, method: str, path: str, headers: dict, body: bytes) -> RawResponse:
        """One request on a fresh connection; ``{port}`` in a header value is the server's."""
        headers = {"Host": "127.0.0.1:{port}", **headers}
        lines = [f"{method} {path} HTTP/1.1"]
        lines += [
            f"{name}: {value.replace('{port}', str(port))}" for name, value in headers.items()
        ]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            sock.sendall(raw)
            return read_response(sock, method, port)

    @staticmethod
    def normalised(response: RawResponse) -> dict:
        """``comparable`` with the port also hidden after host names other than 127.0.0.1."""
        parts = comparable(response)
        port = f":{response.port}"
        parts["headers"] = [
            (name, value.replace(port, ":PORT")) for name, value in parts["headers"]
        ]
        parts["body"] = parts["body"].replace(port.encode(), b":PORT")
        return parts

    def assert_same(self, method: str, path: str, headers: dict | None = None,
                    body: bytes = b"", *, oracle_status: int) -> RawResponse:  # fmt: skip
        """Send to both; the oracle must answer ``oracle_status`` and ours the same."""
        our_mark = len(self._our_log.getvalue())
        oracle_mark = self._oracle_log.stat().st_size if self._oracle_log.exists() else 0
        ours = self.send(self.our_port, method, path, headers or {}, body)
        oracle = self.send(self.oracle_port, method, path, headers or {}, body)
        logs = (
            "our error log:\n" + self._our_log.getvalue()[our_mark:][-2000:]
            + "\noracle error log:\n" + _tail(self._oracle_log, oracle_mark)
        )  # fmt: skip
        assert oracle.status == oracle_status, "the case does not test what it says\n" + logs
        assert self.normalised(ours) == self.normalised(oracle), logs
        return ours


def _tail(path: Path, mark: int) -> str:
    try:
        with open(path, "rb") as log:
            log.seek(mark)
            return log.read().decode(errors="replace")[-2000:]
    except OSError:
        return ""


def _our_config_text(httpd_conf: str) -> str:
    """serve.sh's httpd.conf less the process plumbing, with OUR_ENGINE defined."""
    kept = [
        line
        for line in httpd_conf.splitlines()
        if not line.strip() or line.split()[0] not in PLUMBING
    ]
    return "Define OUR_ENGINE\n" + "\n".join(kept) + "\n"


def _copy_site(base: Path) -> Path:
    """The site under /tmp, placeholders filled, readable by Apache's www-data children."""
    shutil.copytree(SITE, base, ignore=shutil.ignore_patterns("__pycache__"))
    docroot = base / "htdocs"
    for path in [base / "site.conf", *base.rglob(".htaccess")]:
        text = path.read_text().replace("{docroot}", str(docroot)).replace("{base}", str(base))
        path.write_text(text)
    return docroot


@pytest.fixture(scope="module")
def config_servers():
    if MISSING:
        pytest.skip(f"the oracle (real Apache + mod_python) is not installed: {', '.join(MISSING)}")
    from cheroot import wsgi

    from mod_python._engine.app import Engine

    root = Path(tempfile.mkdtemp(dir="/tmp", prefix="mp-config-oracle-"))
    base = root / "site"
    docroot = _copy_site(base)
    run_dir = root / "run"
    run_dir.mkdir()
    subprocess.run(["chmod", "-R", "a+rX", str(root)], check=True)
    env = {**os.environ, "ORACLE_RUN_DIR": str(run_dir)}
    started = subprocess.run(
        [str(SERVE_SH), "start", "--name", INSTANCE, "--docroot", str(docroot),
         "--conf", str(base / "site.conf")],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"oracle did not start:\n{started.stderr}")
    oracle_port = int(started.stdout.strip().splitlines()[-1])
    instance = run_dir / INSTANCE
    server = thread = None
    try:
        our_log = io.StringIO()
        conf_path = instance / "conf" / "httpd.conf"
        engine = Engine.from_config_text(
            _our_config_text(conf_path.read_text()),
            file=str(conf_path),
            error_stream=our_log,
            set_argv=False,
        )
        server = wsgi.Server(("127.0.0.1", 0), engine, numthreads=4)
        server.prepare()
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        yield ConfigServers(
            server.bind_addr[1], oracle_port, our_log, instance / "logs" / "error_log"
        )
    finally:
        if server is not None:
            server.stop()
            thread.join(timeout=5)
        subprocess.run([str(SERVE_SH), "stop", "--name", INSTANCE], env=env,
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


BCRYPT = _basic("bcryptuser:bcrypt-secret")
MD5 = _basic("md5user:md5-secret")
SHA = _basic("shauser:sha-secret")
MD5_WRONG = _basic("md5user:not-the-secret")

# (id, method, path, request headers, expected status on the oracle)
CASES = [
    # ---- name-based virtual hosts
    ("vhost-by-servername", "GET", "/", {"Host": "alpha.test:{port}"}, 200),
    ("vhost-by-alias", "GET", "/where", {"Host": "www.alpha.test:{port}"}, 200),
    ("vhost-by-wildcard-alias", "GET", "/", {"Host": "deep.sub.wild-alpha.test:{port}"}, 200),
    ("vhost-by-question-mark-alias", "GET", "/where", {"Host": "beta7.test:{port}"}, 200),
    ("vhost-name-is-case-insensitive", "GET", "/", {"Host": "BETA.Test:{port}"}, 200),
    ("vhost-unknown-host-gets-first-vhost", "GET", "/where", {"Host": "nobody.test:{port}"}, 200),
    ("vhost-default-by-ip", "GET", "/where", {}, 200),
    ("vhost-own-options-over-main", "GET", "/beta-options", {"Host": "beta.test:{port}"}, 200),
    ("vhost-own-errordocument", "GET", "/nothing", {"Host": "beta.test:{port}"}, 404),
    ("vhost-host-without-port", "GET", "/nothing", {"Host": "alpha.test"}, 404),
    # ---- section merge order
    ("merge-deepest-directory", "GET", "/merge/a/b/page.txt", {}, 200),
    ("merge-files-in-directory", "GET", "/merge/a/page.txt", {}, 200),
    ("merge-no-files-match", "GET", "/merge/other.html", {}, 200),
    ("merge-location-access-after-directory", "GET", "/merge/locked/file.txt", {}, 403),
    # ---- DirectoryIndex, mod_dir, mod_autoindex
    ("index-first-existing-name", "GET", "/indexes/multi/", {}, 200),
    ("index-later-name", "GET", "/indexes/second/", {}, 200),
    ("index-py-with-sethandler", "GET", "/indexes/pyindex/", {}, 200),
    ("index-missing-forbidden", "GET", "/indexes/noindex/", {}, 403),
    ("index-listing-with-indexes", "GET", "/indexes/listing/", {}, 200),
    ("index-no-trailing-slash", "GET", "/indexes/multi?x=1", {}, 301),
    # ---- Alias / AliasMatch
    ("alias-with-directory", "GET", "/outside/pic.txt", {}, 200),
    ("aliasmatch-capture", "GET", "/am/other.text", {}, 200),
    ("alias-target-denied-by-root", "GET", "/denied/secret.txt", {}, 403),
    ("alias-trailing-slash-must-match", "GET", "/outside", {}, 404),
    ("aliasmatch-no-match", "GET", "/am/other.txt", {}, 404),
    # ---- Redirect / RedirectMatch
    ("redirect-302-keeps-suffix-and-query", "GET", "/old/page?a=1&b=2", {}, 302),
    ("redirect-prefix-only-at-segment", "GET", "/oldish", {}, 404),
    ("redirect-301-external", "GET", "/perm", {}, 301),
    ("redirect-in-vhost", "GET", "/alpha-only/x?y=1", {"Host": "alpha.test:{port}"}, 302),
    ("redirect-of-vhost-not-in-default", "GET", "/alpha-only/x", {}, 404),
    ("redirect-410", "GET", "/gone-away/x", {}, 410),
    ("redirect-303", "GET", "/see", {}, 303),
    ("redirectmatch-301", "GET", "/rm/doc.html?q=v", {}, 301),
    ("redirectmatch-410", "GET", "/rm-gone/anything", {}, 410),
    ("redirect-in-location", "GET", "/locredirect/sub", {}, 302),
    # ---- ErrorDocument
    ("errordocument-local-url", "GET", "/errdoc/missing.txt", {}, 404),
    ("errordocument-text", "GET", "/errdoc/secret.txt", {}, 403),
    ("errordocument-external-url", "GET", "/errdoc/gone", {}, 302),
    ("errordocument-python-handler", "GET", "/errdoc/py/missing", {}, 404),
    # ---- auth
    ("auth-no-credentials", "GET", "/auth/valid/who.py", {}, 401),
    ("auth-bcrypt", "GET", "/auth/valid/who.py", BCRYPT, 200),
    ("auth-apr1-md5", "GET", "/auth/valid/who.py", MD5, 200),
    ("auth-sha", "GET", "/auth/valid/who.py", SHA, 200),
    ("auth-wrong-password", "GET", "/auth/valid/who.py", MD5_WRONG, 401),
    ("auth-require-user-other-user", "GET", "/auth/user/who.py", SHA, 401),
    ("auth-require-user", "GET", "/auth/user/who.py", MD5, 200),
    ("auth-require-group-member", "GET", "/auth/group/who.py", BCRYPT, 200),
    ("auth-require-group-outsider", "GET", "/auth/group/who.py", MD5, 401),
    ("auth-require-ip", "GET", "/auth/ip/who.py", {}, 200),
    ("auth-require-other-ip", "GET", "/auth/otherip/who.py", {}, 403),
    ("auth-requireall-member", "GET", "/auth/all/who.py", MD5, 200),
    ("auth-requireall-outsider", "GET", "/auth/all/who.py", SHA, 401),
    ("auth-limit-post-get-open", "GET", "/auth/limit/who.py", {}, 200),
    ("auth-limit-post-needs-user", "POST", "/auth/limit/who.py", {}, 401),
    ("auth-limit-post-with-user", "POST", "/auth/limit/who.py", SHA, 200),
    ("auth-limit-post-wrong-password", "POST", "/auth/limit/who.py", MD5_WRONG, 401),
    # ---- PythonOption inheritance
    ("options-directory-and-location", "GET", "/opts/show.py", {}, 200),
    ("options-removed-in-location", "GET", "/opts/removed/show.py", {}, 200),
    # ---- .htaccess
    ("htaccess-fileinfo-addtype", "GET", "/ht/fileinfo/file.cst", {}, 200),
    ("htaccess-fileinfo-errordocument", "GET", "/ht/fileinfo/missing", {}, 404),
    ("htaccess-python-handler-and-options", "GET", "/ht/fileinfo/show.py", {}, 200),
    ("htaccess-authconfig-needs-user", "GET", "/ht/authconfig/", {}, 401),
    ("htaccess-authconfig-user", "GET", "/ht/authconfig/", _basic("htuser:ht-secret"), 200),
    ("htaccess-forbidden-directive", "GET", "/ht/forbidden/", {}, 500),
    ("htaccess-not-read-with-override-none", "GET", "/ht/ignored/", {}, 200),
    # ---- Header / RequestHeader
    ("header-set-append-add-unset-edit", "GET", "/headers", {}, 200),
    ("header-always-on-error", "GET", "/headers/gone", {}, 410),
    (
        "requestheader-set-append-unset-add",
        "GET",
        "/reqheaders",
        {"X-Req-Set": "client", "X-Req-Append": "client", "X-Req-Unset": "client"},
        200,
    ),
    # ---- SetEnv / SetEnvIf
    ("setenv-in-subprocess-env", "GET", "/env", {}, 200),
    ("setenv-override-and-unset", "GET", "/env/override", {}, 200),
    # ---- AddType / ForceType / AddDefaultCharset
    ("addtype-no-charset-for-other-types", "GET", "/types/file.spc", {}, 200),
    ("adddefaultcharset-text-plain", "GET", "/types/plain.txt", {}, 200),
    ("adddefaultcharset-text-html", "GET", "/types/page.html", {}, 200),
    ("forcetype-with-charset-on", "GET", "/types/forced/page.html", {}, 200),
    ("forcetype-for-a-handler", "GET", "/typed", {}, 200),
]


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_same_answer_as_apache(config_servers, method, path, headers, status):
    body = b"x=1" if method == "POST" else b""
    config_servers.assert_same(method, path, headers, body, oracle_status=status)
