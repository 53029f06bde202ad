"""A pytest plugin for engine tests that look at the live request object from inside a handler.

``in_handler(probe)`` serves one request whose PythonHandler calls ``probe(req)`` with the
real request object, in the middle of the content phase. An exception raised by the probe
(a failed assert included) is re-raised in the test, so the failure reads like any other.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from typing import Any

import pytest

PROBE_HOOK = "_mp_request_probe_hook"

# The handler asks sys.modules for the hook at call time, so every test sees its own probe.
PROBE_HANDLER = f"""
def handler(req):
    import {PROBE_HOOK}
    return {PROBE_HOOK}.dispatch(req)
"""

PROBE_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler probe
</Directory>
"""


@dataclass
class ProbeResult:
    response: Any  # conftest.Response
    value: Any  # what the probe returned
    site: Any  # conftest.Site


@pytest.fixture
def probe_site(make_site, monkeypatch):
    """``probe_site(probe, conf=PROBE_CONF, files=None)``: a Site whose handler calls ``probe``.

    The returned site has ``outcome``: a dict that gets "value" (what the probe returned)
    or "error" (what it raised) once the handler ran.
    """

    def build(probe, conf: str = PROBE_CONF, files: dict | None = None):
        outcome: dict = {}

        def dispatch(req):
            try:
                outcome["value"] = probe(req)
            except BaseException as error:
                outcome["error"] = error
                raise
            return 0  # apache.OK

        hook = types.ModuleType(PROBE_HOOK)
        hook.dispatch = dispatch
        monkeypatch.setitem(sys.modules, PROBE_HOOK, hook)
        site = make_site(conf, {"probe.py": PROBE_HANDLER, **(files or {})})
        site.outcome = outcome
        return site

    return build


@pytest.fixture
def in_handler(probe_site):
    """``in_handler(probe, path="/probe.py", conf=PROBE_CONF, files=None, method="GET", ...)``."""

    def run(probe, path: str = "/probe.py", conf: str = PROBE_CONF, files: dict | None = None,
            method: str = "GET", **request_kwargs) -> ProbeResult:  # fmt: skip
        site = probe_site(probe, conf, files)
        response = site.request(method, path, **request_kwargs)
        if "error" in site.outcome:
            raise site.outcome["error"]
        assert "value" in site.outcome, "the probe handler did not run"
        return ProbeResult(response, site.outcome["value"], site)

    return run
