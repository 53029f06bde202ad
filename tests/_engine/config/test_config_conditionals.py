"""<IfModule> (LoadModule-aware, with "!"), <IfDefine> with -D names, <IfVersion>,
<IfFile>, <IfDirective>, <IfSection>, and <Limit>/<LimitExcept> around Require."""

from __future__ import annotations

import pytest

MODULES = "/usr/lib/apache2/modules"


def options_of(settings) -> dict[str, str]:
    return {key: value for key, value in settings.config.options_table.values()}


def marks(load_text, body: str, **kwargs) -> set[str]:
    """Which ``PythonOption NAME yes`` lines inside the conditionals took effect."""
    return set(options_of(load_text(body, **kwargs)))


def test_ifmodule_follows_loadmodule_lines(load_text):
    conf = f"""\
        LoadModule python_module {MODULES}/mod_python.so
        LoadModule alias_module {MODULES}/mod_alias.so
        <IfModule mod_python.c>
            PythonOption python_by_source yes
        </IfModule>
        <IfModule python_module>
            PythonOption python_by_id yes
        </IfModule>
        <IfModule alias_module>
            PythonOption alias yes
        </IfModule>
        <IfModule mod_headers.c>
            PythonOption headers yes
        </IfModule>
        <IfModule mod_rewrite.c>
            PythonOption rewrite yes
        </IfModule>
    """
    assert marks(load_text, conf) == {"python_by_source", "python_by_id", "alias"}


def test_negated_ifmodule(load_text):
    conf = f"""\
        LoadModule python_module {MODULES}/mod_python.so
        <IfModule !mod_rewrite.c>
            PythonOption no_rewrite yes
        </IfModule>
        <IfModule !mod_python.c>
            PythonOption no_python yes
        </IfModule>
    """
    assert marks(load_text, conf) == {"no_rewrite"}


def test_without_loadmodule_the_emulated_modules_count_as_built_in(load_text):
    conf = """\
        <IfModule mod_python.c>
            PythonOption python yes
        </IfModule>
        <IfModule mod_headers.c>
            PythonOption headers yes
        </IfModule>
        <IfModule mod_rewrite.c>
            PythonOption rewrite yes
        </IfModule>
        <IfModule !mod_ssl.c>
            PythonOption no_ssl yes
        </IfModule>
    """
    assert marks(load_text, conf) == {"python", "headers", "no_ssl"}


def test_ifmodule_before_its_loadmodule_line_is_false(load_text):
    # httpd decides <IfModule> when it reads it: a module loaded later does not count.
    conf = f"""\
        <IfModule mod_alias.c>
            PythonOption early yes
        </IfModule>
        LoadModule alias_module {MODULES}/mod_alias.so
        <IfModule mod_alias.c>
            PythonOption late yes
        </IfModule>
    """
    assert marks(load_text, conf) == {"late"}


def test_nested_conditionals(load_text):
    conf = """\
        <IfModule mod_python.c>
            <IfDefine !NOPE>
                <IfModule mod_headers.c>
                    PythonOption deep yes
                </IfModule>
            </IfDefine>
        </IfModule>
    """
    assert marks(load_text, conf) == {"deep"}


def test_ifdefine_sees_command_line_defines(load_text):
    conf = """\
        <IfDefine SSL>
            PythonOption ssl yes
        </IfDefine>
        <IfDefine !SSL>
            PythonOption plain yes
        </IfDefine>
        <IfDefine DEBUG>
            PythonOption debug yes
        </IfDefine>
    """
    assert marks(load_text, conf, defines=["SSL"]) == {"ssl"}
    assert marks(load_text, conf) == {"plain"}


def test_ifdefine_sees_define_directives(load_text):
    conf = "Define STAGING\n<IfDefine STAGING>\nPythonOption staging yes\n</IfDefine>\n"
    assert marks(load_text, conf) == {"staging"}


@pytest.mark.parametrize(
    "condition, holds",
    [
        (">= 2.4", True),
        ("< 2.5", True),
        ("> 2.4", True),  # 2.4 means 2.4.0: 2.4.68 is later
        ("2.4", False),  # = 2.4.0
        ("= 2", False),  # = 2.0.0
        ("< 2.4", False),
        ("!= 2.2.34", True),
        ("~ ^2\\.4", True),
        ("!~ ^2\\.2", True),
        ("/^2\\.4\\./", True),
        (">= 3.0", False),
    ],
)
def test_ifversion_operators_agree_with_httpd_2_4_68(load_text, condition, holds):
    conf = f"<IfVersion {condition}>\nPythonOption hit yes\n</IfVersion>\n"
    assert marks(load_text, conf) == ({"hit"} if holds else set())


def test_ifversion_with_a_bad_version_is_an_error(load_text):
    from mod_python._engine.config.parser import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_text("ServerName a\n<IfVersion >= two>\n</IfVersion>\n")
    assert caught.value.line == 2


def test_iffile_absolute_relative_and_negated(load_text, write_tree):
    write_tree({"present.txt": "x"})
    conf = """\
        ServerRoot {root}
        <IfFile {root}/present.txt>
            PythonOption absolute yes
        </IfFile>
        <IfFile present.txt>
            PythonOption relative yes
        </IfFile>
        <IfFile !missing.txt>
            PythonOption not_missing yes
        </IfFile>
        <IfFile missing.txt>
            PythonOption missing yes
        </IfFile>
    """
    assert marks(load_text, conf) == {"absolute", "relative", "not_missing"}


def test_ifdirective_and_ifsection(load_text):
    conf = """\
        <IfDirective PythonHandler>
            PythonOption has_python_handler yes
        </IfDirective>
        <IfDirective !NoSuchDirective>
            PythonOption no_such yes
        </IfDirective>
        <IfSection VirtualHost>
            PythonOption vhost_section yes
        </IfSection>
        <IfSection NoSuchSection>
            PythonOption bogus yes
        </IfSection>
    """
    assert marks(load_text, conf) == {"has_python_handler", "no_such", "vhost_section"}


def test_conditional_content_with_an_error_is_not_checked_when_false(load_text):
    # httpd never reads the inside of a false conditional: unknown directives there are fine.
    settings = load_text("<IfModule mod_nonexistent.c>\nNotADirective x\n</IfModule>\n")
    assert settings.config.options_table == {}


LIMITED = """\
<Directory "{root}/www">
    {limit}
</Directory>
"""


@pytest.mark.parametrize(
    "limit, get_status, post_status",
    [
        ("<LimitExcept GET HEAD>\nRequire all denied\n</LimitExcept>", 200, 403),
        ("<Limit POST PUT>\nRequire all denied\n</Limit>", 200, 403),
        ("<Limit GET>\nRequire all denied\n</Limit>", 403, 200),
        ("<limit get>\nRequire all denied\n</limit>", 403, 200),
    ],
)
def test_limit_sections_restrict_require_to_methods(
    engine_from_text, write_tree, limit, get_status, post_status
):
    write_tree({"www/page.txt": "hello\n"})
    client = engine_from_text('DocumentRoot "{root}/www"\n' + LIMITED.replace("{limit}", limit))
    assert client.get("/page.txt").status == get_status
    assert client.post("/page.txt").status == post_status
