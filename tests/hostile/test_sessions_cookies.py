"""Forged session ids and cookies: a FileSession id never names a path (MODPYTHON-135), an
unknown id is never adopted, a badly signed cookie is dropped and nothing unverified is
unmarshalled, an oversized Cookie header is a 400."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mod_python import Cookie
from mod_python._engine.sessions.ids import check_sid

SESSION_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler counter
    PythonDebug Off
    PythonOption mod_python.file_session.database_directory "{docroot}/../sessions"
    PythonOption mod_python.session.session_type FileSession
</Directory>
"""
COUNTER = """
from mod_python import apache, Session

def handler(req):
    session = Session.Session(req)
    session["hits"] = session.get("hits", 0) + 1
    session.save()
    req.write("%s %d" % (session.id(), session["hits"]))
    return apache.OK
"""

FORGED_IDS = [
    "../../../../tmp/forged",
    "..%2f..%2fforged",
    "/etc/passwd",
    "0" * 31 + "/",
    "0123456789ABCDEF0123456789ABCDEF",  # upper case: not the shape issued
    "0123456789abcdef0123456789abcdef\n",
    "g" * 32,
    "a" * 4000,
    "",
]


@pytest.fixture
def session_site(make_site):
    site = make_site(SESSION_CONF, files={"counter.py": COUNTER})
    (site.root / "sessions").mkdir()
    return site


def session_files(site) -> list[str]:
    found = []
    for directory, _, names in os.walk(site.root / "sessions"):
        found += [os.path.join(directory, name) for name in names]
    return found


@pytest.mark.parametrize("forged", FORGED_IDS)
def test_forged_session_id_gets_a_fresh_session(session_site, forged):
    response = session_site.get("/counter.py", headers={"Cookie": f"pysid={forged}"})
    assert response.status == 200
    issued, hits = response.text.split()
    assert issued != forged and check_sid(issued)
    assert hits == "1"
    for path in session_files(session_site):
        assert os.path.realpath(path).startswith(str((session_site.root / "sessions").resolve()))
        name = os.path.basename(path)
        assert check_sid(name) or name.startswith("mp_sess"), name


def test_unknown_well_formed_id_is_not_adopted(session_site):
    # Session fixation: an id the server never issued is replaced, not taken over.
    planted = "0123456789abcdef0123456789abcdef"
    response = session_site.get("/counter.py", headers={"Cookie": f"pysid={planted}"})
    assert response.text.split()[0] != planted


def test_issued_id_is_resumed(session_site):
    first = session_site.get("/counter.py").text.split()[0]
    again = session_site.get("/counter.py", headers={"Cookie": f"pysid={first}"})
    assert again.text == f"{first} 2"
    assert any(path.endswith(first) for path in session_files(session_site))


COOKIE_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler jar
    PythonDebug Off
</Directory>
"""
JAR = """
from mod_python import apache, Cookie

CLASSES = {"plain": Cookie.Cookie, "signed": Cookie.SignedCookie,
           "marshal": Cookie.MarshalCookie}

def handler(req):
    options = {} if req.args == "plain" else {"secret": "right-secret"}
    cookies = Cookie.get_cookies(req, CLASSES[req.args], **options)
    for name in sorted(cookies):
        req.write("%s=%r;" % (name, cookies[name].value))
    return apache.OK
"""


@pytest.fixture
def jar_site(make_site):
    return make_site(COOKIE_CONF, files={"jar.py": JAR})


def cookie_text(cookie) -> str:
    return str(cookie).split(";")[0]


def test_signed_cookie_with_the_right_secret_is_read(jar_site):
    good = cookie_text(Cookie.SignedCookie("user", "alice", secret="right-secret"))
    assert jar_site.get("/jar.py?signed", headers={"Cookie": good}).text == "user='alice';"


@pytest.mark.parametrize(
    "forged",
    [cookie_text(Cookie.SignedCookie("user", "alice", secret="wrong-secret")),
     "user=" + "0" * 32 + "admin",
     "user=admin",
     "user=" + "f" * 31],
)  # fmt: skip
def test_badly_signed_cookie_is_dropped(jar_site, forged):
    response = jar_site.get("/jar.py?signed", headers={"Cookie": forged})
    assert response.status == 200
    assert response.text == ""


def test_marshal_cookie_with_the_right_secret_is_read(jar_site):
    good = cookie_text(Cookie.MarshalCookie("data", {"n": 1}, secret="right-secret"))
    assert jar_site.get("/jar.py?marshal", headers={"Cookie": good}).text == "data={'n': 1};"


def test_marshal_cookie_signed_with_another_secret_is_never_unmarshalled(jar_site):
    forged = cookie_text(Cookie.MarshalCookie("data", {"n": 1}, secret="attacker"))
    response = jar_site.get("/jar.py?marshal", headers={"Cookie": forged})
    assert (response.status, response.text) == (200, "")


def test_marshal_cookie_with_valid_signature_over_garbage_is_dropped(jar_site):
    # A correctly signed value that is not base64 marshal data: no 500, no cookie.
    signed_garbage = cookie_text(
        Cookie.SignedCookie("data", "%%%not-base64", secret="right-secret")
    )
    response = jar_site.get("/jar.py?marshal", headers={"Cookie": signed_garbage})
    assert response.status == 200
    assert "data=" not in response.text


@pytest.mark.parametrize("kind", ["plain", "signed", "marshal"])
def test_oversized_cookie_header_is_a_400(jar_site, kind):
    response = jar_site.get(f"/jar.py?{kind}", headers={"Cookie": "a=" + "x" * 10000})
    assert response.status == 400


@pytest.mark.parametrize("kind", ["plain", "signed", "marshal"])
def test_thousands_of_cookies_within_the_limit_parse(jar_site, kind):
    response = jar_site.get(f"/jar.py?{kind}", headers={"Cookie": "; ".join(["c=1"] * 1500)})
    assert response.status == 200


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=80),
       kind=st.sampled_from(["plain", "signed", "marshal"]))  # fmt: skip
def test_any_cookie_header_is_answered_without_an_error(jar_site, header, kind):
    response = jar_site.get(f"/jar.py?{kind}", headers={"Cookie": header})
    assert response.status == 200, jar_site.error_log[-2000:]
