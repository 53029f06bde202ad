"""mod_python.Session on every store: the session life cycle, ids, cookies, options and the
factory (SPEC 6.3; SPEC 12 test_Session_Session, test_Session_illegal_sid)."""

from __future__ import annotations

import dbm
import re
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mod_python import Cookie, Session, apache
from mod_python._engine import process_model
from mod_python._engine.sessions import factory, ids
from mod_python._engine.sessions.base import cleanup_due
from mod_python._engine.sessions.options import session_settings

from .conftest import BACKENDS, cookie_pair

SECRET = "session secret"


def counting_handler(req):
    """Increments the session's counter and reports is_new and the count."""
    session = Session.Session(req)
    session["count"] = session.get("count", 0) + 1
    session.save()
    req.write(f"{'new' if session.is_new() else 'old'} {session['count']}")
    return apache.OK


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


# ---- the life cycle (every store) -----------------------------------------------------------


def test_first_request_gets_a_new_session_and_a_cookie(session_site, backend):
    response = session_site(backend, counting_handler).get("/app/h.py")
    assert response.body == b"new 1"
    assert re.fullmatch(r"pysid=[0-9a-f]{32}", cookie_pair(response))
    assert response.header("Cache-Control") == 'no-cache="set-cookie"'


def test_the_cookie_brings_the_saved_session_back(session_site, backend):
    # SPEC 12 test_Session_Session: the second request loads what the first saved.
    site = session_site(backend, counting_handler)
    cookie = cookie_pair(site.get("/app/h.py"))
    second = site.get("/app/h.py", headers={"Cookie": cookie})
    assert second.body == b"old 2"
    assert second.header_values("Set-Cookie") == []


@pytest.mark.parametrize(
    "bad_sid",
    ["/path/traversal/attack/bad", "0123456789abcdef" * 24, "../../../../etc/passwd",
     "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcde"],
)  # fmt: skip
def test_an_illegal_id_in_the_cookie_gets_a_new_session(session_site, backend, bad_sid):
    # SPEC 12 test_Session_illegal_sid: 200 and a fresh cookie, nothing outside the store.
    site = session_site(backend, counting_handler)
    response = site.get("/app/h.py", headers={"Cookie": f"pysid={bad_sid}"})
    assert response.status == 200
    assert response.body == b"new 1"
    assert cookie_pair(response) != f"pysid={bad_sid}"


def test_an_id_with_a_trailing_newline_is_not_an_id():
    assert not ids.check_sid("0123456789abcdef0123456789abcdef\n")
    assert ids.check_sid("0123456789abcdef0123456789abcdef")


@given(st.text(alphabet="0123456789abcdefABCDEF/.\n g-", min_size=30, max_size=34))
def test_the_id_check_agrees_with_the_id_pattern(sid):
    assert ids.check_sid(sid) is (ids.SID_PATTERN.fullmatch(sid) is not None)


@pytest.mark.parametrize("sid", ["a" * 15 + "/" + "b" * 16, "\n" + "a" * 31, "a" * 31 + "\u00e9"])
def test_the_id_check_refuses_a_foreign_character_anywhere(sid):
    assert not ids.check_sid(sid)


def test_an_illegal_id_given_by_the_application_is_its_error(session_site, backend):
    def handler(req):
        with pytest.raises(ValueError, match="Invalid Session ID"):
            Session.Session(req, sid="../etc")
        return apache.OK

    assert session_site(backend, handler).get("/app/h.py").status == 200


def test_an_unknown_but_well_formed_id_gets_a_new_id(session_site, backend):
    site = session_site(backend, counting_handler)
    unknown = "0123456789abcdef0123456789abcdef"
    response = site.get("/app/h.py", headers={"Cookie": f"pysid={unknown}"})
    assert response.body == b"new 1"
    assert cookie_pair(response) != f"pysid={unknown}"


def test_a_session_not_saved_is_not_stored(session_site, backend):
    def handler(req):
        session = Session.Session(req)
        req.write("new" if session.is_new() else "old")
        return apache.OK

    site = session_site(backend, handler)
    cookie = cookie_pair(site.get("/app/h.py"))
    assert site.get("/app/h.py", headers={"Cookie": cookie}).body == b"new"


def test_an_expired_session_is_replaced(session_site, backend):
    def handler(req):
        session = Session.Session(req)
        if session.is_new():
            session.set_timeout(-1)  # already expired when it is read back
            session.save()
        req.write("new" if session.is_new() else "old")
        return apache.OK

    site = session_site(backend, handler)
    cookie = cookie_pair(site.get("/app/h.py"))
    response = site.get("/app/h.py", headers={"Cookie": cookie})
    assert response.body == b"new"
    assert cookie_pair(response) != cookie


def test_times_and_timeout_are_kept_and_the_loaded_timeout_wins(session_site, backend):
    seen = []

    def handler(req):
        session = Session.Session(req, timeout=999 if seen else 0)
        if session.is_new():
            session.set_timeout(1234)
            session.save()
        seen.append((session.created(), session.last_accessed(), session.timeout()))
        return apache.OK

    site = session_site(backend, handler)
    cookie = cookie_pair(site.get("/app/h.py"))
    site.get("/app/h.py", headers={"Cookie": cookie})
    (created1, accessed1, timeout1), (created2, accessed2, timeout2) = seen
    assert timeout1 == timeout2 == 1234
    assert created2 == created1
    assert accessed2 >= accessed1 >= created1 > 0


def test_default_timeout_is_thirty_minutes(session_site, backend):
    def handler(req):
        req.write(str(Session.Session(req).timeout()))
        return apache.OK

    assert session_site(backend, handler).get("/app/h.py").body == b"1800"


def test_invalidate_expires_the_cookie_and_forgets_the_session(session_site, backend):
    def handler(req):
        session = Session.Session(req)
        if not session.is_new():
            session.invalidate()
            session["after"] = 1
            session.save()  # a no-op once invalidated
        else:
            session.save()
        return apache.OK

    site = session_site(backend, handler)
    cookie = cookie_pair(site.get("/app/h.py"))
    response = site.get("/app/h.py", headers={"Cookie": cookie})
    assert response.header_values("Set-Cookie") == [
        f"{cookie}; path=/app/; expires=Thu, 01-Jan-1970 00:00:00 GMT"
    ]
    third = site.get("/app/h.py", headers={"Cookie": cookie})
    assert cookie_pair(third) != cookie


def test_delete_clears_the_data_and_the_store(session_site, backend):
    def handler(req):
        session = Session.Session(req)
        if session.is_new():
            session["x"] = 1
            session.save()
        else:
            session.delete()
            req.write(repr(dict(session)))
        return apache.OK

    site = session_site(backend, handler)
    cookie = cookie_pair(site.get("/app/h.py"))
    assert site.get("/app/h.py", headers={"Cookie": cookie}).body == b"{}"
    assert cookie_pair(site.get("/app/h.py", headers={"Cookie": cookie})) != cookie


# ---- cookies, secrets and options ---------------------------------------------------------


def test_cookie_path_and_domain_come_from_the_options(session_site):
    # SPEC 12 test_Session_Session: path=/path and the vhost name as domain.
    site = session_site(
        "MemorySession", counting_handler,
        "PythonOption mod_python.session.application_path /path\n"
        "PythonOption mod_python.session.application_domain test_Session_Session",
    )  # fmt: skip
    header = site.get("/app/h.py").header("Set-Cookie")
    assert header.endswith("; path=/path; domain=test_Session_Session")


def test_cookie_path_defaults_to_the_handlers_directory(session_site):
    header = session_site("MemorySession", counting_handler).get("/app/h.py").header("Set-Cookie")
    assert header.endswith("; path=/app/")


@pytest.mark.parametrize("option", ["mod_python.session.application_path", "ApplicationPath"])
def test_both_names_of_the_path_option_work(session_site, option):
    site = session_site("MemorySession", counting_handler, f"PythonOption {option} /shop")
    assert site.get("/app/h.py").header("Set-Cookie").endswith("; path=/shop")


@pytest.mark.parametrize("option", ["mod_python.session.cookie_name", "session_cookie_name"])
def test_cookie_name_option_names_the_cookie_read_and_written(session_site, option):
    site = session_site("MemorySession", counting_handler, f"PythonOption {option} appsid")
    cookie = cookie_pair(site.get("/app/h.py"))
    assert cookie.startswith("appsid=")
    assert site.get("/app/h.py", headers={"Cookie": cookie}).body == b"old 2"


def secret_handler(req):
    session = Session.Session(req, secret=SECRET)
    session["count"] = session.get("count", 0) + 1
    session.save()
    req.write(f"{'new' if session.is_new() else 'old'} {session['count']}")
    return apache.OK


def test_with_a_secret_the_session_cookie_is_signed_and_read_back(session_site, backend):
    site = session_site(backend, secret_handler)
    cookie = cookie_pair(site.get("/app/h.py"))
    name, value = cookie.split("=", 1)
    sid = value[32:]
    assert ids.check_sid(sid)
    assert value[:32] == Cookie.SignedCookie("pysid", sid, secret=SECRET).hexdigest(sid)
    assert site.get("/app/h.py", headers={"Cookie": cookie}).body == b"old 2"


def test_with_a_secret_a_plain_cookie_is_refused(session_site, backend):
    # MODPYTHON-191: the bare id of a real session is not accepted without its signature.
    site = session_site(backend, secret_handler)
    signed = cookie_pair(site.get("/app/h.py"))
    bare = "pysid=" + signed.split("=", 1)[1][32:]
    response = site.get("/app/h.py", headers={"Cookie": bare})
    assert response.body == b"new 1"


def test_ids_are_32_hex_digits_from_secrets(monkeypatch):
    monkeypatch.setattr(ids.secrets, "token_hex", lambda size: "ab" * size)
    assert ids.new_sid() == "ab" * 16


def test_ids_do_not_repeat():
    assert len({ids.new_sid() for _ in range(1000)}) == 1000


# ---- the factory ---------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["mod_python.session.session_type", "session"])
@pytest.mark.parametrize("name", ["FileSession", "DbmSession", "MemorySession"])
def test_factory_picks_the_class_the_option_names(make_site, tmp_path, option, name):
    class FakeRequest:
        def get_options(self):
            return {option: name}

    assert factory.session_class(FakeRequest()) is getattr(Session, name)


def test_factory_refuses_an_unknown_type(session_site):
    def handler(req):
        with pytest.raises(Exception, match="Unknown session type PickleSession"):
            Session.Session(req)
        return apache.OK

    site = session_site("MemorySession", handler, "PythonOption session PickleSession")
    assert site.get("/app/h.py").status == 200


@pytest.mark.parametrize(
    ("processes", "threads", "expected"),
    [(1, 10, "MemorySession"), (4, 10, "DbmSession"), (4, 1, "DbmSession"), (1, 1, "DbmSession")],
)
def test_default_type_follows_the_process_model(monkeypatch, processes, threads, expected):
    monkeypatch.setattr(process_model, "processes", processes)
    monkeypatch.setattr(process_model, "threads", threads)
    assert factory.default_session_type() == expected


def test_the_session_is_left_on_the_request(session_site, backend):
    def handler(req):
        session = Session.Session(req)
        assert req.session is session
        assert Session.Session(req) is session  # a second call: the same object, no deadlock
        return apache.OK

    assert session_site(backend, handler).get("/app/h.py").status == 200


def test_an_internal_redirect_gets_the_same_session(session_site, backend):
    seen = []

    def handler(req):
        session = Session.Session(req)
        seen.append(session)
        if req.prev is None:
            req.internal_redirect("/app/h.py?second")
        return apache.OK

    assert session_site(backend, handler).get("/app/h.py").status == 200
    assert len(seen) == 2 and seen[0] is seen[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("True", True), ("1", True), (1, True), (True, True), ("no", False),
     ("FALSE", False), ("0", False), (0, False), (None, False), (False, False)],
)  # fmt: skip
def test_true_or_false_reads_option_booleans(value, expected):
    assert Session.true_or_false(value) is expected


def test_true_or_false_refuses_anything_else():
    with pytest.raises(Exception):  # noqa: B017 - mod_python raises a bare Exception
        Session.true_or_false("maybe")


def test_one_start_in_cleanup_chance_runs_a_cleanup(session_site, monkeypatch):
    monkeypatch.setattr("mod_python._engine.sessions.base.random.random", lambda: 0.0)
    site = session_site("MemorySession", counting_handler)
    site.get("/app/h.py")
    assert Session.wait_for_cleanups(5)
    assert "MemorySession: registered session cleanup." in site.error_log


def test_module_keeps_mod_pythons_constants():
    assert (Session.COOKIE_NAME, Session.DFT_TIMEOUT, Session.CLEANUP_CHANCE) == (
        "pysid", 1800, 1000,
    )  # fmt: skip
    assert Session.FS_STAT_VERSION == "MPFS_3.2"
    assert Session.tempdir == tempfile.gettempdir()


@pytest.mark.parametrize(
    ("drawn", "due"), [(0.0, True), (0.000999, True), (0.001, False), (0.5, False)]
)
def test_a_cleanup_is_due_for_draws_below_one_in_cleanup_chance(monkeypatch, drawn, due):
    monkeypatch.setattr("mod_python._engine.sessions.base.random.random", lambda: drawn)
    assert cleanup_due() is due


# ---- options -------------------------------------------------------------------------------


def test_options_are_parsed_once_per_configuration(session_site):
    seen = []

    def handler(req):
        seen.append(session_settings(req))
        return apache.OK

    site = session_site("MemorySession", handler, "PythonOption session_cookie_name kept")
    site.get("/app/h.py")
    site.get("/app/h.py")
    assert seen[0] is seen[1]
    assert seen[0].cookie_name == "kept"


def test_options_of_a_request_without_engine_configuration_are_read_each_time():
    class FakeRequest:
        options = {"session_cookie_name": "first"}

        def get_options(self):
            return self.options

    req = FakeRequest()
    assert session_settings(req).cookie_name == "first"
    req.options = {"mod_python.session.cookie_name": "second"}
    assert session_settings(req).cookie_name == "second"


def test_a_bad_lock_timeout_fails_every_session_not_just_the_first(session_site):
    failures = []

    def handler(req):
        try:
            Session.MemorySession(req)
        except ValueError as error:
            failures.append(str(error))
        return apache.OK

    site = session_site(
        "MemorySession", handler, "PythonOption mod_python.session.lock_timeout soon"
    )
    site.get("/app/h.py")
    site.get("/app/h.py")
    assert len(failures) == 2 and "lock_timeout" in failures[1]


@pytest.mark.parametrize("name", ["FileSession", "MemorySession", "DbmSession"])
def test_positional_arguments_keep_mod_pythons_order(session_site, name):
    seen = []

    def handler(req):
        if name == "DbmSession":  # (req, dbm, sid, secret, dbmtype, timeout, lock)
            session = Session.DbmSession(req, None, None, None, dbm, 77, 0)
        else:  # (req, sid, secret, timeout, lock)
            session = getattr(Session, name)(req, None, None, 77, 0)
        seen.append((session.timeout(), session._lock))
        return apache.OK

    session_site(name, handler).get("/app/h.py")
    assert seen == [(77, 0)]


def test_option_names_match_in_any_case(session_site):
    seen = []

    def handler(req):
        seen.append(session_settings(req).cookie_name)
        return apache.OK

    session_site("MemorySession", handler, "PythonOption Session_Cookie_Name mixed").get(
        "/app/h.py"
    )
    assert seen == ["mixed"]


def test_a_change_to_the_options_table_does_not_outlive_its_request(session_site):
    seen = []

    def handler(req):
        if not seen:
            req.get_options()["session_cookie_name"] = "changed"
        seen.append(session_settings(req).cookie_name)
        return apache.OK

    site = session_site("MemorySession", handler)
    site.get("/app/h.py")
    site.get("/app/h.py")
    assert seen[1] == "pysid"
