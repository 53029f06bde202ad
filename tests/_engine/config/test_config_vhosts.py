"""Virtual host selection: by name (ServerName, ServerAlias wildcards, first vhost as the
default), by port when the server listens on several, and what a vhost inherits."""

from __future__ import annotations

import pytest

SITES = {
    "main/page.txt": "main server\n",
    "alpha/page.txt": "alpha site\n",
    "beta/page.txt": "beta site\n",
    "admin/page.txt": "admin port\n",
}

NAME_BASED = """\
Listen 80
DocumentRoot "{root}/main"
<VirtualHost *:80>
    ServerName alpha.test
    ServerAlias www.alpha.test alpha-*.internal
    DocumentRoot "{root}/alpha"
</VirtualHost>
<VirtualHost *:80>
    ServerName beta.test
    ServerAlias *.beta.test
    DocumentRoot "{root}/beta"
</VirtualHost>
"""


@pytest.fixture
def name_based(engine_from_text, write_tree):
    write_tree(SITES)
    return engine_from_text(NAME_BASED)


@pytest.mark.parametrize(
    "host, body",
    [
        ("alpha.test", "alpha site\n"),
        ("beta.test", "beta site\n"),
        ("BETA.Test", "beta site\n"),
        ("beta.test:80", "beta site\n"),
        ("www.alpha.test", "alpha site\n"),
        ("alpha-3.internal", "alpha site\n"),
        ("shop.beta.test", "beta site\n"),
        ("deep.shop.beta.test", "beta site\n"),
        ("unknown.test", "alpha site\n"),  # the first vhost of the address is the default
        ("127.0.0.1", "alpha site\n"),
    ],
)
def test_name_based_vhost_by_host_header(name_based, host, body):
    reply = name_based.get("/page.txt", host=host)
    assert (reply.status, reply.text) == (200, body)


def test_request_without_host_header_goes_to_the_default_vhost(name_based):
    reply = name_based.request("GET", "/page.txt", host="")
    assert reply.text == "alpha site\n"


def test_port_based_selection_with_several_listen_ports(engine_from_text, write_tree):
    write_tree(SITES)
    client = engine_from_text("""\
        Listen 80
        Listen 8080
        DocumentRoot "{root}/main"
        <VirtualHost *:80>
            ServerName alpha.test
            DocumentRoot "{root}/alpha"
        </VirtualHost>
        <VirtualHost *:8080>
            ServerName alpha.test
            DocumentRoot "{root}/admin"
        </VirtualHost>
    """)
    assert client.get("/page.txt", host="alpha.test", port=80).text == "alpha site\n"
    assert client.get("/page.txt", host="alpha.test", port=8080).text == "admin port\n"


def test_name_and_port_together(engine_from_text, write_tree):
    write_tree(SITES)
    client = engine_from_text("""\
        Listen 80
        Listen 8080
        DocumentRoot "{root}/main"
        <VirtualHost *:80>
            ServerName alpha.test
            DocumentRoot "{root}/alpha"
        </VirtualHost>
        <VirtualHost *:80>
            ServerName beta.test
            DocumentRoot "{root}/beta"
        </VirtualHost>
        <VirtualHost *:8080>
            ServerName beta.test
            DocumentRoot "{root}/admin"
        </VirtualHost>
    """)
    assert client.get("/page.txt", host="beta.test", port=80).text == "beta site\n"
    assert client.get("/page.txt", host="alpha.test", port=8080).text == "admin port\n"
    assert client.get("/page.txt", host="nobody.test", port=80).text == "alpha site\n"


def test_vhost_inherits_main_server_settings_it_does_not_set(load_text):
    settings = load_text("""\
        DocumentRoot /srv/main
        ServerAdmin admin@main.test
        Timeout 30
        <VirtualHost *:80>
            ServerName v.test
        </VirtualHost>
        <VirtualHost *:80>
            ServerName w.test
            DocumentRoot /srv/w
            Timeout 5
        </VirtualHost>
    """)
    inherit, own = settings.vhosts
    assert (inherit.document_root, inherit.server_admin, inherit.timeout) == (
        "/srv/main", "admin@main.test", 30.0,
    )  # fmt: skip
    assert (own.document_root, own.server_admin, own.timeout) == ("/srv/w", "admin@main.test", 5.0)


def test_vhost_records_where_it_was_defined(load_text, tmp_path):
    settings = load_text(
        "ServerName m\n\n<VirtualHost *:80 [::1]:80>\nServerName v\n</VirtualHost>\n"
    )
    (vhost,) = settings.vhosts
    assert (vhost.defn_name, vhost.defn_line_number) == (str(tmp_path / "httpd.conf"), 3)
    assert vhost.addresses == ["*:80", "[::1]:80"]
    assert vhost.is_virtual == 1


def test_handler_sees_its_vhost_as_req_server(engine_from_text, write_tree):
    write_tree({"alpha/who.py": """\
        from mod_python import apache

        def handler(req):
            req.write("%s %s" % (req.server.server_hostname, req.server.is_virtual))
            return apache.OK
    """})  # fmt: skip
    client = engine_from_text("""\
        <VirtualHost *:80>
            ServerName vh-who.test
            DocumentRoot "{root}/alpha"
            <Directory "{root}/alpha">
                SetHandler mod_python
                PythonHandler who
            </Directory>
        </VirtualHost>
    """)
    assert client.get("/who.py", host="vh-who.test").text == "vh-who.test 1"
