"""Sites with WSGI script files: ``wsgi_site(conf, scripts={...}, files={...})``.

Scripts are written under a ``scripts/`` directory beside the document root (where
mod_wsgi's documentation wants them); ``{scripts}`` in the config text names it and
``{docroot}`` the document root, as in ``make_site``.
"""

from __future__ import annotations

import textwrap

import pytest


@pytest.fixture
def wsgi_site(make_site, tmp_path):
    counter = iter(range(1000))

    def build(conf: str, scripts: dict | None = None, files: dict | None = None):
        scripts_dir = tmp_path / f"scripts{next(counter)}"
        for name, text in (scripts or {}).items():
            path = scripts_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        site = make_site(textwrap.dedent(conf).replace("{scripts}", str(scripts_dir)), files)
        site.scripts = scripts_dir
        return site

    return build
