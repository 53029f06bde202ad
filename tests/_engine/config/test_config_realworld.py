"""Whole configurations written the way sites deploy them, served end to end from the
file as ``mod_python serve`` would: a Debian-style split config, vhosts with aliases and
stacked handlers, .htaccess overrides and Basic auth over htpasswd/group files."""

from __future__ import annotations

MODULES = "/usr/lib/apache2/modules"

APP_HANDLERS = """\
from mod_python import apache

def fixuphandler(req):
    req.notes["stage"] = "fixed"
    return apache.OK

def prelude(req):
    req.content_type = "text/plain"
    req.write("prelude;")
    return apache.OK

def handler(req):
    req.write("%s %s uri=%s stage=%s opt=%s" % (
        req.phase, req.server.server_hostname, req.uri, req.notes.get("stage"),
        req.get_options().get("app.mode", "-")))
    return apache.OK
"""


def test_debian_style_split_configuration(write_tree, serve_config, tmp_path, monkeypatch):
    write_tree({
        "etc/apache2/apache2.conf": """\
            # Debian's layout: everything else is pulled in by Include.
            DefaultRuntimeDir ${APACHE_RUN_DIR}
            PidFile ${APACHE_PID_FILE}
            Timeout 300
            KeepAlive On
            User ${APACHE_RUN_USER}
            Group ${APACHE_RUN_GROUP}
            HostnameLookups Off
            ErrorLog ${APACHE_LOG_DIR}/error.log
            LogLevel warn
            IncludeOptional mods-enabled/*.load
            IncludeOptional mods-enabled/*.conf
            Include ports.conf
            <Directory />
                Options FollowSymLinks
                AllowOverride None
                Require all denied
            </Directory>
            <Directory {root}/var/www/>
                Options Indexes FollowSymLinks
                AllowOverride None
                Require all granted
            </Directory>
            AccessFileName .htaccess
            <FilesMatch "^\\.ht">
                Require all denied
            </FilesMatch>
            LogFormat "%h %l %u %t \\"%r\\" %>s %O" common
            IncludeOptional conf-enabled/*.conf
            IncludeOptional sites-enabled/*.conf
        """,
        "etc/apache2/envvars.conf": "",
        "etc/apache2/ports.conf": "Listen 80\n<IfModule ssl_module>\n    Listen 443\n</IfModule>\n",
        "etc/apache2/mods-enabled/python.load": f"LoadModule python_module {MODULES}/mod_python.so\n",
        "etc/apache2/mods-enabled/alias.load": f"LoadModule alias_module {MODULES}/mod_alias.so\n",
        "etc/apache2/mods-enabled/dir.load": f"LoadModule dir_module {MODULES}/mod_dir.so\n",
        "etc/apache2/mods-enabled/mime.load": f"LoadModule mime_module {MODULES}/mod_mime.so\n",
        "etc/apache2/mods-enabled/headers.load":
            f"LoadModule headers_module {MODULES}/mod_headers.so\n",
        "etc/apache2/mods-enabled/authz_core.load":
            f"LoadModule authz_core_module {MODULES}/mod_authz_core.so\n",
        "etc/apache2/mods-enabled/dir.conf":
            "<IfModule mod_dir.c>\n    DirectoryIndex index.html index.htm\n</IfModule>\n",
        "etc/apache2/mods-enabled/mime.conf":
            "<IfModule mod_mime.c>\n    AddType application/x-rw1 .rw1\n</IfModule>\n",
        "etc/apache2/conf-enabled/security.conf": """\
            ServerTokens Prod
            ServerSignature Off
            TraceEnable Off
            <IfModule mod_headers.c>
                Header set X-Content-Type-Options: "nosniff"
            </IfModule>
            <IfModule mod_rewrite.c>
                RewriteEngine On
            </IfModule>
        """,
        "etc/apache2/sites-enabled/000-default.conf": """\
            <VirtualHost *:80>
                ServerAdmin webmaster@localhost
                DocumentRoot {root}/var/www/html
                ErrorLog ${APACHE_LOG_DIR}/error.log
            </VirtualHost>
        """,
        "etc/apache2/sites-enabled/shop.conf": """\
            <VirtualHost *:80>
                ServerName shop-rw1.test
                ServerAlias www.shop-rw1.test
                DocumentRoot {root}/srv/shop/htdocs
                Alias /media/ {root}/srv/shop/media/
                <Directory {root}/srv/shop/>
                    Require all granted
                </Directory>
                <Location /app>
                    SetHandler mod_python
                    PythonHandler rw1_app
                    PythonPath "sys.path + ['{root}/srv/shop/lib']"
                    PythonOption app.mode production
                </Location>
            </VirtualHost>
        """,
        "var/www/html/index.html": "<h1>It works</h1>\n",
        "var/www/html/.htpasswd": "nobody:x\n",
        "var/www/html/file.rw1": "custom type\n",
        "srv/shop/htdocs/index.html": "<h1>shop</h1>\n",
        "srv/shop/media/logo.txt": "logo\n",
        "srv/shop/lib/rw1_app.py": APP_HANDLERS,
        "outside/secret.txt": "never\n",
    })  # fmt: skip
    for name, value in (("APACHE_RUN_DIR", str(tmp_path / "run")), ("APACHE_RUN_USER", "www-data"),
                        ("APACHE_RUN_GROUP", "www-data"), ("APACHE_LOG_DIR", str(tmp_path)),
                        ("APACHE_PID_FILE", str(tmp_path / "apache2.pid"))):  # fmt: skip
        monkeypatch.setenv(name, value)
    client = serve_config("etc/apache2/apache2.conf")
    settings = client.engine.settings
    assert "python" in settings.loaded_modules and settings.listen == ["80"]

    home = client.get("/", host="default.test")
    assert (home.status, home.text) == (200, "<h1>It works</h1>\n")
    # Debian's security.conf writes the name with a colon; httpd drops it (seen on 2.4.68).
    assert home.header("X-Content-Type-Options") == "nosniff"
    assert client.get("/.htpasswd", host="default.test").status == 403
    assert client.get("/file.rw1").header("Content-Type") == "application/x-rw1"

    shop = client.get("/", host="www.shop-rw1.test")
    assert shop.text == "<h1>shop</h1>\n"
    assert client.get("/media/logo.txt", host="shop-rw1.test").text == "logo\n"
    app = client.get("/app/cart", host="shop-rw1.test")
    assert app.status == 200
    assert app.text == "PythonHandler shop-rw1.test uri=/app/cart stage=None opt=production"
    # mod_rewrite is not loaded, so its <IfModule> was skipped: nothing to warn about.
    assert not [w for w in settings.warnings if w.directive.startswith("Rewrite")]


def test_vhosts_with_aliases_and_stacked_handlers_in_nested_sections(write_tree, serve_config):
    write_tree({
        "conf/httpd.conf": """\
            ServerRoot "{root}"
            ServerName main-rw2.test
            Listen 8080
            DocumentRoot htdocs
            PythonOption app.mode main

            <VirtualHost *:8080>
                ServerName api-rw2.test
                ServerAlias *.api-rw2.test
                DocumentRoot "{root}/api"
                Alias /static "{root}/api/public"
                PythonOption app.mode api

                <Directory "{root}/api/code">
                    PythonFixupHandler rw2_app
                </Directory>
                <Location /v1>
                    SetHandler mod_python
                    PythonHandler rw2_app::prelude rw2_app
                    PythonPath "sys.path + ['{root}/api/code']"
                </Location>
                <Location /v1/admin>
                    PythonHandler rw2_app
                    PythonOption app.mode admin
                    Header set X-Admin yes
                </Location>
            </VirtualHost>

            <VirtualHost *:8080>
                ServerName www-rw2.test
                DocumentRoot "{root}/www"
                <Directory "{root}/www/py">
                    SetHandler mod_python
                    PythonFixupHandler rw2_app
                    PythonHandler rw2_app
                    PythonOption app.mode www
                </Directory>
            </VirtualHost>
        """,
        "api/code/rw2_app.py": APP_HANDLERS,
        "api/public/app.js": "var x;\n",
        "www/py/rw2_app.py": APP_HANDLERS,
        "www/index.html": "www home\n",
    })  # fmt: skip
    client = serve_config("conf/httpd.conf")
    v1 = client.get("/v1/items", host="eu.api-rw2.test", port=8080)
    assert v1.text == "prelude;PythonHandler api-rw2.test uri=/v1/items stage=None opt=api"
    admin = client.get("/v1/admin/users", host="api-rw2.test", port=8080)
    assert admin.text == "PythonHandler api-rw2.test uri=/v1/admin/users stage=None opt=admin"
    assert admin.header("X-Admin") == "yes"
    assert client.get("/static/app.js", host="api-rw2.test", port=8080).text == "var x;\n"
    www = client.get("/py/page", host="www-rw2.test", port=8080)
    assert www.text == "PythonHandler www-rw2.test uri=/py/page stage=fixed opt=www"
    # The first vhost is the default; its root has no index and Options lacks Indexes.
    assert client.get("/", host="unknown.test", port=8080).status == 403


def test_htaccess_overrides_in_a_shared_hosting_layout(write_tree, serve_config):
    write_tree({
        "httpd.conf": """\
            ServerName host-rw3.test
            DocumentRoot "{root}/public_html"
            <Directory "{root}/public_html">
                Options -Indexes
                AllowOverride AuthConfig FileInfo Indexes Options=Indexes
                Require all granted
            </Directory>
        """,
        "public_html/.htaccess": """\
            ErrorDocument 404 /missing.html
            DirectoryIndex start.html
            AddDefaultCharset utf-8
        """,
        "public_html/start.html": "start\n",
        "public_html/missing.html": "custom missing\n",
        "public_html/gallery/a.jpg": b"\xff\xd8",
        "public_html/gallery/.htaccess": "Options +Indexes\n",
        "public_html/tool/.htaccess": """\
            SetHandler mod_python
            PythonHandler rw3_tool
            PythonOption app.mode tool
            PythonDebug On
        """,
        "public_html/tool/rw3_tool.py": APP_HANDLERS,
        "public_html/locked/.htaccess": "Options +ExecCGI\n",
        "public_html/locked/x.txt": "x\n",
    })  # fmt: skip
    client = serve_config("httpd.conf")
    home = client.get("/")
    assert (home.text, home.header("Content-Type")) == ("start\n", "text/html; charset=utf-8")
    missing = client.get("/nope")
    assert (missing.status, missing.text) == (404, "custom missing\n")
    assert "a.jpg" in client.get("/gallery/").text
    tool = client.get("/tool/run")
    assert tool.text == "PythonHandler host-rw3.test uri=/tool/run stage=None opt=tool"
    # AllowOverride Options=Indexes: only Indexes may be set; httpd 2.4.68 answers 500.
    assert client.get("/locked/x.txt").status == 500


def test_intranet_with_basic_auth_groups_and_public_area(write_tree, serve_config, htpasswd):
    write_tree({
        "conf/httpd.conf": """\
            ServerRoot "{root}"
            ServerName intranet-rw4.test
            DocumentRoot "{root}/site"
            Include conf/auth.conf
            <Directory "{root}/site">
                AllowOverride None
                Require all granted
            </Directory>
            <Location /reports>
                AuthType Basic
                AuthName "Intranet"
                AuthBasicProvider file
                AuthUserFile conf/htpasswd
                AuthGroupFile conf/htgroup
                Require group ${REPORT_GROUP}
            </Location>
            <Location /reports/public>
                Require all granted
            </Location>
            <Location /hr>
                AuthType Basic
                AuthName "HR"
                AuthUserFile conf/htpasswd
                AuthGroupFile conf/htgroup
                <RequireAll>
                    Require group hr
                    Require ip 10.0.0.0/8
                </RequireAll>
            </Location>
        """,
        "conf/auth.conf": "Define REPORT_GROUP managers\n",
        "conf/htpasswd": htpasswd("mia", "m1") + htpasswd("tom", "t0") + htpasswd("hank", "h4"),
        "conf/htgroup": "managers: mia\nhr: hank\n",
        "site/reports/q1.txt": "q1 numbers\n",
        "site/reports/public/notice.txt": "notice\n",
        "site/hr/salaries.txt": "salaries\n",
    })  # fmt: skip
    client = serve_config("conf/httpd.conf")
    challenge = client.get("/reports/q1.txt")
    assert (challenge.status, challenge.header("WWW-Authenticate")) == (
        401,
        'Basic realm="Intranet"',
    )
    assert client.get("/reports/q1.txt", user=("mia", "m1")).text == "q1 numbers\n"
    assert client.get("/reports/q1.txt", user=("tom", "t0")).status == 401
    assert client.get("/reports/public/notice.txt").text == "notice\n"
    assert client.get("/hr/salaries.txt", user=("hank", "h4"), remote="10.2.3.4").status == 200
    assert client.get("/hr/salaries.txt", user=("hank", "h4"), remote="192.168.1.2").status == 403
    assert client.get("/hr/salaries.txt", user=("mia", "m1"), remote="10.2.3.4").status == 401
