"""Form bodies built to hurt: too many fields, huge part headers, a boundary that never
closes, nested multipart, client file names that climb, ``;`` as a separator
(CVE-2021-23336). Each ends in the right status with the reason in the error log."""

from __future__ import annotations

import pytest

FORM_CONF = """
<Directory "{docroot}">
    SetHandler mod_python
    PythonHandler form
    PythonDebug Off
    %s
</Directory>
"""
FORM_HANDLER = """
from mod_python import apache, util

def handler(req):
    form = util.FieldStorage(req, keep_blank_values=1)
    for field in form.list:
        name, value = field.name, field.value
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        req.write("%s|%s|%s|%d\\n" % (name, field.filename, type(field.file).__name__,
                                       len(value)))
    return apache.OK
"""
MULTIPART = {"Content-Type": "multipart/form-data; boundary=XyZ"}
URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def form_site(make_site):
    def build(options: str = ""):
        return make_site(FORM_CONF % options, files={"form.py": FORM_HANDLER})

    return build


def part(name: str, value: bytes, extra_headers: bytes = b"", filename: str | None = None) -> bytes:
    disposition = b'Content-Disposition: form-data; name="%s"' % name.encode()
    if filename is not None:
        disposition += b'; filename="%s"' % filename.encode()
    return b"--XyZ\r\n" + disposition + b"\r\n" + extra_headers + b"\r\n" + value + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--XyZ--\r\n"


def test_urlencoded_body_with_100k_fields_is_a_logged_413(form_site):
    site = form_site()
    body = "&".join(f"f{number}=1" for number in range(100_000)).encode()
    response = site.post("/form.py", body, headers=URLENCODED)
    assert response.status == 413
    assert "form refused" in site.error_log


def test_multipart_body_with_100k_parts_is_a_logged_413(form_site):
    site = form_site()
    body = multipart(*(part(f"f{number}", b"v") for number in range(100_000)))
    response = site.post("/form.py", body, headers=MULTIPART)
    assert response.status == 413
    assert "form refused: the form has more than 1000 parts" in site.error_log


def test_query_string_of_100k_fields_is_a_414(form_site):
    response = form_site().get("/form.py?" + "&".join(f"f{n}=1" for n in range(100_000)))
    assert response.status == 414


@pytest.mark.parametrize(
    "headers",
    [b"X-Padding: " + b"p" * 200_000 + b"\r\n", b"X-Padding: p\r\n" * 50_000],
    ids=["one-huge-header", "many-headers"],
)
def test_oversized_part_header_block_is_a_413(form_site, headers):
    site = form_site()
    response = site.post("/form.py", multipart(part("a", b"v", headers)), headers=MULTIPART)
    assert response.status == 413


def test_never_closing_boundary_is_bounded_by_the_memory_limit(form_site):
    site = form_site("PythonOption mod_python.util.max_memory_size 64K")
    body = b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n' + b"\n" * 1_000_000
    response = site.post("/form.py", body, headers=MULTIPART)
    assert response.status == 413


def test_never_closing_boundary_keeps_what_was_sent(form_site):
    # Like mod_python, a body that ends without its closing boundary still yields the part.
    body = b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n' + b"x" * 5000
    response = form_site().post("/form.py", body, headers=MULTIPART)
    assert response.status == 200
    assert response.text.startswith("a|None|")


def test_multipart_without_boundary_is_a_400(form_site):
    response = form_site().post("/form.py", b"a", headers={"Content-Type": "multipart/form-data"})
    assert response.status == 400


def test_nested_multipart_mixed_is_kept_whole_as_one_field(form_site):
    inner = (
        b'--Inner\r\nContent-Disposition: file; filename="one.txt"\r\n\r\nfirst\r\n'
        b'--Inner\r\nContent-Disposition: file; filename="two.txt"\r\n\r\nsecond\r\n--Inner--'
    )
    body = multipart(part("files", inner, b"Content-Type: multipart/mixed; boundary=Inner\r\n"))
    response = form_site().post("/form.py", body, headers=MULTIPART)
    assert response.status == 200
    # As in mod_python, the nested body is not split: it is one field holding it whole.
    assert response.text == f"files|None|BytesIO|{len(inner)}\n"


def test_client_file_name_never_becomes_a_path(form_site, tmp_path):
    climbing = "../../../../" + str(tmp_path / "planted.txt")
    body = multipart(part("upload", b"payload" * 100_000, filename=climbing))
    site = form_site("PythonOption mod_python.util.spool_threshold 1K")
    response = site.post("/form.py", body, headers=MULTIPART)
    assert response.status == 200
    assert response.text.startswith(f"upload|{climbing}|")
    assert not (tmp_path / "planted.txt").exists()


def test_semicolon_is_not_a_separator_by_default(form_site):
    # CVE-2021-23336: "a=1;b=2" is one field, so a cache keyed on "&" pairs and the
    # application agree on what was sent.
    response = form_site().post("/form.py", b"a=1;b=2", headers=URLENCODED)
    assert response.text.splitlines() == ["a|None|BytesIO|5"]
