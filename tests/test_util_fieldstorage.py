"""util.FieldStorage through the engine: mod_python's test, options, statuses, req.form."""

from __future__ import annotations

import hashlib
import random
import urllib.request

import pytest

FORM_SITE = """
<Directory "{docroot}">
  SetHandler mod_python
  PythonHandler form
  PythonDebug Off
  %s
</Directory>
"""

FORM_HANDLER = """
from mod_python import apache, util

def cleanup(req):
    files = [field.file for field in req.form.list if field.filename]
    req.log_error("uploads closed: %r" % [file.closed for file in files])
    return apache.OK

def handler(req):
    req.content_type = "text/plain"
    fs = util.FieldStorage(req)
    for field in fs.list:
        if field.filename:
            digest = __import__("hashlib").md5(field.value).hexdigest()
            req.write("%r upload %r md5=%s\\n" % (field.name, field.filename, digest))
        else:
            req.write("%r = %r\\n" % (field.name, field.value))
    return apache.OK
"""

URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}


def form_site(make_site, directives: str = ""):
    return make_site(FORM_SITE % directives, files={"form.py": FORM_HANDLER})


def multipart_headers(boundary: str) -> dict:
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_util_fieldstorage(make_site):
    site = make_site(
        FORM_SITE % "",
        files={"form.py": """
            from mod_python import apache, util

            def handler(req):
                req.write(repr(util.FieldStorage(req).list))
                return apache.OK
        """},
    )  # fmt: skip
    response = site.post("/form.py", b"spam=1&spam=2&eggs=3&bacon=4", headers=URLENCODED)
    assert response.body == (
        b"[Field(b'spam', b'1'), Field(b'spam', b'2'), Field(b'eggs', b'3'), Field(b'bacon', b'4')]"
    )


def test_str_fields_option_gives_str_names_and_values(make_site):
    site = form_site(make_site, "PythonOption mod_python.util.str_fields On")
    response = site.post("/form.py?q=1", b"na%C3%AFve=caf%C3%A9", headers=URLENCODED)
    assert response.body == "'q' = '1'\n'naïve' = 'café'\n".encode()


@pytest.mark.parametrize(
    "handler_line, expected",
    [("", b"[Field(b'x', b'1')]"),
     ('req.get_options()["mod_python.util.str_fields"] = "On"', b"[Field('x', '1')]"),
     ('del req.get_options()["mod_python.util.str_fields"]', b"[Field(b'x', b'1')]")],
    ids=["untouched", "set-by-handler", "removed-by-handler"],
)  # fmt: skip
def test_options_a_handler_changed_apply_to_its_form(make_site, handler_line, expected):
    site = make_site(
        FORM_SITE % "",
        files={"form.py": f"""
            from mod_python import apache, util

            def handler(req):
                {handler_line}
                req.write(repr(util.FieldStorage(req).list))
                return apache.OK
        """},
    )  # fmt: skip
    if handler_line.startswith("del"):
        site = make_site(
            FORM_SITE % "PythonOption mod_python.util.str_fields On",
            files={"form.py": site.docroot.joinpath("form.py").read_text()},
        )
    assert site.post("/form.py", b"x=1", headers=URLENCODED).body == expected


@pytest.mark.parametrize(
    "directive, expected",
    [("", b"'a' = '1;b=2'\n"), ('PythonOption mod_python.util.query_separators "&;"',
                                b"'a' = '1'\n'b' = '2'\n")],
    ids=["ampersand-only", "with-semicolon"],
)  # fmt: skip
def test_query_separators_option(make_site, directive, expected):
    assert form_site(make_site, directive).get("/form.py?a=1;b=2").body == expected


def test_limit_request_body_answers_413_without_a_traceback(make_site):
    site = form_site(make_site, "LimitRequestBody 100")
    response = site.post("/form.py", b"a=" + b"x" * 200, headers=URLENCODED)
    assert response.status == 413
    assert b"Traceback" not in response.body


def test_too_many_fields_answers_413_and_logs_why(make_site):
    site = form_site(make_site, "PythonOption mod_python.util.max_fields 3")
    response = site.post("/form.py", b"a=1&b=2&c=3&d=4", headers=URLENCODED)
    assert response.status == 413
    assert "form refused: the form has 4 fields, more than 3" in site.error_log


def test_malformed_multipart_answers_400(make_site):
    body = b"--b\r\nno colon\r\n\r\nv\r\n--b--\r\n"
    response = form_site(make_site).post("/form.py", body, headers=multipart_headers("b"))
    assert response.status == 400
    assert b"Traceback" not in response.body


def test_bad_option_value_is_a_500_naming_it(make_site):
    site = form_site(make_site, "PythonOption mod_python.util.max_fields lots")
    assert site.post("/form.py", b"a=1", headers=URLENCODED).status == 500
    assert "mod_python.util.max_fields" in site.error_log


def test_upload_temporary_files_are_closed_when_the_request_ends(make_site):
    site = form_site(
        make_site,
        "PythonOption mod_python.util.spool_threshold 1K\nPythonCleanupHandler form::cleanup",
    )
    body = (
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'
        + b"z" * 50_000
        + b"\r\n--b--\r\n"
    )
    response = site.post("/form.py", body, headers=multipart_headers("b"))
    assert response.status == 200
    assert hashlib.md5(b"z" * 50_000).hexdigest().encode() in response.body
    assert "uploads closed: [True]" in site.error_log


def test_req_form_is_reused_by_a_later_handler(make_site):
    site = make_site(
        """
        <Directory "{docroot}">
          SetHandler mod_python
          PythonHandler first
          PythonHandler second
        </Directory>
        """,
        files={
            "first.py": """
                from mod_python import apache, util

                def handler(req):
                    util.FieldStorage(req)
                    return apache.OK
            """,
            "second.py": """
                from mod_python import apache, util

                def handler(req):
                    again = util.FieldStorage(req)
                    req.write("%r %r" % (req.form[b"a"].value, again is req.form))
                    return apache.OK
            """,
        },
    )  # fmt: skip
    assert site.post("/x.py", b"a=1", headers=URLENCODED).body == b"b'1' True"


def test_fileupload_over_a_real_socket(make_site, live_server):
    """mod_python's test_fileupload: 1 MiB of random bytes, md5 compared."""
    content = random.Random(31).randbytes(1 << 20)
    body = (
        b'--xYzZY\r\nContent-Disposition: form-data; name="testfile"; filename="test.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n--xYzZY--\r\n"
    )
    url = live_server(form_site(make_site))
    request = urllib.request.Request(
        url + "/form.py", data=body, headers=multipart_headers("xYzZY")
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        answer = response.read()
    assert (
        answer
        == b"'testfile' upload 'test.bin' md5=%s\n" % hashlib.md5(content).hexdigest().encode()
    )
