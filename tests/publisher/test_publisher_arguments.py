"""Form fields as arguments of the published callable (SPEC 7.4, 6.1 apply_fs_data)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

PAGE = """
def hello(req, name="world"):
    return "hello %r" % (name,)


def two(req, a, b="B"):
    return "a=%r b=%r" % (a, b)


def no_req(who="nobody"):
    return "who=%r" % (who,)


def everything(req, **fields):
    return ",".join("%s=%r" % (key, fields[key]) for key in sorted(fields))


def repeated(item=None):
    return repr(item)


def request_is_request(req):
    return type(req).__name__


def upload(req, data=None, note=None):
    return "%s:%r:%r" % (type(data).__name__, data.filename, note)


class Form:
    def submit(self, req, value="none"):
        return "method got %r" % (value,)


form = Form()
"""

URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(params=["default", "str_fields"])
def site(request, publisher_site):
    extra = "PythonOption mod_python.util.str_fields On" if request.param == "str_fields" else ""
    built = publisher_site({"args.py": PAGE}, extra=extra)
    built.str_fields = request.param == "str_fields"
    return built


def post(site, path, fields):
    return site.post(path, urlencode(fields, doseq=True).encode(), headers=URLENCODED)


def posted(site, value: str) -> str:
    """How a POSTed value reaches the function: bytes by default, str with str_fields."""
    return repr(value if site.str_fields else value.encode())


def test_query_string_binds_by_name(site):
    assert site.get("/args.py/hello?name=bob").text == "hello 'bob'"


def test_missing_optional_argument_keeps_its_default(site):
    assert site.get("/args.py/hello").text == "hello 'world'"


def test_unknown_fields_are_dropped(site):
    assert site.get("/args.py/two?a=1&zzz=2").text == "a='1' b='B'"


def test_missing_required_argument_is_a_500_as_in_mod_python(site):
    response = site.get("/args.py/two?b=2")
    assert response.status == 500
    assert "missing 1 required positional argument: 'a'" in site.error_log


def test_function_without_req_parameter_gets_only_fields(site):
    assert site.get("/args.py/no_req?who=me").text == "who='me'"


def test_repeated_field_arrives_as_a_list(site):
    assert site.get("/args.py/repeated?item=1&item=2").text == "['1', '2']"


def test_blank_values_are_kept(site):
    assert site.get("/args.py/repeated?item=").text == "''"


def test_kwargs_receive_every_field(site):
    assert site.get("/args.py/everything?x=1&y=2").text == "x='1',y='2'"


def test_field_named_req_does_not_replace_the_request(site):
    # mod_python fails with a 500 (the request object has no append).
    assert site.get("/args.py/request_is_request?req=forged").text == "Request"


def test_method_of_an_instance_binds_without_self(site):
    assert site.get("/args.py/form/submit?value=v&self=x").text == "method got 'v'"


def test_posted_field_binds_in_both_modes(site):
    # mod_python's Python 3 port drops POSTed fields (bytes names): the parameter
    # keeps its default there.
    response = post(site, "/args.py/hello", {"name": "posted"})
    assert response.text == f"hello {posted(site, 'posted')}"


def test_posted_fields_reach_kwargs_in_both_modes(site):
    response = post(site, "/args.py/everything", {"p": "1", "q": ["2", "3"]})
    one, two, three = (posted(site, value) for value in "123")
    assert response.text == f"p={one},q=[{two}, {three}]"


def test_query_and_body_fields_are_combined(site):
    response = post(site, "/args.py/two?a=1", {"b": "2"})
    assert response.text == f"a='1' b={posted(site, '2')}"


def test_uploaded_file_arrives_as_its_field(site):
    boundary = "XyZ"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="data"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        "file body\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="note"\r\n\r\n'
        "a note\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = site.post("/args.py/upload", body, headers=headers)
    assert response.status == 200
    kind, filename, note = response.text.split(":")
    assert kind == "Field"
    assert filename == repr("a.txt")
    assert note in (repr("a note"), repr(b"a note"))


def test_post_without_length_is_refused_by_the_form(site):
    response = site.request("POST", "/args.py/hello", headers=URLENCODED)
    assert response.status == 411


def test_form_is_left_on_the_request(publisher_site):
    page = (
        "def index(req, a=None):\n    return repr(req.form.getfirst('a').value) + ':' + repr(a)\n"
    )
    site = publisher_site({"p.py": page})
    assert site.get("/p.py?a=1").text == "'1':'1'"
