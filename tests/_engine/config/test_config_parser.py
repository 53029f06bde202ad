"""Config text -> directive tree: comments, quoting, continuations, names, nesting, and
the file:line of syntax errors (httpd's ap_getword_conf / ap_build_config rules)."""

from __future__ import annotations

import pytest

from mod_python._engine.config.parser import ConfigError, parse_config, split_args


def test_comment_lines_and_blank_lines_are_skipped():
    tree = parse_config("# a comment\n\n   # indented comment\nServerName a.test\n")
    assert [(node.name, node.args, node.line) for node in tree] == [("ServerName", ["a.test"], 4)]


def test_hash_after_a_directive_is_an_argument_not_a_comment():
    # httpd has no trailing comments: "#" and what follows are more arguments.
    (node,) = parse_config("PythonOption key value # note\n")
    assert node.args == ["key", "value", "#", "note"]


@pytest.mark.parametrize(
    "raw, args",
    [
        ('"/srv/my site" plain', ["/srv/my site", "plain"]),
        ("'single quoted' x", ["single quoted", "x"]),
        (r'"say \"hi\"" end', ['say "hi"', "end"]),
        (r"'it\'s' end", ["it's", "end"]),
        (r'"back\\slash"', ["back\\slash"]),
        (r'"keep \n as is"', [r"keep \n as is"]),
        ("a\t\tb   c", ["a", "b", "c"]),
        ('""', [""]),
    ],
)
def test_arguments_split_like_ap_getword_conf(raw, args):
    assert split_args(raw) == args


def test_unterminated_quote_runs_to_end_of_line():
    assert split_args('"no end here') == ["no end here"]


def test_backslash_continuation_joins_lines_and_keeps_first_line_number():
    text = "ServerName a.test\nPythonOption \\\n    key \\\n    value\nDocumentRoot /x\n"
    tree = parse_config(text)
    assert [(node.name, node.args, node.line) for node in tree] == [
        ("ServerName", ["a.test"], 1),
        ("PythonOption", ["key", "value"], 2),
        ("DocumentRoot", ["/x"], 5),
    ]


def test_continuation_at_end_of_file_is_an_error_with_its_line():
    with pytest.raises(ConfigError) as caught:
        parse_config("ServerName a\nPythonOption key \\\n", "/etc/x.conf")
    assert (caught.value.file, caught.value.line) == ("/etc/x.conf", 2)


def test_directive_names_keep_spelling_but_compare_case_insensitively(load_text):
    settings = load_text("servername Mixed.Test\nDOCUMENTROOT /srv/www\npythonoption K v\n")
    assert settings.server_name == "Mixed.Test"
    assert settings.document_root == "/srv/www"
    assert settings.config.options_table == {"k": ("K", "v")}


def test_tab_separates_name_from_arguments():
    (node,) = parse_config("PythonOption\tkey\tvalue\n")
    assert (node.name, node.args) == ("PythonOption", ["key", "value"])


def test_nested_containers_build_a_tree_with_lines():
    text = """\
<VirtualHost *:80>
    ServerName v.test
    <Directory /srv>
        <Files "*.py">
            SetHandler mod_python
        </Files>
    </Directory>
</VirtualHost>
"""
    (vhost,) = parse_config(text)
    directory = vhost.children[1]
    files = directory.children[0]
    assert (vhost.name, vhost.args, vhost.line) == ("VirtualHost", ["*:80"], 1)
    assert (directory.name, directory.args, directory.line) == ("Directory", ["/srv"], 3)
    assert (files.args, files.line, files.children[0].name) == (["*.py"], 4, "SetHandler")


def test_closing_tag_matches_case_insensitively():
    (node,) = parse_config("<directory /a>\nOptions None\n</DIRECTORY>\n")
    assert node.key == "directory" and node.children[0].args == ["None"]


def test_mismatched_closing_tag_names_file_line_and_opening_line():
    with pytest.raises(ConfigError) as caught:
        parse_config("<Directory /a>\n<Files x>\n</Directory>\n</Files>\n", "/c/site.conf")
    error = caught.value
    assert (error.file, error.line) == ("/c/site.conf", 3)
    assert "</Directory>" in str(error) and "<Files>" in str(error)
    assert str(error).startswith("/c/site.conf:3:")


def test_unclosed_section_is_reported_at_its_opening_line():
    with pytest.raises(ConfigError) as caught:
        parse_config("ServerName a\n\n<Location /x>\nSetHandler mod_python\n", "/c/a.conf")
    assert (caught.value.file, caught.value.line) == ("/c/a.conf", 3)
    assert "not closed" in caught.value.message


def test_closing_tag_without_opening_is_an_error():
    with pytest.raises(ConfigError) as caught:
        parse_config("ServerName a\n</Location>\n", "f.conf")
    assert caught.value.line == 2 and "without matching" in caught.value.message


def test_section_line_missing_closing_bracket_is_an_error():
    with pytest.raises(ConfigError) as caught:
        parse_config("<Directory /a\nOptions None\n</Directory>\n", "f.conf")
    assert caught.value.line == 1 and "missing closing '>'" in caught.value.message


def test_quoted_section_argument_with_spaces():
    (node,) = parse_config('<Directory "/srv/my site">\n</Directory>\n')
    assert node.args == ["/srv/my site"]


def test_crlf_line_endings_are_accepted(load_text):
    settings = load_text("ServerName crlf.test\r\nPythonOption a b\r\n")
    assert settings.server_name == "crlf.test"
    assert settings.config.options_table["a"] == ("a", "b")
