"""The golden corpus: every template's generated code and rendered page, as mod_python makes them.

``corpus/X.psp`` is a template; ``X.code`` is what the real mod_python's C scanner generates
for it and ``X.html`` the body the real Apache + mod_python serves for it (both written by
``corpus_golden.py``). ``broken_*`` templates generate code Python refuses (mod_python's own
quirks, reproduced): only their translation and the 500 they cause are checked.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from wsgi_client import call_engine

from mod_python._engine.app import Engine
from mod_python.psp import parse

CORPUS = Path(__file__).parent / "corpus"
PAGES = sorted(page.relative_to(CORPUS).as_posix() for page in CORPUS.rglob("*.psp"))
RENDERED = [page for page in PAGES if not Path(page).name.startswith("broken_")]
BROKEN = [page for page in PAGES if Path(page).name.startswith("broken_")]

# text_backslash_before_letters.psp has "\T" in its text: Python warns when compiling it.
pytestmark = pytest.mark.filterwarnings("ignore:invalid escape sequence")

CONF = """\
ServerName psp-corpus.test
DocumentRoot "{docroot}"
PythonOption mod_python.session.database_directory "{sessions}"
PythonOption mod_python.file_session.database_directory "{sessions}"
<Directory "{docroot}">
    AddHandler mod_python .psp
    PythonHandler mod_python.psp
    PythonDebug On
</Directory>
"""


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    """An engine serving a copy of the corpus, the way the oracle serves it."""
    base = tmp_path_factory.mktemp("psp-corpus")
    docroot = base / "htdocs"
    shutil.copytree(CORPUS, docroot)
    (base / "sessions").mkdir()
    conf = CONF.format(docroot=docroot, sessions=base / "sessions")
    return Engine.from_config_text(conf, file=str(base / "site.conf"), error_stream=io.StringIO())


def golden(page: str, suffix: str) -> bytes:
    return (CORPUS / page).with_suffix(suffix).read_bytes()


@pytest.mark.parametrize("page", PAGES)
def test_generated_code_is_what_mod_python_generates(page):
    directory = f"{(CORPUS / page).parent}/"
    assert parse(Path(page).name, directory) == golden(page, ".code").decode("utf-8")


@pytest.mark.parametrize("page", RENDERED)
def test_rendered_page_is_what_mod_python_serves(corpus_site, page):
    response = call_engine(corpus_site, "GET", f"/{page}")
    assert response.status == 200, response.text
    assert response.body == golden(page, ".html")


@pytest.mark.parametrize("page", BROKEN)
def test_broken_template_is_a_server_error(corpus_site, page):
    assert call_engine(corpus_site, "GET", f"/{page}").status == 500
