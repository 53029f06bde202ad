""".htaccess files: read where AllowOverride / AllowOverrideList permit, a forbidden
directive answered 500 with file and line in the error log, edits seen without restart."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def site(engine_from_text, write_tree, show):
    def build(allow: str, files: dict):
        write_tree({"www/page.txt": "page\n", "www/sub/page.txt": "sub page\n",
                    "www/show.py": show[0], **files})  # fmt: skip
        return engine_from_text(f"""\
            DocumentRoot "{{root}}/www"
            <Directory "{{root}}/www">
                {allow}
            </Directory>
        """)

    return build


def test_allow_override_none_ignores_even_a_broken_file(site):
    client = site("AllowOverride None", {"www/.htaccess": "Bogus directive\n"})
    assert client.get("/page.txt").status == 200


def test_auth_config_in_htaccess_protects_the_directory(site, htpasswd, tmp_path):
    client = site("AllowOverride AuthConfig", {
        "users": htpasswd("erin", "pw"),
        "www/sub/.htaccess": f"AuthType Basic\nAuthName ht\nAuthUserFile {tmp_path}/users\n"
                             "Require valid-user\n",
    })  # fmt: skip
    assert client.get("/page.txt").status == 200
    assert client.get("/sub/page.txt").status == 401
    assert client.get("/sub/page.txt", user=("erin", "pw")).text == "sub page\n"


def test_directive_outside_the_allowed_classes_is_a_500_with_file_and_line(site, tmp_path):
    client = site(
        "AllowOverride AuthConfig", {"www/sub/.htaccess": "Require all granted\nOptions +Indexes\n"}
    )
    assert client.get("/sub/page.txt").status == 500
    assert client.get("/page.txt").status == 200
    log = client.log.getvalue()
    assert f"{tmp_path}/www/sub/.htaccess" in log
    assert "Options not allowed here" in log and "line 2" in log


def test_unknown_directive_in_htaccess_is_a_500(site, tmp_path):
    client = site("AllowOverride All", {"www/.htaccess": "# fine\nRewriteEngin On\n"})
    assert client.get("/page.txt").status == 500
    assert "Invalid command 'RewriteEngin'" in client.log.getvalue()


def test_python_directives_in_htaccess_with_a_handler_from_that_directory(site, show):
    client = site("AllowOverride FileInfo", {
        "www/sub/.htaccess": "SetHandler mod_python\nPythonHandler here\nPythonOption from ht\n",
        "www/sub/here.py": "from mod_python import apache\n"
                           "def handler(req):\n"
                           "    req.write('here ' + req.get_options()['from'])\n"
                           "    return apache.OK\n",
    })  # fmt: skip
    assert client.get("/sub/anything").text == "here ht"


def test_deeper_htaccess_overrides_the_parents(site, show):
    client = site("AllowOverride All", {
        "www/.htaccess": "SetHandler mod_python\nPythonHandler show\nPythonOption level top\n"
                         "PythonOption keep yes\n",
        "www/sub/.htaccess": "PythonOption level sub\n",
    })  # fmt: skip
    assert show[1](client.get("/page.txt"))["options"] == "keep:yes,level:top"
    assert show[1](client.get("/sub/page.txt"))["options"] == "keep:yes,level:sub"


def test_allow_override_list_admits_only_the_listed_directives(site):
    client = site("AllowOverride None\n    AllowOverrideList Redirect", {
        "www/.htaccess": "Redirect /page.txt http://example.com/moved\n",
        "www/sub/.htaccess": "Header set X-Not listed\n",
    })  # fmt: skip
    moved = client.get("/page.txt")
    assert (moved.status, moved.header("Location")) == (302, "http://example.com/moved")
    assert client.get("/sub/page.txt").status == 500


def test_change_to_htaccess_is_seen_without_restart(site, tmp_path):
    client = site("AllowOverride All", {"www/sub/.htaccess": "Require all granted\n"})
    assert client.get("/sub/page.txt").status == 200
    path = tmp_path / "www/sub/.htaccess"
    path.write_text("Require all denied  \n")  # another size: no reliance on mtime resolution
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert client.get("/sub/page.txt").status == 403
    path.unlink()
    assert client.get("/sub/page.txt").status == 200


def test_access_file_name_changes_the_file_looked_for(engine_from_text, write_tree):
    write_tree({"www/page.txt": "p", "www/.config": "Require all denied\n",
                "www/.htaccess": "Require all granted\n"})  # fmt: skip
    client = engine_from_text("""\
        DocumentRoot "{root}/www"
        AccessFileName .config
        <Directory "{root}/www">
            AllowOverride All
        </Directory>
    """)
    assert client.get("/page.txt").status == 403


def test_directory_section_is_not_allowed_in_htaccess(site):
    client = site("AllowOverride All", {"www/.htaccess": "<Directory /x>\n</Directory>\n"})
    assert client.get("/page.txt").status == 500


def test_files_section_in_htaccess_applies_to_matching_files(site):
    client = site("AllowOverride All", {
        "www/.htaccess": '<Files "page.txt">\nRequire all denied\n</Files>\n',
        "www/other.txt": "other\n",
    })  # fmt: skip
    assert client.get("/page.txt").status == 403
    assert client.get("/other.txt").status == 200
