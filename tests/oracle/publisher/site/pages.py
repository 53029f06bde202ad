"""Published objects of every kind, for the differential tests."""

# Written the way legacy mod_python pages are (object bases, names only the publisher reads).
# ruff: noqa: UP004, UP028, F841

import os  # noqa: F401 - published modules must not be reachable
import re  # noqa: F401

from mod_python import apache

_SECRET_PASSWORD = "root"
__ANSWER = 42
VERSION = "1.0"
NUMBER = 1234
NOTHING = None
LIST = [1, 2, 3]
TEXT_HTML = "<html><body>constant</body></html>"


def index(req):
    return "pages index"


def hello(req, name="world"):
    return "hello %s" % name


def pair(req, first, second="S"):
    return "first=%s second=%s" % (first, second)


def no_req(visitor="nobody"):
    return "no req, visitor=%s" % visitor


def kwargs(req, **fields):
    return ",".join("%s=%s" % (k, fields[k]) for k in sorted(fields))


def repeated(req, item=None):
    return repr(item)


def html(req):
    return "<HTML><body>shouted tags</body></HTML>  \n"


def html_early(req):
    return "<html><body>x</body></html> and more text after the closing tag"


def own_type(req):
    req.content_type = "application/json"
    return '{"a": 1}'


def writes_and_returns(req):
    req.write("written;")
    return "returned"


def writes_only(req):
    req.write("only written")


def returns_none(req):
    return None


def returns_number(req):
    return 42


def returns_list(req):
    return ["a", "b"]


def returns_dict(req):
    return {"k": "v"}


def returns_function(req):
    return hello


def raises(req):
    raise ValueError("published function failed")


def forbidden(req):
    raise apache.SERVER_RETURN(apache.HTTP_FORBIDDEN)


def with_status(req):
    req.status = apache.HTTP_CREATED
    return "created"


def method(req):
    return req.method


class Plain:
    pass


class InstanceTest(object):
    def __call__(self, req):
        return "test callable instance ok"

    def traverse(self, req):
        return "test traversable instance ok"

    attribute = "instance attribute"


instance = InstanceTest()
old_instance = InstanceTest()


class Mapping(object):
    def __init__(self, name):
        self.name = name

    def __call__(self, req):
        return "Called %s" % self.name


hierarchy_root = Mapping("root")
hierarchy_root.page1 = Mapping("page1")
hierarchy_root.page1.subpage1 = Mapping("subpage1")
hierarchy_root.page2 = Mapping("page2")


class Mapping2:
    pass


hierarchy_root_2 = Mapping2()
hierarchy_root_2.__call__ = index
hierarchy_root_2.page1 = index
hierarchy_root_2.page2 = index

plain = Plain()
test_dict = {1: 1, 2: 2, 3: 3}
test_dict_keys = test_dict.keys
upper = "text".upper
builtin_len = len
lambda_page = lambda req: "lambda page"  # noqa: E731


def test_generator(req):
    for count in range(10):
        yield count


def test_dict_iteration(req):
    return test_dict_keys()


def nested_auth(req):
    def __auth__(req, user, password):
        req.notes["auth_called"] = "1"
        return user == "spam" and password == "eggs"

    def __access__(req, user):
        req.notes["access_called"] = "1"
        return True

    __auth_realm__ = "Nested Realm"
    return "nested ok, auth=%s access=%s" % (
        req.notes.get("auth_called"),
        req.notes.get("access_called"),
    )


def nested_access_list(req):
    __access__ = ["spam"]
    return "listed"


class Protected:
    def method(self, req):
        def __auth__(req, user, password):
            return user == "spam" and password == "eggs"

        return "method nested ok"


obj = Protected()


class Guarded:
    __auth_realm__ = "Guarded Realm"
    __auth__ = {"spam": "eggs"}

    def __call__(self, req):
        return "guarded"


guarded = Guarded()
