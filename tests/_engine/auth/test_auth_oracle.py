"""The auth module's decisions against the real Apache 2.4 (the oracle), status by status.

One Apache serves a directory per Require setup, protected by AuthType Basic with an
htpasswd file in every hash format and an htgroup file. For each request the same setup is
run through this package the way the request cycle will: the first authorization pass,
then Basic authentication, then the second pass. Skipped when Apache is not installed.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mod_python._engine.auth import (
    AuthFileCache,
    Decision,
    MethodLimit,
    RequestFacts,
    RequireContainer,
    authenticate_basic,
    authorize_after_authentication,
    authorize_before_authentication,
    parse_require,
)

pytestmark = pytest.mark.oracle

SERVE_SH = Path(
    os.environ.get("ORACLE_SERVE_SH", Path(__file__).parents[4] / "shared" / "oracle" / "serve.sh")
)
MISSING = [p for p in (Path("/usr/sbin/apache2"), SERVE_SH) if not p.exists()]

# Hashes made by `htpasswd` (bcrypt, apr1, SHA, DES, plain, SHA-512) and the bcrypt package.
HTPASSWD = """\
alice:$2y$04$pNVkvEL03R1CfbQeQYM7ruQa3iYlmA0tLseNEhTcXel1KfxTYCdBG
bob:$apr1$GqoGwe3d$Y2od3ybaFta/TrG0uIoLF.
carol:{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=
dave:W3QrM5jt0LzNQ
erin:open sesame
frank:$6$asOS8D7vW7vG6BkE$br53vQQVQJZNgyDObUclH4gLnWfwOvCHeY0DZqD1iTTbm2YDoX4WheKu7LAb0lvsSFUEnOjuUe0BtP6vSpMD20
gina:$2b$04$.CvnCIeMsdDzbbnxKcLS6.4la09s475KI2rr1tEOG8JkT8JmCJzvS
"""
HTGROUP = "admins: alice bob\nstaff: carol\n"

# name -> the section's Require lines; a tuple is a container (kind, children) or a
# <Limit> ("limit", methods, children).
SETUPS = {
    "valid": ["valid-user"],
    "user": ["user alice"],
    "group": ["group staff"],
    "ip_or_user": ["ip 127.0.0.1", "user alice"],
    "otherip_or_user": ["ip 10.9", "user alice"],
    "ip_only": ["ip 10.1 ::2"],
    "all": [("all", ["ip 127.0.0.1", "user alice"])],
    "not": [("all", ["valid-user", "not user bob"])],
    "none": [("all", ["all granted", ("none", ["user bob"])])],
    "denied_or_user": ["user alice", "all denied"],
    "method": ["method POST"],
    "post_only": [("limit", ["POST"], ["valid-user"])],
    "nogroupfile": ["group staff"],
}
CREDENTIALS = [
    None,
    "alice:open sesame",
    "bob:open sesame",
    "bob:wrong",
    "carol:open sesame",
    "dave:open sesXXX",  # DES: the first 8 characters count
    "erin:open sesame",  # plain text: refused on Unix
    "frank:open sesame",
    "gina:ginapw",
    "zoe:x",
    "alice",  # no colon
]


def _conf_lines(items, indent="  "):
    for item in items:
        if isinstance(item, str):
            yield f"{indent}Require {item}"
        elif item[0] == "limit":
            yield f"{indent}<Limit {' '.join(item[1])}>"
            yield from _conf_lines(item[2], indent + "  ")
            yield f"{indent}</Limit>"
        else:
            name = {"all": "RequireAll", "any": "RequireAny", "none": "RequireNone"}[item[0]]
            yield f"{indent}<{name}>"
            yield from _conf_lines(item[1], indent + "  ")
            yield f"{indent}</{name}>"


def _section(items, limit=None):
    nodes = []
    for item in items:
        if isinstance(item, str):
            nodes.append(parse_require(item.split(), limit=limit))
        elif item[0] == "limit":
            nodes.extend(_section(item[2], MethodLimit(frozenset(item[1]))))
        else:
            nodes.append(RequireContainer(item[0], tuple(_section(item[1], limit))))
    return nodes


@pytest.fixture(scope="module")
def oracle():
    if MISSING:
        pytest.skip(f"oracle not installed: {MISSING}")
    root = Path(tempfile.mkdtemp(prefix="auth-oracle-"))
    root.chmod(0o755)
    (root / "htpasswd").write_text(HTPASSWD)
    (root / "htgroup").write_text(HTGROUP)
    conf = [
        "LoadModule authz_groupfile_module /usr/lib/apache2/modules/mod_authz_groupfile.so",
        f'<Directory "{root}">',
        "  AuthType Basic",
        '  AuthName "oracle"',
        f"  AuthUserFile {root}/htpasswd",
        f"  AuthGroupFile {root}/htgroup",
        "</Directory>",
    ]
    for name, items in SETUPS.items():
        (root / name).mkdir()
        (root / name / "index.html").write_text("ok\n")
        conf.append(f'<Directory "{root}/{name}">')
        if name == "nogroupfile":
            conf.append(f"  AuthGroupFile {root}/missing-htgroup")
        conf.extend(_conf_lines(items))
        conf.append("</Directory>")
    (root / "site.conf").write_text("\n".join(conf) + "\n")
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    name = f"auth{os.getpid()}"
    started = subprocess.run(
        [str(SERVE_SH), "start", "--name", name, "--docroot", str(root),
         "--conf", str(root / "site.conf"), "--module", "none"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"oracle did not start: {started.stderr}")
    port = int(started.stdout.split()[-1])
    yield root, port
    subprocess.run([str(SERVE_SH), "stop", "--name", name], capture_output=True, check=False)
    shutil.rmtree(root, ignore_errors=True)


def _authorization(credentials):
    if credentials is None:
        return None
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def apache_status(port, path, method, authorization):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def our_status(root, name, method, authorization):
    """The request cycle as the lead will wire it, in a dozen lines."""
    cache = AuthFileCache()
    group_file = f"{root}/missing-htgroup" if name == "nogroupfile" else f"{root}/htgroup"
    section = _section(SETUPS[name])
    facts = RequestFacts(
        remote_ip="127.0.0.1",
        method=method,
        groups_of=lambda user: cache.group_file(group_file).groups_of(user),
        uri=f"/{name}/",
        filename=f"{root}/{name}/",
    )
    first = authorize_before_authentication(section, facts)
    if first.decision is not Decision.AUTHENTICATE:
        return first.status or 200
    login = authenticate_basic(authorization, f"{root}/htpasswd", uri=facts.uri, cache=cache)
    if login.http_status:
        return login.http_status
    facts.user = login.user
    second = authorize_after_authentication(section, facts, auth_type="Basic")
    return second.status or 200


@pytest.mark.parametrize("name", list(SETUPS))
def test_auth_decisions_match_apache(oracle, name):
    root, port = oracle
    methods = ["GET", "POST"] if name in ("method", "post_only") else ["GET"]
    differences = []
    for method in methods:
        for credentials in CREDENTIALS:
            authorization = _authorization(credentials)
            theirs = apache_status(port, f"/{name}/", method, authorization)
            ours = our_status(root, name, method, authorization)
            if theirs != ours:
                differences.append((method, credentials, theirs, ours))
    assert differences == []
