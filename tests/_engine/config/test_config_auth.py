"""Auth configured the Apache way: AuthType Basic over htpasswd files, AuthGroupFile,
Require ip/user/group/valid-user and containers, Order/Allow/Deny with Satisfy Any."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

PROTECTED = """\
DocumentRoot "{root}/www"
<Directory "{root}/www/private">
    AuthType Basic
    AuthName "Members Only"
    AuthUserFile "{root}/auth/users"
    AuthGroupFile "{root}/auth/groups"
    %s
</Directory>
"""


@pytest.fixture
def protected(engine_from_text, write_tree, htpasswd):
    def build(rules: str):
        write_tree({
            "www/private/page.txt": "secret\n",
            "www/public.txt": "public\n",
            "auth/users": htpasswd("alice", "wonderland") + htpasswd("bob", "builder", "b0bsalt1"),
            "auth/groups": "admins: alice\nstaff: alice bob\n",
        })  # fmt: skip
        return engine_from_text(PROTECTED % rules)

    return build


def test_basic_auth_challenge_then_access(protected):
    client = protected("Require valid-user")
    challenge = client.get("/private/page.txt")
    assert challenge.status == 401
    assert challenge.header("WWW-Authenticate") == 'Basic realm="Members Only"'
    assert client.get("/private/page.txt", user=("alice", "wrong")).status == 401
    reply = client.get("/private/page.txt", user=("alice", "wonderland"))
    assert (reply.status, reply.text) == (200, "secret\n")
    assert client.get("/public.txt").status == 200


def test_require_user_admits_only_the_named_users(protected):
    client = protected("Require user bob")
    assert client.get("/private/page.txt", user=("bob", "builder")).status == 200
    assert client.get("/private/page.txt", user=("alice", "wonderland")).status == 401


def test_require_group_reads_the_group_file(protected):
    client = protected("Require group admins")
    assert client.get("/private/page.txt", user=("alice", "wonderland")).status == 200
    assert client.get("/private/page.txt", user=("bob", "builder")).status == 401


def test_require_all_container_needs_every_rule(protected):
    client = protected("""<RequireAll>
        Require group staff
        Require not user alice
    </RequireAll>""")
    assert client.get("/private/page.txt", user=("bob", "builder")).status == 200
    assert client.get("/private/page.txt", user=("alice", "wonderland")).status == 401


def test_require_ip_grants_without_credentials(protected):
    client = protected("Require ip 10.1.0.0/16")
    assert client.get("/private/page.txt", remote="10.1.2.3").status == 200
    assert client.get("/private/page.txt", remote="10.2.0.1").status == 403


def test_require_any_of_ip_or_user(protected):
    client = protected("Require ip 10.1.0.0/16\n    Require user bob")
    assert client.get("/private/page.txt", remote="10.1.2.3").status == 200
    assert client.get("/private/page.txt", remote="192.168.1.1").status == 401
    assert (
        client.get("/private/page.txt", remote="192.168.1.1", user=("bob", "builder")).status == 200
    )


def test_require_all_denied_in_a_deeper_section_wins(protected, write_tree):
    write_tree({"www/private/locked/x.txt": "x"})
    client = protected(
        'Require valid-user\n</Directory>\n<Directory "{root}/www/private/locked">\n'
        "    Require all denied"
    )
    assert client.get("/private/locked/x.txt", user=("alice", "wonderland")).status == 403


def test_order_deny_allow_with_allow_from(engine_from_text, write_tree):
    write_tree({"www/page.txt": "p"})
    client = engine_from_text("""\
        DocumentRoot "{root}/www"
        <Directory "{root}/www">
            Order deny,allow
            Deny from all
            Allow from 127.0.0.1 192.168.0.0/24
        </Directory>
    """)
    assert client.get("/page.txt").status == 200
    assert client.get("/page.txt", remote="192.168.0.9").status == 200
    assert client.get("/page.txt", remote="10.0.0.1").status == 403


def test_order_allow_deny_denies_by_default(engine_from_text, write_tree):
    write_tree({"www/page.txt": "p"})
    client = engine_from_text("""\
        DocumentRoot "{root}/www"
        <Directory "{root}/www">
            Order allow,deny
            Allow from 10.0.0.0/8
            Deny from 10.9.0.0/16
        </Directory>
    """)
    assert client.get("/page.txt", remote="10.1.1.1").status == 200
    assert client.get("/page.txt", remote="10.9.1.1").status == 403
    assert client.get("/page.txt", remote="127.0.0.1").status == 403


def test_satisfy_any_lets_hosts_or_users_in(protected):
    client = protected("""Require valid-user
    Order deny,allow
    Deny from all
    Allow from 10.0.0.0/8
    Satisfy Any""")
    assert client.get("/private/page.txt", remote="10.3.3.3").status == 200
    assert client.get("/private/page.txt", remote="192.168.5.5").status == 401
    assert client.get("/private/page.txt", remote="192.168.5.5",
                      user=("bob", "builder")).status == 200  # fmt: skip


def test_satisfy_all_needs_both_hosts_and_users(protected):
    client = protected("""Require valid-user
    Order deny,allow
    Deny from all
    Allow from 10.0.0.0/8
    Satisfy All""")
    assert client.get("/private/page.txt", remote="10.3.3.3").status == 401
    assert client.get("/private/page.txt", remote="10.3.3.3", user=("bob", "builder")).status == 200
    assert client.get("/private/page.txt", remote="192.168.5.5",
                      user=("bob", "builder")).status == 403  # fmt: skip


def test_relative_auth_user_file_is_taken_from_server_root(write_tree, serve_config, htpasswd):
    write_tree({
        "srv/conf/httpd.conf": """\
            ServerRoot "{root}/srv"
            ServerName relauth.test
            DocumentRoot htdocs
            <Location />
                AuthType Basic
                AuthName rel
                AuthUserFile conf/passwords
                Require valid-user
            </Location>
        """,
        "srv/conf/passwords": htpasswd("carol", "pw"),
        "srv/htdocs/index.html": "in\n",
    })  # fmt: skip
    client = serve_config("srv/conf/httpd.conf")
    assert client.get("/", user=("carol", "pw")).text == "in\n"
    assert client.get("/", user=("carol", "nope")).status == 401


@pytest.mark.skipif(not shutil.which("htpasswd"), reason="needs Apache's htpasswd tool")
@pytest.mark.parametrize("flag", ["-B", "-m", "-s"])
def test_files_written_by_the_htpasswd_tool(protected, tmp_path, flag):
    client = protected("Require valid-user")
    users = str(tmp_path / "auth" / "users")
    subprocess.run(["htpasswd", "-b", flag, users, "dora", "explorer"], check=True,
                   capture_output=True, env={**os.environ, "LC_ALL": "C"})  # fmt: skip
    assert client.get("/private/page.txt", user=("dora", "explorer")).status == 200
    assert client.get("/private/page.txt", user=("dora", "explore")).status == 401


def test_python_authen_handler_sets_the_user(engine_from_text, write_tree):
    write_tree({
        "www/area/page.txt": "area\n",
        "www/area/authn.py": """\
            from mod_python import apache

            def authenhandler(req):
                password = req.get_basic_auth_pw()
                if req.user == "py" and password == "thon":
                    return apache.OK
                return apache.HTTP_UNAUTHORIZED
        """,
    })  # fmt: skip
    client = engine_from_text("""\
        DocumentRoot "{root}/www"
        <Directory "{root}/www/area">
            AuthType Basic
            AuthName "py realm"
            PythonAuthenHandler authn
            Require valid-user
        </Directory>
    """)
    assert client.get("/area/page.txt", user=("py", "thon")).text == "area\n"
    denied = client.get("/area/page.txt", user=("py", "no"))
    assert denied.status == 401
    assert denied.header("WWW-Authenticate") == 'Basic realm="py realm"'
