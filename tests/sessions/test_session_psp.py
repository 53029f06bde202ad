"""Sessions and PSP pages in one request: one session object, one lock, no deadlock
(MODPYTHON-175: a page and its error page; MODPYTHON-176: a page reached by an internal
redirect from a handler that holds the session)."""

from __future__ import annotations

import sys
import types

import pytest

from mod_python import Session, apache
from mod_python._engine.sessions.locks import file_locks

from .conftest import cookie_pair

# A hang would be a deadlock: the lock timeout turns it into a quick 503 instead.
PSP_CONF = """
PythonOption mod_python.mutex_directory "{docroot}/.."
<Directory "{docroot}">
    AddHandler mod_python .psp
    PythonHandler mod_python.psp
    PythonOption session FileSession
    PythonOption session_directory "{docroot}/../store"
    PythonOption mod_python.session.lock_timeout 1
</Directory>
<Directory "{docroot}/handler">
    SetHandler mod_python
    PythonHandler h
</Directory>
"""

COUNTING_PAGE = '<% session["n"] = session.get("n", 0) + 1 %>n=<%= session["n"] %>'


@pytest.fixture
def psp_site(make_site):
    def build(files: dict):
        return make_site(PSP_CONF, files=files)

    return build


def test_a_page_and_its_error_page_share_the_session(psp_site):
    site = psp_site({
        "main.psp": '<%\nsession["n"] = 1\npsp.set_error_page("err.psp")\nraise ValueError\n%>',
        "err.psp": 'error page sees <%= session["n"] %> <%= session is req.session %>',
    })  # fmt: skip
    response = site.get("/main.psp")
    assert (response.status, response.body) == (200, b"error page sees 1 True")


def test_a_page_saves_the_session_it_made(psp_site):
    site = psp_site({"count.psp": COUNTING_PAGE})
    cookie = cookie_pair(site.get("/count.psp"))
    assert site.get("/count.psp", headers={"Cookie": cookie}).body == b"n=2"


def test_a_page_reached_by_redirect_uses_and_leaves_the_handlers_session(psp_site, monkeypatch):
    held = []

    def handler(req):
        session = Session.Session(req)
        session["n"] = 10
        req.internal_redirect("/count.psp")
        held.append((session["n"], file_locks().held_count(session.id(), req)))
        return apache.OK

    hook = types.ModuleType("_psp_session_hook")
    hook.handler = handler
    monkeypatch.setitem(sys.modules, "_psp_session_hook", hook)
    site = psp_site({
        "count.psp": COUNTING_PAGE,
        "handler/h.py": "import _psp_session_hook\nhandler = _psp_session_hook.handler\n",
    })  # fmt: skip
    response = site.get("/handler/h.py")
    assert (response.status, response.body) == (200, b"n=11")
    assert held == [(11, 1)]
