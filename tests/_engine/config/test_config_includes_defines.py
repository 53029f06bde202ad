"""Include / IncludeOptional (globs, directories, ServerRoot-relative paths, errors, loops)
and Define / UnDefine / ${VAR} with the environment as fallback."""

from __future__ import annotations

import pytest

from mod_python._engine.config.builder import ConfigBuilder
from mod_python._engine.config.loader import load_config_file
from mod_python._engine.config.parser import ConfigError, parse_config


def options_of(settings) -> dict[str, str]:
    return {key: value for key, value in settings.config.options_table.values()}


def test_include_reads_a_file_in_place(write_tree):
    root = write_tree({
        "httpd.conf": "PythonOption order main1\nInclude extra.conf\nPythonOption last main2\n",
        "extra.conf": "PythonOption order extra\nPythonOption from_extra yes\n",
    })  # fmt: skip
    settings = load_config_file(str(root / "httpd.conf"))
    assert options_of(settings) == {"order": "extra", "from_extra": "yes", "last": "main2"}


def test_include_glob_reads_matches_in_alphabetical_order(write_tree):
    root = write_tree({
        "httpd.conf": "Include conf.d/*.conf\n",
        "conf.d/20-b.conf": "PythonOption who b\nPythonOption b yes\n",
        "conf.d/10-a.conf": "PythonOption who a\nPythonOption a yes\n",
        "conf.d/30-c.txt": "PythonOption who txt\n",
    })  # fmt: skip
    settings = load_config_file(str(root / "httpd.conf"))
    assert options_of(settings) == {"who": "b", "a": "yes", "b": "yes"}


def test_include_of_a_directory_reads_every_file_in_it(write_tree):
    root = write_tree({
        "httpd.conf": "Include sites\n",
        "sites/one": "PythonOption one 1\n",
        "sites/two.conf": "PythonOption two 2\n",
    })  # fmt: skip
    assert options_of(load_config_file(str(root / "httpd.conf"))) == {"one": "1", "two": "2"}


def test_include_of_a_directory_recurses_into_subdirectories(write_tree):
    # httpd: "if Include points to a directory, Apache httpd will read all files in that
    # directory and any subdirectory".
    root = write_tree({
        "httpd.conf": "Include sites\n",
        "sites/top.conf": "PythonOption top 1\n",
        "sites/nested/deep.conf": "PythonOption deep 1\n",
    })  # fmt: skip
    assert options_of(load_config_file(str(root / "httpd.conf"))) == {"top": "1", "deep": "1"}


def test_relative_include_is_taken_from_server_root(write_tree):
    root = write_tree({
        "conf/httpd.conf": "ServerRoot {root}/srv\nInclude conf-enabled/*.conf\n",
        "srv/conf-enabled/x.conf": "PythonOption from_server_root yes\n",
    })  # fmt: skip
    settings = load_config_file(str(root / "conf/httpd.conf"))
    assert options_of(settings) == {"from_server_root": "yes"}


def test_include_of_a_missing_file_names_file_and_line(write_tree):
    root = write_tree({"httpd.conf": "ServerName a\n\nInclude nowhere.conf\n"})
    with pytest.raises(ConfigError) as caught:
        load_config_file(str(root / "httpd.conf"))
    assert (caught.value.file, caught.value.line) == (str(root / "httpd.conf"), 3)
    assert "nowhere.conf" in caught.value.message


def test_include_glob_without_matches_fails_but_include_optional_does_not(write_tree):
    root = write_tree({
        "bad.conf": "Include missing/*.conf\n",
        "good.conf": "IncludeOptional missing/*.conf\nIncludeOptional none.conf\n"
                     "PythonOption ok yes\n",
    })  # fmt: skip
    with pytest.raises(ConfigError, match="No matches for the wildcard"):
        load_config_file(str(root / "bad.conf"))
    assert options_of(load_config_file(str(root / "good.conf"))) == {"ok": "yes"}


def test_error_inside_an_included_file_names_that_file(write_tree):
    root = write_tree({
        "httpd.conf": "Include sub.conf\n",
        "sub.conf": "PythonOption fine yes\nNoSuchDirective here\n",
    })  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_config_file(str(root / "httpd.conf"))
    assert (caught.value.file, caught.value.line) == (str(root / "sub.conf"), 2)


def test_include_loop_is_an_error_not_a_hang(write_tree):
    root = write_tree({
        "httpd.conf": "Include a.conf\n",
        "a.conf": "Include b.conf\n",
        "b.conf": "Include a.conf\n",
    })  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_config_file(str(root / "httpd.conf"))
    assert caught.value.file == str(root / "b.conf")


def test_include_inside_a_section_applies_to_that_section(write_tree):
    root = write_tree({
        "httpd.conf": "<Directory {root}/www>\nInclude dir-settings.conf\n</Directory>\n",
        "dir-settings.conf": "PythonOption in_section yes\n",
    })  # fmt: skip
    settings = load_config_file(str(root / "httpd.conf"))
    assert settings.config.options_table == {}
    (section,) = settings.sections
    assert section.config.options_table == {"in_section": ("in_section", "yes")}


def test_define_with_value_is_substituted(load_text):
    settings = load_text("Define SITE {root}/site\nDocumentRoot ${SITE}/htdocs\n")
    assert settings.document_root.endswith("/site/htdocs")


def test_variable_in_a_section_argument_and_in_quotes(load_text):
    settings = load_text(
        'Define APP shop\n<Location "/${APP}">\nPythonOption app "${APP} app"\n</Location>\n'
    )
    (section,) = settings.sections
    assert section.path == "/shop"
    assert section.config.options_table["app"] == ("app", "shop app")


def test_variable_falls_back_to_the_environment():
    builder = ConfigBuilder(environ={"MP_TEST_HOME": "/home/site"})
    settings = builder.build(parse_config("DocumentRoot ${MP_TEST_HOME}/www\n"))
    assert settings.document_root == "/home/site/www"


def test_define_wins_over_the_environment():
    builder = ConfigBuilder(environ={"HOME_DIR": "/from/env"})
    settings = builder.build(
        parse_config("Define HOME_DIR /from/define\nDocumentRoot ${HOME_DIR}\n")
    )
    assert settings.document_root == "/from/define"


def test_undefined_variable_stays_literal_with_a_warning(load_text):
    settings = load_text("ServerName a\nPythonOption path ${MP_SURELY_NOT_DEFINED_VAR}\n")
    assert settings.config.options_table["path"][1] == "${MP_SURELY_NOT_DEFINED_VAR}"
    (warning,) = [w for w in settings.warnings if "MP_SURELY_NOT_DEFINED_VAR" in w.message]
    assert warning.line == 2 and warning.file.endswith("httpd.conf")


def test_define_applies_from_its_line_on_only(load_text):
    settings = load_text(
        "PythonOption before ${LATE}\nDefine LATE yes\nPythonOption after ${LATE}\n"
    )
    assert options_of(settings) == {"before": "${LATE}", "after": "yes"}


def test_undefine_removes_name_and_value(load_text):
    settings = load_text("""\
        Define FEATURE on
        UnDefine FEATURE
        <IfDefine FEATURE>
            PythonOption feature yes
        </IfDefine>
        <IfDefine !FEATURE>
            PythonOption feature no
        </IfDefine>
    """)
    assert options_of(settings) == {"feature": "no"}


def test_define_in_an_included_file_is_seen_by_the_rest(write_tree):
    root = write_tree({
        "httpd.conf": "Include envvars.conf\nDocumentRoot ${WWW}\n",
        "envvars.conf": "Define WWW {root}/www\n",
    })  # fmt: skip
    assert load_config_file(str(root / "httpd.conf")).document_root == str(root / "www")
