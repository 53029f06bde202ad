"""The examples of mod_wsgi's configuration directives document, as written there (paths
moved under a temporary directory; mod_rewrite's part replaced by SetEnv)."""

from __future__ import annotations

from script_samples import ENVIRON_SCRIPT, environ_of


def test_script_alias_to_a_directory(wsgi_site):
    # WSGIScriptAlias /wsgi-scripts/ /web/wsgi-scripts/
    site = wsgi_site("WSGIScriptAlias /wsgi-scripts/ {scripts}/", scripts={"name": ENVIRON_SCRIPT})
    response = site.get("/wsgi-scripts/name?SCRIPT_FILENAME")
    assert environ_of(response) == {"SCRIPT_FILENAME": repr(str(site.scripts / "name"))}


def test_script_alias_to_a_file_without_extension(wsgi_site):
    # WSGIScriptAlias /name /web/wsgi-scripts/name
    site = wsgi_site("WSGIScriptAlias /name {scripts}/name", scripts={"name": ENVIRON_SCRIPT})
    assert environ_of(site.get("/name?SCRIPT_NAME")) == {"SCRIPT_NAME": "'/name'"}


def test_the_equivalent_alias_location_sethandler_form(wsgi_site):
    site = wsgi_site(
        """
        Alias /wsgi-scripts/ {scripts}/
        <Location /wsgi-scripts>
        SetHandler wsgi-script
        Options +ExecCGI
        </Location>
        """,
        scripts={"name": ENVIRON_SCRIPT},
    )
    response = site.get("/wsgi-scripts/name/more?SCRIPT_NAME&PATH_INFO")
    assert environ_of(response) == {"SCRIPT_NAME": "'/wsgi-scripts/name'", "PATH_INFO": "'/more'"}


def test_script_alias_match_hides_the_extension(wsgi_site):
    # WSGIScriptAliasMatch ^/wsgi-scripts/([^/]+) /web/wsgi-scripts/$1.wsgi
    site = wsgi_site(
        "WSGIScriptAliasMatch ^/wsgi-scripts/([^/]+) {scripts}/$1.wsgi",
        scripts={"name.wsgi": ENVIRON_SCRIPT},
    )
    assert site.get("/wsgi-scripts/name").status == 200


def test_application_group_per_user_directory(wsgi_site):
    # RewriteRule . - [E=APPLICATION_GROUP:~%1] becomes a SetEnv here.
    site = wsgi_site(
        """
        <Directory "{docroot}/wsgi-scripts/">
        Options ExecCGI
        SetHandler wsgi-script
        SetEnv APPLICATION_GROUP ~bob
        WSGIApplicationGroup %{ENV:APPLICATION_GROUP}
        </Directory>
        """,
        files={"wsgi-scripts/app.wsgi": ENVIRON_SCRIPT},
    )
    response = site.get("/wsgi-scripts/app.wsgi?mod_wsgi.application_group")
    assert environ_of(response) == {"mod_wsgi.application_group": "'~bob'"}


def test_daemon_processes_per_virtual_host_are_accepted(wsgi_site):
    site = wsgi_site(
        """
        <VirtualHost *:80>
        ServerName www.site1.com
        WSGIDaemonProcess www.site1.com user=joe group=joe processes=2 threads=25
        WSGIProcessGroup www.site1.com
        WSGIScriptAlias /app {scripts}/app.wsgi
        </VirtualHost>
        """,
        scripts={"app.wsgi": ENVIRON_SCRIPT},
    )
    response = site.get("/app?mod_wsgi.process_group", headers={"Host": "www.site1.com"})
    assert environ_of(response) == {"mod_wsgi.process_group": "'www.site1.com'"}


def test_process_group_chosen_by_environment_and_restricted(wsgi_site):
    site = wsgi_site(
        """
        WSGIDaemonProcess default processes=2 threads=25
        WSGIDaemonProcess bob:1 user=bob group=bob threads=25
        WSGIDaemonProcess bob:2 user=bob group=bob threads=25
        SetEnv PROCESS_GROUP default
        WSGIProcessGroup %{ENV:PROCESS_GROUP}
        <Directory "{docroot}/bob">
        Options ExecCGI
        AllowOverride FileInfo
        AddHandler wsgi-script .wsgi
        WSGIRestrictProcess bob:1 bob:2
        SetEnv PROCESS_GROUP bob:1
        </Directory>
        """,
        files={
            "bob/blog.wsgi": ENVIRON_SCRIPT,
            "bob/wiki.wsgi": ENVIRON_SCRIPT,
            "bob/.htaccess": "<Files blog.wsgi>\nSetEnv PROCESS_GROUP bob:2\n</Files>\n",
        },
    )
    groups = [environ_of(site.get(f"/bob/{name}?mod_wsgi.process_group"))
              for name in ("blog.wsgi", "wiki.wsgi")]  # fmt: skip
    assert groups == [{"mod_wsgi.process_group": "'bob:2'"}, {"mod_wsgi.process_group": "'bob:1'"}]


def test_import_script_example_is_accepted(wsgi_site):
    site = wsgi_site(
        "WSGIImportScript {scripts}/app.wsgi process-group=%{GLOBAL} application-group=%{GLOBAL}",
        scripts={"app.wsgi": ENVIRON_SCRIPT},
    )
    assert "Failed to exec" not in site.error_log
