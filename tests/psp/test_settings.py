"""PythonDebug and the DBM cache option, remembered per config section (psp.settings)."""

from __future__ import annotations

import os
from types import SimpleNamespace

from mod_python.psp import settings

TWO_SECTIONS = """
<Directory "{docroot}/on">
    AddHandler mod_python .psp .psp_
    PythonHandler mod_python.psp
    PythonDebug On
    PythonOption mod_python.psp.cache_database_filename "{docroot}/../on_cache"
</Directory>
<Directory "{docroot}/off">
    AddHandler mod_python .psp .psp_
    PythonHandler mod_python.psp
    PythonDebug Off
    PythonOption PSPDbmCache "{docroot}/../off_cache"
</Directory>
"""

PAGE = "page <%= 6 * 7 %>"


def two_section_site(make_site):
    return make_site(TWO_SECTIONS, {"on/page.psp": PAGE, "off/page.psp": PAGE})


def test_each_section_keeps_its_own_debug_setting(make_site):
    site = two_section_site(make_site)
    for _ in range(2):  # the second round is served from what was remembered
        assert site.get("/on/page.psp_").status == 200
        assert site.get("/off/page.psp_").status == 404


def test_each_section_keeps_its_own_dbm_cache_file(make_site):
    site = two_section_site(make_site)
    for _ in range(2):
        assert site.get("/on/page.psp").body == b"page 42"
        assert site.get("/off/page.psp").body == b"page 42"
    made = os.listdir(site.root)
    assert any(name.startswith("on_cache") for name in made)
    assert any(name.startswith("off_cache") for name in made)


EDITING_FIXUP = """\
from mod_python import apache

def fixuphandler(req):
    if req.args == "edit":
        req.get_config()["PythonDebug"] = "1"
        req.get_options()["PSPDbmCache"] = req.document_root() + "/../edited_cache"
    return apache.OK
"""


def test_tables_edited_by_an_earlier_handler_are_obeyed(make_site):
    conf = """
<Directory "{docroot}">
    AddHandler mod_python .psp .psp_
    PythonHandler mod_python.psp
    PythonFixupHandler edit
    PythonDebug Off
</Directory>
"""
    site = make_site(conf, {"page.psp": PAGE, "edit.py": EDITING_FIXUP})
    assert site.get("/page.psp_").status == 404  # the section's own settings, remembered
    assert site.get("/page.psp_?edit").status == 200
    assert site.get("/page.psp?edit").body == b"page 42"
    assert any(name.startswith("edited_cache") for name in os.listdir(site.root))
    assert site.get("/page.psp_").status == 404


def fake_request(config, debug: str = "0", dbm_file: str | None = None):
    return SimpleNamespace(
        _config=config,
        _config_table=None,
        _options_table=None,
        _config_value=lambda name, default=None: debug,
        _option_value=lambda name: dbm_file,
    )


def test_an_entry_left_by_another_config_at_the_same_id_is_not_used(monkeypatch):
    config = object()
    stale = settings.PageSettings(debug=True, dbm_file="/stale")
    monkeypatch.setitem(settings._by_config, id(config), (object(), stale))
    found = settings.page_settings(fake_request(config, dbm_file="/fresh"))
    assert found == settings.PageSettings(debug=False, dbm_file="/fresh")


def test_remembered_sections_are_bounded(monkeypatch):
    monkeypatch.setattr(settings, "_by_config", {})
    configs = [object() for _ in range(settings.MAX_REMEMBERED + 10)]
    for config in configs:
        settings.page_settings(fake_request(config))
    assert 0 < len(settings._by_config) <= settings.MAX_REMEMBERED
