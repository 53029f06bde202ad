"""``__auth__``, ``__access__`` and ``__auth_realm__`` (SPEC 7.3; mod_python's
test_publisher_auth_nested, _auth_method_nested and _auth_digest)."""

from __future__ import annotations

import pytest
from conftest import basic

NESTED = """
def test_publisher_auth_nested(req):
    def __auth__(req, user, password):
        req.notes["auth_called"] = "1"
        return user == "spam" and password == "eggs"

    def __access__(req, user):
        req.notes["access_called"] = "1"
        return 1

    assert req.notes.get("auth_called") == "1"
    assert req.notes.get("access_called") == "1"
    return "test ok"


class Protected:
    def method(self, req):
        def __auth__(req, user, password):
            req.notes["auth_called"] = "1"
            return user == "spam" and password == "eggs"

        def __access__(req, user):
            req.notes["access_called"] = "1"
            return 1

        assert req.notes.get("auth_called") == "1"
        assert req.notes.get("access_called") == "1"
        return "test ok"


obj = Protected()


def realm(req):
    __auth_realm__ = "Members Only"
    __auth__ = lambda req, user, password: password == "eggs"
    return "realm ok for %s" % user_of(req)


def user_of(req):
    return req.user


def constants(req):
    __auth__ = {"spam": "eggs", "ham": "jam"}
    __access__ = ["spam"]
    return "constants ok"


def access_tuple(req):
    __access__ = ("spam", "ham")
    return "tuple ok"


def access_false(req):
    __auth__ = True
    __access__ = False
    return "never"


def computed(req):
    __auth__ = make_checker()
    return "never"


def make_checker():
    return lambda req, user, password: True


def no_auth(req):
    return "no auth here"
"""

MODULE_DICT = """
__auth_realm__ = "Module Realm"
__auth__ = {"spam": "eggs"}
__access__ = ["spam"]

def index(req):
    return "module ok"
"""

MODULE_FUNCTION = """
def __auth__(req, user, password):
    req.notes["seen"] = "%s/%s" % (user, password)
    return password == "eggs"

def __access__(req, user):
    return user != "blocked"

def index(req):
    return "seen " + req.notes["seen"]
"""

INSTANCE = """
class Guarded:
    __auth_realm__ = "Object Realm"
    __auth__ = {"spam": "eggs"}

    def __call__(self, req):
        return "guarded ok"

    def inner(self, req):
        return "inner ok"


guarded = Guarded()


class Open:
    def __call__(self, req):
        return "open"


holder = Open()
holder.child = Guarded()
"""


@pytest.fixture
def site(publisher_site):
    return publisher_site(
        {"nested.py": NESTED, "moddict.py": MODULE_DICT, "modfunc.py": MODULE_FUNCTION,
         "objects.py": INSTANCE}
    )  # fmt: skip


def test_nested_auth_and_access_are_called_and_accept_good_credentials(site):
    response = site.get("/nested.py/test_publisher_auth_nested", headers=basic("spam", "eggs"))
    assert (response.status, response.body) == (200, b"test ok")


def test_nested_auth_in_a_method_of_a_published_instance(site):
    response = site.get("/nested.py/obj/method", headers=basic("spam", "eggs"))
    assert (response.status, response.body) == (200, b"test ok")


@pytest.mark.parametrize("path", ["/nested.py/test_publisher_auth_nested", "/nested.py/obj/method"])
def test_nested_auth_refuses_a_wrong_password_with_the_spaced_challenge(site, path):
    response = site.get(path, headers=basic("spam", "wrong"))
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm = "unknown"'


def test_no_credentials_get_the_challenge_with_the_default_realm(site):
    response = site.get("/nested.py/test_publisher_auth_nested")
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="unknown"'


def test_nested_realm_is_named_in_the_challenge(site):
    response = site.get("/nested.py/realm")
    assert response.header("WWW-Authenticate") == 'Basic realm="Members Only"'


def test_accepted_user_is_not_set_on_the_request(site):
    # The publisher checks credentials itself; req.user stays Apache's (None here).
    response = site.get("/nested.py/realm", headers=basic("anyone", "eggs"))
    assert response.body == b"realm ok for None"


def test_nested_dict_and_list_constants(site):
    assert site.get("/nested.py/constants", headers=basic("spam", "eggs")).status == 200
    assert site.get("/nested.py/constants", headers=basic("ham", "jam")).status == 403
    assert site.get("/nested.py/constants", headers=basic("ham", "eggs")).status == 401


def test_nested_access_tuple_without_auth(site):
    assert site.get("/nested.py/access_tuple", headers=basic("ham", "x")).status == 200
    assert site.get("/nested.py/access_tuple", headers=basic("eve", "x")).status == 403
    assert site.get("/nested.py/access_tuple").status == 403  # no user at all


def test_false_access_constant_forbids(site):
    assert site.get("/nested.py/access_false", headers=basic("spam", "eggs")).status == 403


def test_nested_auth_that_cannot_be_read_statically_fails_closed(site):
    response = site.get("/nested.py/computed", headers=basic("spam", "eggs"))
    assert response.status == 500
    assert "cannot evaluate the __auth__ nested in" in site.error_log


def test_digest_header_on_an_object_without_auth_is_ignored(site):
    # mod_python's test_publisher_auth_digest: no auth object, so no header parsing.
    headers = {"Authorization": 'Digest username="spam", realm="x", nonce="1", response="2"'}
    response = site.get("/nested.py/no_auth", headers=headers)
    assert (response.status, response.body) == (200, b"no auth here")


def test_digest_header_on_a_protected_object_gets_the_basic_challenge(site):
    # mod_python cuts six characters off any scheme and answers 400; we challenge.
    headers = {"Authorization": 'Digest username="spam"'}
    response = site.get("/nested.py/test_publisher_auth_nested", headers=headers)
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Basic realm="unknown"'


@pytest.mark.parametrize(
    "header",
    ["Basic !!!notbase64", "Basic c3BhbWVnZ3M=", "Basic", "basic =", "Basic ::::"],
)
def test_malformed_basic_credentials_are_a_bad_request(site, header):
    response = site.get("/nested.py/test_publisher_auth_nested", headers={"Authorization": header})
    assert response.status == 400


def test_basic_credentials_in_latin1_are_accepted(site):
    import base64

    token = base64.b64encode("spam:eggs".encode("latin-1")).decode()
    response = site.get("/modfunc.py", headers={"Authorization": f"basic  {token}"})
    assert response.body == b"seen spam/eggs"


def test_utf8_credentials_are_decoded(site):
    response = site.get("/modfunc.py", headers=basic("sp\u00e1m", "eggs"))
    assert response.body == "seen sp\u00e1m/eggs".encode()


def test_password_may_contain_colons(site):
    response = site.get("/modfunc.py", headers=basic("spam", "eggs"))
    assert response.status == 200
    assert site.get("/modfunc.py", headers=basic("spam", "eg:gs")).status == 401


def test_module_level_dict_auth_and_list_access(site):
    # mod_python's Python 3 port fails on a dict __auth__ (NameError, 500): this is its intent.
    assert site.get("/moddict.py", headers=basic("spam", "eggs")).body == b"module ok"
    refused = site.get("/moddict.py", headers=basic("spam", "ham"))
    assert refused.status == 401
    assert refused.header("WWW-Authenticate") == 'Basic realm = "Module Realm"'


def test_module_level_auth_protects_every_object_in_it(site):
    assert site.get("/moddict.py/index").status == 401
    assert site.get("/moddict.py/index").header("WWW-Authenticate") == (
        'Basic realm="Module Realm"'
    )


def test_module_level_auth_function_and_access_function(site):
    assert site.get("/modfunc.py", headers=basic("spam", "eggs")).body == b"seen spam/eggs"
    assert site.get("/modfunc.py", headers=basic("blocked", "eggs")).status == 403


def test_instance_attributes_protect_the_instance_and_what_is_below_it(site):
    assert site.get("/objects.py/guarded").status == 401
    assert site.get("/objects.py/guarded/inner").status == 401
    assert site.get("/objects.py/guarded/inner", headers=basic("spam", "eggs")).body == (
        b"inner ok"
    )
    challenge = site.get("/objects.py/guarded").header("WWW-Authenticate")
    assert challenge == 'Basic realm="Object Realm"'


def test_auth_applies_from_the_step_where_it_is_found(site):
    assert site.get("/objects.py/holder").body == b"open"
    assert site.get("/objects.py/holder/child").status == 401
