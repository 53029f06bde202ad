"""The form limits remembered per merged config: each directory keeps its own options."""

from __future__ import annotations

import pytest

TWO_DIRECTORIES = """
<Directory "{docroot}/plain">
  SetHandler mod_python
  PythonHandler form
</Directory>
<Directory "{docroot}/limited">
  SetHandler mod_python
  PythonHandler form
  PythonOption mod_python.util.str_fields On
  LimitRequestBody 8
</Directory>
"""

HANDLER = """
from mod_python import apache, util

def handler(req):
    req.write(repr(util.FieldStorage(req).list))
    return apache.OK
"""

URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def site(make_site):
    return make_site(TWO_DIRECTORIES, files={"plain/form.py": HANDLER, "limited/form.py": HANDLER})


def test_each_directory_keeps_its_own_options_when_requests_alternate(site):
    answers = [site.post(f"/{name}/form.py", b"x=1", headers=URLENCODED).body
               for name in ("plain", "limited", "plain", "limited")]  # fmt: skip
    assert answers == [b"[Field(b'x', b'1')]", b"[Field('x', '1')]"] * 2


def test_limit_request_body_applies_only_where_it_is_declared(site):
    body = b"x=" + b"1" * 20
    assert site.post("/plain/form.py", body, headers=URLENCODED).status == 200
    assert site.post("/limited/form.py", body, headers=URLENCODED).status == 413
    assert site.post("/plain/form.py", body, headers=URLENCODED).status == 200


def test_a_handler_option_change_does_not_outlive_its_request(make_site):
    site = make_site(
        TWO_DIRECTORIES,
        files={"plain/form.py": HANDLER.replace(
            "def handler(req):\n",
            "def handler(req):\n"
            "    if req.args == 'str':\n"
            "        req.get_options()['mod_python.util.str_fields'] = 'On'\n",
        )},
    )  # fmt: skip
    changed = site.post("/plain/form.py?str", b"x=1", headers=URLENCODED).body
    plain = site.post("/plain/form.py", b"x=1", headers=URLENCODED).body
    assert (changed, plain) == (b"[Field('x', '1')]", b"[Field(b'x', b'1')]")
