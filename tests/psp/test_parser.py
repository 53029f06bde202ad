"""The template -> Python translation of SPEC 8.1, rule by rule (the corpus covers the mix)."""

from __future__ import annotations

import errno
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mod_python import _psp
from mod_python.psp import parse, parsestring
from mod_python.psp.parser import IncludeCycleError, translate_file

# (template, generated code): one row per rule of SPEC 8.1.
TRANSLATIONS = [
    ("", ""),
    ("text", 'req.write("""text""",0)\n'),
    ('say "hi"', 'req.write("""say \\"hi\\"""",0)\n'),
    ("a\\nb\\rc\\td", 'req.write("""a\\\\nb\\\\rc\\\\td""",0)\n'),
    ("\\x41\\\\", 'req.write("""\\x41\\\\""",0)\n'),
    ("a\r\nb\nc", 'req.write("""a\nb\nc""",0)\n'),
    ("a\rb", 'req.write("""a\rb""",0)\n'),
    ("<% x = 1 %>", 'req.write("""""",0); x = 1 ;req.write("""""",0)\n'),
    ("<%= x %>", 'req.write("""""",0); req.write(str( x ),0); req.write("""""",0)\n'),
    ("<%=\nx\n%>", 'req.write("""""",0); req.write(str(\nx\n),0); req.write("""""",0)\n'),
    ("a<%-- gone --%>b", 'req.write("""ab""",0)\n'),
    ("<%\nfor i in y:\n%>t", 'req.write("""""",0);\nfor i in y:\n\treq.write("""t""",0)\n'),
    ("<%\nif a:\n    b()\n%>t", 'req.write("""""",0);\nif a:\n    b()\n    req.write("""t""",0)\n'),
    (
        "<%\nif a:\n    # keep\n%>t",
        'req.write("""""",0);\nif a:\n    # keep\n    req.write("""t""",0)\n',
    ),
    ("<%\n    x\n# end\n%>t", 'req.write("""""",0);\n    x\n# end\nreq.write("""t""",0)\n'),
    ("<%\n    x\n\n%>t", 'req.write("""""",0);\n    x\n\nreq.write("""t""",0)\n'),
    ("<%\n    x\n  %>t", 'req.write("""""",0);\n    x\n    req.write("""t""",0)\n'),
    ("<%\r\n\tx\r\n%>t", 'req.write("""""",0);\n\tx\n\treq.write("""t""",0)\n'),
    # A lone CR does not start a line for the scanner: no indentation is taken from it.
    ("<%\r    x\r%>t", 'req.write("""""",0);\n    x\nreq.write("""t""",0)\n'),
    ("<%\nx = 1\ny = 2 %>t", 'req.write("""""",0);\nx = 1\ny = 2 req.write("""t""",0)\n'),
    ("<%%>", 'req.write("""""",0);;req.write("""""",0)\n'),
    ("t <% x = 1", 'req.write("""t """,0); x = 1'),
    ("t <%-- open", 'req.write("""t '),
]


@pytest.mark.parametrize(("template", "code"), TRANSLATIONS)
def test_translation_rule(template, code):
    assert parsestring(template) == code


def test_parsestring_takes_bytes_as_utf8():
    assert parsestring("é€".encode()) == parsestring("é€") == 'req.write("""é€""",0)\n'


def test_parsestring_refuses_other_types():
    with pytest.raises(TypeError):
        parsestring(42)


def test_underscore_psp_module_has_the_same_functions():
    assert _psp.parse is parse and _psp.parsestring is parsestring


@given(st.text(alphabet='ab "\n\r\té<>%', max_size=40).filter(lambda text: "<%" not in text))
def test_text_without_markup_renders_unchanged_but_line_ends(text):
    written = []
    exec(compile(parsestring(text), "page", "exec"), {"req": _Writer(written)})
    # CRLF -> LF in the scanner, then Python reads the source with universal newlines.
    in_source = text.replace("\r\n", "\n")
    assert "".join(written) == in_source.replace("\r\n", "\n").replace("\r", "\n")


class _Writer:
    def __init__(self, written: list):
        self.write = lambda data, flush=1: written.append(data)


def test_generated_lines_match_template_lines():
    code = compile(parsestring("one\ntwo\n<%\n\nraise ValueError\n%>\n"), "page", "exec")
    with pytest.raises(ValueError) as raised:
        exec(code, {"req": _Writer([])})
    assert raised.traceback[-1].lineno + 1 == 5


# ---- includes ---------------------------------------------------------------------------------


def write(directory, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return str(path)


def test_include_splices_the_file_into_the_open_string(tmp_path):
    write(tmp_path, "page.psp", '[<%@ include file="part.inc" %>]')
    write(tmp_path, "part.inc", "in<%= 1 %>")
    assert parse("page.psp", f"{tmp_path}/") == (
        'req.write("""[in""",0); req.write(str( 1 ),0); req.write("""]""",0)\n'
    )


def test_nested_include_names_are_relative_to_the_parse_directory(tmp_path):
    write(tmp_path, "page.psp", '<%@ include file="sub/a.inc" %>')
    write(tmp_path, "sub/a.inc", 'a<%@ include file="b.inc" %>')
    write(tmp_path, "b.inc", "top-level b")
    write(tmp_path, "sub/b.inc", "sub b")
    assert parse("page.psp", f"{tmp_path}/") == 'req.write("""atop-level b""",0)\n'


def test_absolute_include_ignores_the_parse_directory(tmp_path):
    absolute = write(tmp_path, "elsewhere/part.inc", "abs")
    write(tmp_path, "site/page.psp", f'<%@ include file="{absolute}" %>')
    assert parse("page.psp", f"{tmp_path}/site/") == 'req.write("""abs""",0)\n'


def test_parsestring_includes_relative_to_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path, "part.inc", "cwd")
    monkeypatch.chdir(tmp_path)
    assert parsestring('<%@ include file="part.inc" %>') == 'req.write("""cwd""",0)\n'


def test_the_same_file_included_twice_is_not_a_cycle(tmp_path):
    write(tmp_path, "page.psp", '<%@ include file="x.inc" %><%@ include file="x.inc" %>')
    write(tmp_path, "x.inc", "x")
    source, included = translate_file("page.psp", f"{tmp_path}/")
    assert source == 'req.write("""xx""",0)\n'
    assert included == [f"{tmp_path}/x.inc", f"{tmp_path}/x.inc"]


@pytest.mark.parametrize(
    "files",
    [
        {"page.psp": '<%@ include file="page.psp" %>'},
        {
            "page.psp": '<%@ include file="a.inc" %>',
            "a.inc": '<%@ include file="b.inc" %>',
            "b.inc": '<%@ include file="a.inc" %>',
        },  # fmt: skip
    ],
    ids=["self", "through-two-files"],
)
def test_include_cycle_is_an_error(tmp_path, files):
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(IncludeCycleError) as raised:
        parse("page.psp", f"{tmp_path}/")
    assert raised.value.errno == errno.ELOOP
    assert "include cycle" in str(raised.value)


def test_missing_include_is_file_not_found(tmp_path):
    write(tmp_path, "page.psp", '<%@ include file="nowhere.inc" %>')
    with pytest.raises(FileNotFoundError) as raised:
        parse("page.psp", f"{tmp_path}/")
    assert raised.value.filename == f"{tmp_path}/nowhere.inc"


def test_missing_template_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        parse("absent.psp", f"{tmp_path}/")


def test_parse_without_directory_opens_the_name_as_given(tmp_path):
    path = write(tmp_path, "page.psp", "plain")
    assert parse(path) == 'req.write("""plain""",0)\n'


def test_template_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "latin.psp").write_bytes(b"caf\xe9")
    with pytest.raises(UnicodeDecodeError):
        parse("latin.psp", f"{tmp_path}{os.sep}")
