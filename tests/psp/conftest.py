"""Fixtures for PSP tests: a site serving ``.psp`` pages through ``mod_python.psp``, and
``.py`` files whose handler is a function of the test (to drive the ``PSP`` class directly).

``site = psp_site({"page.psp": "..."}, handler=fn)`` writes the files (bytes kept exactly,
str encoded as UTF-8, never dedented), sets ``fn(req)`` as the handler of every ``.py`` URL,
and returns the conftest ``Site``: ``site.get("/page.psp")``, ``site.get("/run.py")``.
"""

from __future__ import annotations

import sys
import types

import pytest

HOOK_MODULE = "_psp_test_handler"

HOOK_HANDLER = f"""
import {HOOK_MODULE}

def handler(req):
    return {HOOK_MODULE}.handler(req)
"""

SITE_CONF = """
PythonOption mod_python.session.database_directory "{{docroot}}/../sessions"
PythonOption mod_python.file_session.database_directory "{{docroot}}/../sessions"
<Directory "{{docroot}}">
    AddHandler mod_python .psp .psp_ .py
    PythonHandler mod_python.psp | .psp .psp_
    PythonHandler psp_hook | .py
    PythonDebug {debug}
    {extra}
</Directory>
"""


@pytest.fixture
def psp_site(make_site, monkeypatch):
    """``psp_site(files, handler=None, debug="On", extra="")`` -> a conftest Site."""

    def build(files: dict, handler=None, debug: str = "On", extra: str = ""):
        hook = types.ModuleType(HOOK_MODULE)
        hook.handler = handler
        monkeypatch.setitem(sys.modules, HOOK_MODULE, hook)
        encoded = {name: text.encode() if isinstance(text, str) else text
                   for name, text in files.items()}  # fmt: skip
        site = make_site(SITE_CONF.format(debug=debug, extra=extra),
                         {"psp_hook.py": HOOK_HANDLER, "run.py": "", **encoded})  # fmt: skip
        (site.root / "sessions").mkdir(exist_ok=True)
        return site

    return build
