"""Apache's section merge order, read back from the merged per-request config:
<Directory> by depth, then <DirectoryMatch>, then <Files>/<FilesMatch>, then
<Location>/<LocationMatch>; a virtual host's sections after the main server's."""

from __future__ import annotations


def winner(settings, filename: str, uri: str, key: str = "who") -> str | None:
    merged = settings.config_for(filename, uri, False)
    found = merged.options_table.get(key)
    return found[1] if found else None


def test_deeper_directory_wins_whatever_the_declaration_order(load_text):
    settings = load_text("""\
        <Directory /srv/www/app/sub>
            PythonOption who deep
        </Directory>
        <Directory /srv/www>
            PythonOption who shallow
            PythonOption only_shallow yes
        </Directory>
    """)
    assert winner(settings, "/srv/www/app/sub/x.py", "/app/sub/x.py") == "deep"
    assert winner(settings, "/srv/www/app/sub/x.py", "/x", "only_shallow") == "yes"
    assert winner(settings, "/srv/www/app/x.py", "/app/x.py") == "shallow"


def test_directory_matches_on_path_components_not_prefixes(load_text):
    settings = load_text("<Directory /srv/www>\nPythonOption who www\n</Directory>\n")
    assert winner(settings, "/srv/www/x.py", "/x.py") == "www"
    assert winner(settings, "/srv/www2/x.py", "/x.py") is None


def test_directory_match_applies_after_every_plain_directory(load_text):
    settings = load_text("""\
        <DirectoryMatch "^/srv/www/">
            PythonOption who regex
        </DirectoryMatch>
        <Directory /srv/www/a/b/c>
            PythonOption who plain-deep
        </Directory>
    """)
    assert winner(settings, "/srv/www/a/b/c/x.py", "/a/b/c/x.py") == "regex"


def test_directory_tilde_is_a_regex_section(load_text):
    settings = load_text('<Directory ~ "/srv/www/[0-9]+">\nPythonOption who digits\n</Directory>\n')
    assert winner(settings, "/srv/www/42/x", "/42/x") == "digits"
    assert winner(settings, "/srv/www/abc/x", "/abc/x") is None


def test_wildcard_directory_matches_one_component(load_text):
    settings = load_text("<Directory /srv/*/public>\nPythonOption who wild\n</Directory>\n")
    assert winner(settings, "/srv/site1/public/x.py", "/x.py") == "wild"
    assert winner(settings, "/srv/site1/private/x.py", "/x.py") is None


def test_files_apply_after_directories_and_directory_match(load_text):
    settings = load_text("""\
        <Files "*.py">
            PythonOption who files
        </Files>
        <DirectoryMatch "/srv/">
            PythonOption who regex
        </DirectoryMatch>
        <Directory /srv/www>
            PythonOption who dir
        </Directory>
    """)
    assert winner(settings, "/srv/www/x.py", "/x.py") == "files"
    assert winner(settings, "/srv/www/x.txt", "/x.txt") == "regex"


def test_files_match_and_files_in_declaration_order(load_text):
    settings = load_text("""\
        <FilesMatch "\\.(py|psp)$">
            PythonOption who filesmatch
        </FilesMatch>
        <Files "page.psp">
            PythonOption who files
        </Files>
    """)
    assert winner(settings, "/srv/page.psp", "/page.psp") == "files"
    assert winner(settings, "/srv/other.psp", "/other.psp") == "filesmatch"


def test_files_nested_in_a_directory_only_applies_there(load_text):
    settings = load_text("""\
        <Directory /srv/www/admin>
            <Files "*.py">
                PythonOption who admin-py
            </Files>
        </Directory>
    """)
    assert winner(settings, "/srv/www/admin/x.py", "/admin/x.py") == "admin-py"
    assert winner(settings, "/srv/www/x.py", "/x.py") is None


def test_location_applies_last_over_files_and_directories(load_text):
    settings = load_text("""\
        <Location /app>
            PythonOption who location
        </Location>
        <Files "*.py">
            PythonOption who files
        </Files>
        <Directory /srv/www/app>
            PythonOption who dir
        </Directory>
    """)
    assert winner(settings, "/srv/www/app/x.py", "/app/x.py") == "location"
    assert winner(settings, "/srv/www/other/x.py", "/other/x.py") == "files"


def test_locations_merge_in_declaration_order_not_by_length(load_text):
    settings = load_text("""\
        <Location /app/admin>
            PythonOption who long
        </Location>
        <Location /app>
            PythonOption who short
        </Location>
        <LocationMatch "^/app/adm">
            PythonOption who match
            PythonOption matched yes
        </LocationMatch>
    """)
    assert winner(settings, None, "/app/admin/x") == "match"
    settings = load_text("""\
        <LocationMatch "^/app/adm">
            PythonOption who match
        </LocationMatch>
        <Location /app/admin>
            PythonOption who long
        </Location>
        <Location /app>
            PythonOption who short
        </Location>
    """)
    assert winner(settings, None, "/app/admin/x") == "short"


def test_location_prefix_stops_at_a_path_segment(load_text):
    settings = load_text("<Location /app>\nPythonOption who app\n</Location>\n")
    assert winner(settings, None, "/app") == "app"
    assert winner(settings, None, "/app/x") == "app"
    assert winner(settings, None, "/application") is None


def test_vhost_sections_apply_after_the_main_servers(load_text):
    settings = load_text("""\
        <Location />
            PythonOption who main-location
        </Location>
        <Directory /srv/www>
            PythonOption dir main
        </Directory>
        <VirtualHost *:80>
            ServerName v.test
            <Location />
                PythonOption who vhost-location
            </Location>
            <Directory /srv/www>
                PythonOption dir vhost
            </Directory>
        </VirtualHost>
    """)
    (vhost,) = settings.vhosts
    assert winner(vhost, "/srv/www/x", "/x") == "vhost-location"
    assert winner(vhost, "/srv/www/x", "/x", "dir") == "vhost"
    assert winner(settings, "/srv/www/x", "/x") == "main-location"


def test_vhost_level_settings_override_main_server_level(load_text):
    settings = load_text("""\
        PythonOption who main
        PythonOption main_only yes
        <VirtualHost *:80>
            ServerName v.test
            PythonOption who vhost
        </VirtualHost>
    """)
    (vhost,) = settings.vhosts
    assert winner(vhost, "/x", "/x") == "vhost"
    assert winner(vhost, "/x", "/x", "main_only") == "yes"


def test_options_plus_minus_adjust_the_inherited_set(load_text):
    settings = load_text("""\
        <Directory /srv>
            Options Indexes FollowSymLinks
        </Directory>
        <Directory /srv/www>
            Options -Indexes +ExecCGI
        </Directory>
        <Directory /srv/www/plain>
            Options Includes
        </Directory>
    """)
    top = settings.config_for("/srv/x", "/x", False).effective_options
    www = settings.config_for("/srv/www/x", "/x", False).effective_options
    plain = settings.config_for("/srv/www/plain/x", "/x", False).effective_options
    assert top == {"indexes", "followsymlinks"}
    assert www == {"followsymlinks", "execcgi"}
    assert plain == {"includes"}


def test_handler_declared_in_location_skips_filesystem_mapping(load_text):
    settings = load_text("""\
        <Location /app>
            SetHandler mod_python
            PythonHandler app
        </Location>
        <Directory /srv>
            PythonHandler dirhandler
        </Directory>
    """)
    assert settings.location_handlers_skip_storage("/app/x") is True
    assert settings.location_handlers_skip_storage("/other") is False
