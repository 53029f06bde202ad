"""Compiled-page caching: per (file, mtime) and includes, once under threads, DBM, precompiled."""

from __future__ import annotations

import os
import threading

import pytest

from mod_python import apache, psp
from mod_python.psp import cache, parser


def load(psp_site, files: dict, filename: str = "page.psp", extra: str = "", times: int = 1):
    """Construct PSP(req, filename) ``times`` in one request; returns (codes, site)."""
    codes = []

    def handler(req):
        codes.extend(psp.PSP(req, filename).code for _ in range(times))
        return apache.OK

    site = psp_site(files, handler=handler, extra=extra)
    response = site.get("/run.py")
    assert response.status == 200, response.text
    return codes, site


def rerun(site) -> None:
    assert site.get("/run.py").status == 200


def touch_later(path, seconds: float = 10) -> None:
    stat = os.stat(path)
    os.utime(path, (stat.st_atime, stat.st_mtime + seconds))


def test_a_file_is_compiled_once(psp_site):
    codes, _ = load(psp_site, {"page.psp": "x"}, times=2)
    assert codes[0] is codes[1]


def test_a_changed_file_is_compiled_again(psp_site):
    codes, site = load(psp_site, {"page.psp": "old"})
    path = site.write("page.psp", b"new")
    touch_later(path)
    rerun(site)
    assert codes[1] is not codes[0]
    assert "new" in codes[1].co_consts


def test_a_changed_include_recompiles_the_page(psp_site):
    files = {"page.psp": '<%@ include file="part.inc" %>', "part.inc": "old part"}
    codes, site = load(psp_site, files)
    touch_later(site.write("part.inc", b"new part"))
    rerun(site)
    assert "new part" in codes[1].co_consts


def test_threads_loading_a_new_page_compile_it_once(psp_site, monkeypatch):
    translations = []
    real_translate = parser.translate_file

    def counting(*args):
        translations.append(args)
        return real_translate(*args)

    monkeypatch.setattr(parser, "translate_file", counting)
    codes = []
    barrier = threading.Barrier(8)

    def handler(req):
        def load_page():
            barrier.wait(timeout=10)
            codes.append(psp.PSP(req, "page.psp").code)

        threads = [threading.Thread(target=load_page) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        return apache.OK

    psp_site({"page.psp": "shared"}, handler=handler).get("/run.py")
    assert len(codes) == 8 and all(code is codes[0] for code in codes)
    assert len(translations) == 1


def test_dbm_cache_option_stores_compiled_pages_on_disk(psp_site, tmp_path):
    database = tmp_path / "psp_cache"
    extra = f'PythonOption mod_python.psp.cache_database_filename "{database}"'
    codes, site = load(psp_site, {"page.psp": "on disk <%= 1 %>"}, extra=extra)
    cached = cache.dbm_cache_get(None, str(database), str(site.docroot / "page.psp"),
                                 os.path.getmtime(site.docroot / "page.psp"))  # fmt: skip
    assert cached is not None and cached.co_consts == codes[0].co_consts
    assert site.get("/page.psp").body == b"on disk 1"


def test_dbm_cache_misses_when_the_file_changed(tmp_path):
    database = str(tmp_path / "psp_cache")
    code = compile("x = 1", "page.psp", "exec")
    cache.dbm_cache_store(None, database, "/site/page.psp", 100.0, code)
    assert cache.dbm_cache_get(None, database, "/site/page.psp", 100.0).co_consts == code.co_consts
    assert cache.dbm_cache_get(None, database, "/site/page.psp", 101.0) is None
    assert cache.dbm_cache_get(None, database, "/site/other.psp", 100.0) is None


def test_old_option_name_pspdbmcache_works_too(psp_site, tmp_path):
    database = tmp_path / "old_cache"
    load(psp_site, {"page.psp": "x"}, extra=f'PythonOption PSPDbmCache "{database}"')
    assert any(name.startswith("old_cache") for name in os.listdir(tmp_path))


def test_precompiled_sibling_is_used_when_not_older(psp_site):
    precompiled = compile(parser.parsestring("from the .psc file"), "page.psp", "exec")
    site = psp_site({"page.psp": "from the template", "page.psc": cache.code2str(precompiled)})
    touch_later(site.docroot / "page.psc")
    assert site.get("/page.psp").body == b"from the .psc file"


def test_precompiled_sibling_older_than_the_page_is_ignored(psp_site):
    precompiled = compile(parser.parsestring("stale"), "page.psp", "exec")
    files = {"page.psp": "fresh", "page.psc": cache.code2str(precompiled)}
    site = psp_site(files)
    touch_later(site.docroot / "page.psp")
    assert site.get("/page.psp").body == b"fresh"


@pytest.mark.parametrize(
    ("filename", "sibling"), [("/s/page.psp", "/s/page.psc"), ("/s/page", "/s/pagec")]
)
def test_precompiled_sibling_name(filename, sibling):
    assert cache.precompiled_sibling(filename) == sibling


def test_str2code_refuses_data_from_elsewhere():
    with pytest.raises(ValueError):
        cache.str2code(b"not marshalled code")


def test_hits_cache_drops_least_hit_entries_down_to_three_quarters():
    hits = cache.HitsCache(size=8)
    for key in range(8):
        hits.store(key, f"value {key}")
    for key in range(4, 8):
        hits.get(key)
    hits.store("ninth", "value")  # 9 > 8: trimmed to 6
    assert len(hits.cache) == 6
    assert all(key in hits.cache for key in range(4, 8))


def test_file_cache_forgets_an_entry_with_another_mtime():
    files = cache.FileCache()
    code = compile("", "x", "exec")
    files.store("/p.psp", 1.0, code)
    assert files.get("/p.psp", 1.0) is code
    assert files.get("/p.psp", 2.0) is None
    assert files.get("/p.psp", 1.0) is None
