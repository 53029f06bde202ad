"""mod_python.publisher against the real module: the same requests, the same answers.

Where the real module (Debian's 2021 build on Python 3.11) is broken, the test says how,
checks the oracle still behaves that way, and checks that we answer what mod_python meant.
"""

from __future__ import annotations

import base64

import pytest

pytestmark = pytest.mark.oracle

SPAM_EGGS = {"Authorization": "Basic " + base64.b64encode(b"spam:eggs").decode()}
URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}

SAME = [
    # file and object resolution (mod_python's test_publisher)
    "/pages.py", "/pages", "/pages/", "/pages.py/", "/pages.py/index", "/pages.py/index/",
    "/", "/foobar", "/interpreter", "/nonexistent/deeper", "/pages.py/no_such_object",
    "/sub/", "/sub", "/sub/page", "/sub/index.py/page",
    # AddHandler extensions stripped from the module name
    "/ext/handler.py", "/ext/handler.py/other", "/ext/alt.pub", "/ext/handler",
    # refusals (test_publisher_security)
    "/pages.py/_SECRET_PASSWORD", "/pages.py/__ANSWER", "/pages.py/%5fSECRET_PASSWORD",
    "/pages.py/re", "/pages.py/os", "/pages.py/os/system", "/pages.py/apache",
    "/pages.py/apache/OK", "/pages.py/InstanceTest", "/pages.py/index/func_code",
    "/pages.py/index/__code__", "/pages.py/instance/traverse/func_code",
    "/pages.py/old_instance/traverse/func_code", "/pages.py/test_dict/keys",
    "/pages.py/test_dict_keys", "/pages.py/upper", "/pages.py/builtin_len",
    "/pages.py/VERSION/upper", "/pages.py/instance%2Ftraverse", "/pages.py/a//b",
    "/pages.py/a..b", "/pages.py/hello%00", "/pages.py/caf%C3%A9",
    # instances and hierarchies
    "/pages.py/instance", "/pages.py/instance/traverse", "/pages.py/instance/attribute",
    "/pages.py/instance.traverse", "/pages.py/instance%2etraverse", "/pages.py/index//",
    "/pages.py/old_instance", "/pages.py/old_instance/traverse",
    "/pages.py/hierarchy_root", "/pages.py/hierarchy_root/page1",
    "/pages.py/hierarchy_root/page1/subpage1", "/pages.py/hierarchy_root/page2",
    "/pages.py/hierarchy_root_2", "/pages.py/hierarchy_root_2/page1",
    # results and the content-type guess
    "/pages.py/VERSION", "/pages.py/NUMBER", "/pages.py/NOTHING", "/pages.py/LIST",
    "/pages.py/TEXT_HTML", "/pages.py/html", "/pages.py/html_early", "/pages.py/own_type",
    "/pages.py/writes_and_returns", "/pages.py/writes_only", "/pages.py/returns_none",
    "/pages.py/returns_number", "/pages.py/returns_list", "/pages.py/returns_dict",
    "/pages.py/returns_function?name=f", "/pages.py/raises", "/pages.py/forbidden",
    "/pages.py/with_status", "/pages.py/lambda_page", "/pages.py/method",
    # arguments from the query string
    "/pages.py/hello", "/pages.py/hello?name=x", "/pages.py/pair?first=1",
    "/pages.py/pair?first=1&second=2&third=3", "/pages.py/pair",
    "/pages.py/no_req?visitor=me", "/pages.py/kwargs?first=1&second=2",
    "/pages.py/repeated?item=1&item=2", "/pages.py/repeated?item=",
    "/pages.py/hello?name=%3Cb%3E", "/pages.py/hello?name=caf%C3%A9", "/pages.py/hello?name=%ff",
    "/pages.py/hello?name=a&name=b",
    # auth without credentials, and a Digest header where nothing asks for auth
    "/pages.py/obj/method", "/pages.py/guarded", "/authmod.py", "/denymod.py",
]  # fmt: skip


def test_enough_requests_are_compared():
    assert len(SAME) >= 30


@pytest.mark.parametrize("path", SAME)
def test_get_is_answered_the_same(publisher_servers, path):
    publisher_servers.assert_same("GET", path)


def test_head_is_answered_the_same(publisher_servers):
    ours, _ = publisher_servers.assert_same("HEAD", "/pages.py/hello")
    assert ours.body == b""


@pytest.mark.parametrize("method", ["PUT", "DELETE", "OPTIONS"])
def test_other_methods_get_405(publisher_servers, method):
    ours, oracle = publisher_servers.assert_same(
        method, "/pages.py/hello", ignore_headers=("Allow",)
    )
    # httpd lists Allow in hash order: compared as sets.
    assert set(ours.header("Allow").split(",")) == set(oracle.header("Allow").split(","))


def test_form_body_of_an_unknown_type_is_501_listing_the_published_methods(publisher_servers):
    ours, oracle = publisher_servers.assert_same(
        "POST", "/pages.py/index", {"Content-Type": "text/xml"}, b"<a/>", ignore_headers=("Allow",)
    )
    assert ours.status == 501
    assert set(ours.header("Allow").split(",")) == set(oracle.header("Allow").split(","))


@pytest.mark.parametrize(
    ("path", "body"),
    [("/pages.py/index", b"x=1"), ("/pages.py/method", b"a=b"), ("/pages.py/VERSION", b"")],
)
def test_post_is_answered_the_same(publisher_servers, path, body):
    publisher_servers.assert_same("POST", path, URLENCODED, body)


def test_post_without_a_length_is_411(publisher_servers):
    ours, _ = publisher_servers.assert_same("POST", "/pages.py/pair?first=1", URLENCODED)
    assert ours.status == 411


@pytest.mark.parametrize("path", ["/pages.py/html", "/pages.py/raises"])
def test_head_of_other_results_is_answered_the_same(publisher_servers, path):
    publisher_servers.assert_same("HEAD", path)


def test_digest_header_without_auth_objects_is_ignored(publisher_servers):
    # mod_python's test_publisher_auth_digest.
    headers = {"Authorization": 'Digest username="spam", realm="x", nonce="1"'}
    ours, _ = publisher_servers.assert_same("GET", "/pages.py/index", headers)
    assert ours.status == 200


def test_malformed_basic_credentials_are_a_bad_request(publisher_servers):
    ours, _ = publisher_servers.assert_same("GET", "/authmod.py", {"Authorization": "Basic !!!"})
    assert ours.status == 400


# ---- where the real module is broken ------------------------------------------------------


@pytest.mark.parametrize("path", ["/pages.py/nested_auth", "/pages.py/obj/method",
                                  "/pages.py/guarded", "/authmod.py"])  # fmt: skip
def test_basic_credentials_are_checked_where_the_debian_build_answers_400(publisher_servers, path):
    # That build decodes credentials with base64.decodestring, gone since Python 3.9: every
    # request with Basic credentials to a protected object is a 400 there.
    ours, oracle = publisher_servers.exchange("GET", path, SPAM_EGGS)
    assert oracle.status == 400
    assert ours.status == 200


def test_nested_auth_calls_both_checks(publisher_servers):
    ours, _ = publisher_servers.exchange("GET", "/pages.py/nested_auth", SPAM_EGGS)
    assert ours.body == b"nested ok, auth=1 access=1"


def test_nested_realm_is_the_one_written_in_the_function(publisher_servers):
    # The real module picks constants by a position formula that misses on Python 3.11:
    # its realm is another string constant of the function.
    ours, oracle = publisher_servers.exchange("GET", "/pages.py/nested_auth")
    assert ours.status == oracle.status == 401
    assert ours.header("WWW-Authenticate") == 'Basic realm="Nested Realm"'
    assert oracle.header("WWW-Authenticate") != ours.header("WWW-Authenticate")


def test_nested_access_list_is_read_as_written(publisher_servers):
    # Same formula: the real module reads __access__ = ["spam"] as the constant "spam",
    # which is true, and lets anyone in.
    ours, oracle = publisher_servers.exchange("GET", "/pages.py/nested_access_list")
    assert oracle.status == 200
    assert ours.status == 403


def test_posted_fields_bind_to_parameters(publisher_servers):
    # The real module drops urlencoded POST fields (bytes names on Python 3).
    body = b"name=posted"
    ours, oracle = publisher_servers.exchange("POST", "/pages.py/hello", URLENCODED, body)
    assert oracle.body == b"hello world"
    assert ours.body == b"hello b'posted'"  # bytes values, FieldStorage's default contract


def test_posted_fields_reach_kwargs(publisher_servers):
    # The real module fails there: "keywords must be strings" (500).
    ours, oracle = publisher_servers.exchange("POST", "/pages.py/kwargs", URLENCODED, b"p=1")
    assert oracle.status == 500
    assert (ours.status, ours.body) == (200, b"p=b'1'")


@pytest.mark.parametrize("path", ["/pages.py/index.", "/pages.py/.index", "/pages.py/%ff"])
def test_names_the_real_module_crashes_on_are_not_found(publisher_servers, path):
    # IndexError on an empty name, UnicodeDecodeError on a non-UTF-8 path: 500 there.
    ours, oracle = publisher_servers.exchange("GET", path)
    assert oracle.status == 500
    assert ours.status == 404


@pytest.mark.parametrize(
    ("path", "oracle_text", "our_body"),
    [
        ("/pages.py/test_generator", b"<generator object", b"0123456789"),
        ("/pages.py/test_dict_iteration", b"dict_keys([1, 2, 3])", b"123"),
    ],
)
def test_iterators_are_streamed(publisher_servers, path, oracle_text, our_body):
    # The real module writes str() of them; mod_python's disabled test_publisher_iterator
    # expects the items.
    ours, oracle = publisher_servers.exchange("GET", path)
    assert oracle.body.startswith(oracle_text)
    assert ours.body == our_body
