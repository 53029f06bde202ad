"""FieldStorage over a request stand-in: the str/bytes contract, uploads, limits, cleanup."""

from __future__ import annotations

import hashlib
import os
import random
from io import BytesIO

import pytest
from form_requests import BROWSER_BODIES, CHROME_BODY, CHROME_BOUNDARY, FormRequest, multipart

from mod_python._engine.exceptions import SERVER_RETURN
from mod_python._engine.forms.fields import Field, StringField, TextField
from mod_python._engine.forms.storage import READ_BLOCK_SIZE, FieldStorage

STR_MODE = {"mod_python.util.str_fields": "On"}


def form_request(boundary: str, body: bytes, **kwargs) -> FormRequest:
    return FormRequest(body, f"multipart/form-data; boundary={boundary}", **kwargs)


def open_files_under(path) -> list[str]:
    """Files this process has open under ``path`` (unlinked temporary files included)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)):
            found.append(target)
    return found


def refused_status(req: FormRequest, **kwargs) -> int:
    with pytest.raises(SERVER_RETURN) as raised:
        FieldStorage(req, **kwargs)
    return raised.value.args[0]


# ---- the original's str/bytes contract ----------------------------------------------------


def test_urlencoded_body_gives_bytes_names_and_values():
    req = FormRequest(b"spam=1&spam=2&eggs=3&bacon=4", "application/x-www-form-urlencoded")
    fields = FieldStorage(req).list
    assert repr(fields) == (
        "[Field(b'spam', b'1'), Field(b'spam', b'2'), Field(b'eggs', b'3'), Field(b'bacon', b'4')]"
    )


def test_query_string_fields_come_first_and_are_str():
    req = FormRequest(b"b=2", "application/x-www-form-urlencoded", args="a=1")
    fields = FieldStorage(req).list
    assert [(f.name, f.value) for f in fields] == [("a", "1"), (b"b", b"2")]
    assert fields[0] == b"1"  # a StringField is bytes whatever its value


def test_missing_content_type_means_urlencoded():
    assert FieldStorage(FormRequest(b"a=1", None)).list[0].value == b"1"


def test_multipart_text_part_has_str_name_and_bytes_value():
    body = multipart("b", [(['Content-Disposition: form-data; name="a"'], b"v")])
    field = FieldStorage(form_request("b", body)).list[0]
    assert isinstance(field, StringField)
    assert (field.name, field.value) == ("a", b"v")
    assert field.type == "text/plain"
    assert field.disposition == "form-data"
    assert field.disposition_options == {b"name": "a"}
    assert field.headers["Content-Disposition"] == ' form-data; name="a"\r\n'
    assert field.file.read() == b"v"


def test_multipart_names_are_latin1_decoded_as_mod_python_did():
    body = multipart("b", [(['Content-Disposition: form-data; name="fé"'], "é".encode())])
    field = FieldStorage(form_request("b", body)).list[0]
    assert field.name == "fÃ©"
    assert field.value == "é".encode()


def test_upload_is_a_field_with_its_file():
    body = multipart("b", [
        (['Content-Disposition: form-data; name="up"; filename="résumé.txt"',
          "Content-Type: text/plain; charset=utf-8"], b"data\r\n"),
    ])  # fmt: skip
    field = FieldStorage(form_request("b", body)).list[0]
    assert type(field) is Field
    assert field.filename == "rÃ©sumÃ©.txt"
    assert field.value == b"data\r\n"
    assert field.file.read() == b"data\r\n"
    assert field.type == "text/plain"
    assert field.type_options == {b"charset": "utf-8"}
    assert field.disposition_options == {b"name": "up", b"filename": "rÃ©sumÃ©.txt"}


def test_content_type_without_a_slash_becomes_octet_stream():
    body = multipart("b", [(['Content-Disposition: form-data; name="f"; filename="x"',
                             "Content-Type: junk"], b"z")])  # fmt: skip
    assert FieldStorage(form_request("b", body)).list[0].type == "application/octet-stream"


def test_an_empty_file_input_is_a_text_field():
    body = multipart("b", [(['Content-Disposition: form-data; name="f"; filename=""',
                             "Content-Type: application/octet-stream"], b"")])  # fmt: skip
    field = FieldStorage(form_request("b", body)).list[0]
    assert isinstance(field, StringField)
    assert field.value == b""


def test_non_utf8_urlencoded_value_is_kept_as_bytes():
    # mod_python raised UnicodeDecodeError here (a 500); the bytes are what was sent.
    req = FormRequest(b"y=%FF", "application/x-www-form-urlencoded")
    assert FieldStorage(req).list[0].value == b"\xff"


def test_non_utf8_query_string_is_decoded_leniently():
    field = FieldStorage(FormRequest(method="GET", args="a=%FF")).list[0]
    assert (field.name, field.value) == ("a", "\ufffd")


# ---- the str everywhere mode ---------------------------------------------------------------


def test_str_mode_urlencoded_fields_are_str():
    req = FormRequest(b"na%C3%AFve=caf%C3%A9", "application/x-www-form-urlencoded",
                      options=STR_MODE)  # fmt: skip
    field = FieldStorage(req).list[0]
    assert isinstance(field, TextField) and isinstance(field, StringField)
    assert (field.name, field.value, field + "!") == ("naïve", "café", "café!")


def test_str_mode_honours_the_body_charset():
    req = FormRequest(b"a=%E9", "application/x-www-form-urlencoded; charset=latin-1",
                      options=STR_MODE)  # fmt: skip
    assert FieldStorage(req).list[0].value == "é"


def test_str_mode_multipart_names_values_and_options_are_str():
    boundary, body = "b", multipart("b", [
        (['Content-Disposition: form-data; name="fé"'], "vé".encode()),
        (['Content-Disposition: form-data; name="up"; filename="résumé.txt"'], b"\xff\x00"),
        (['Content-Disposition: form-data; name="l1"', "Content-Type: text/plain; charset=latin-1"],
         b"\xe9"),
    ])  # fmt: skip
    text, upload, latin = FieldStorage(form_request(boundary, body, options=STR_MODE)).list
    assert (text.name, text.value, text.file.read()) == ("fé", "vé", "vé".encode())
    assert text.disposition_options == {"name": "fé"}
    assert (upload.name, upload.filename, upload.value) == ("up", "résumé.txt", b"\xff\x00")
    assert latin.value == "é"


def test_str_mode_invalid_utf8_is_replaced_and_the_raw_bytes_stay_in_file():
    body = multipart("b", [(['Content-Disposition: form-data; name="a"'], b"ok\xff")])
    field = FieldStorage(form_request("b", body, options=STR_MODE)).list[0]
    assert field.value == "ok\ufffd"
    assert field.file.read() == b"ok\xff"


def test_str_mode_understands_rfc5987_filenames():
    body = multipart("b", [(["Content-Disposition: form-data; name=\"f\"; filename=\"x\"; "
                             "filename*=UTF-8''r%C3%A9sum%C3%A9.txt"], b"z")])  # fmt: skip
    assert FieldStorage(form_request("b", body, options=STR_MODE)).list[0].filename == "résumé.txt"


def test_str_mode_setitem_takes_str():
    fs = FieldStorage(FormRequest(method="GET", options=STR_MODE))
    fs["a"] = "1"
    assert fs["a"] == "1"


# ---- mod_python's own upload tests ---------------------------------------------------------


def upload(content: bytes, **kwargs) -> Field:
    body = multipart("xYzZY", [(['Content-Disposition: form-data; name="file"; filename="f"',
                                 "Content-Type: application/octet-stream"], content)])  # fmt: skip
    return FieldStorage(form_request("xYzZY", body, **kwargs)).list[0]


def test_fileupload_one_mib_of_random_bytes_arrives_intact():
    content = random.Random(5).randbytes(1 << 20)
    field = upload(content)
    assert hashlib.md5(field.file.read()).digest() == hashlib.md5(content).digest()


def test_fileupload_embedded_cr_at_the_read_block_size_survives():
    content = b"a" * (READ_BLOCK_SIZE - 1) + b"\r" + b"b" * 100 + b"\r\n" + b"c" * 50
    assert upload(content).value == content


@pytest.mark.parametrize("ending", [b"", b"\r"], ids=["plain", "trailing-cr"])
def test_fileupload_split_boundary_last_line_survives(ending):
    content = b"x" * 100 + b"\r\n" + b"y" * (READ_BLOCK_SIZE - 1) + ending
    assert upload(content).value == content


@pytest.mark.parametrize("block", ["1", "7", "4096"])
def test_uploads_survive_any_read_block_size(block):
    content = random.Random(7).randbytes(20_000) + b"\r\n--xYzZ"
    assert upload(content, options={"mod_python.util.read_block_size": block}).value == content


@pytest.mark.parametrize("name", sorted(BROWSER_BODIES))
def test_browser_bodies(name):
    boundary, body = BROWSER_BODIES[name]
    fields = FieldStorage(form_request(boundary, body)).list
    assert len(fields) >= 3
    for field in fields:
        assert field.disposition == "form-data"
        if field.filename:
            assert isinstance(field.value, bytes)


def test_chrome_body_fields():
    fs = FieldStorage(form_request(CHROME_BOUNDARY, CHROME_BODY))
    assert fs.keys() == ["username", "tags", "na%22me", "doc"]
    assert [t.value for t in fs.getlist("tags")] == [b"a", b"b"]
    assert fs["doc"].filename == "résumé (1).pdf".encode().decode("latin-1")
    assert fs["doc"].value.endswith(b"\r\n--\r\nendobj\r\n")


# ---- callbacks -------------------------------------------------------------------------------


def test_file_callback_receives_the_filename_and_its_file_is_used():
    made = []

    def make_file(filename):
        made.append(filename)
        return BytesIO()

    body = multipart("b", [(['Content-Disposition: form-data; name="f"; filename="a.txt"'], b"c")])
    field = FieldStorage(form_request("b", body), file_callback=make_file).list[0]
    assert made == ["a.txt"]
    assert isinstance(field.file, BytesIO)
    assert field.value == b"c"


def test_field_callback_makes_the_file_of_text_parts():
    files = []

    def make_file():
        files.append(BytesIO())
        return files[-1]

    body = multipart("b", [(['Content-Disposition: form-data; name="a"'], b"v")])
    field = FieldStorage(form_request("b", body), field_callback=make_file).list[0]
    assert field.file is files[0]
    assert field.value == b"v"


def test_non_callable_callbacks_are_ignored():
    body = multipart("b", [(['Content-Disposition: form-data; name="f"; filename="a"'], b"c")])
    field = FieldStorage(form_request("b", body), file_callback="no", field_callback=3).list[0]
    assert field.value == b"c"


# ---- framing errors --------------------------------------------------------------------------


@pytest.mark.parametrize("length", [None, "ten"], ids=["missing", "not-a-number"])
def test_post_without_a_usable_content_length_is_411(length):
    assert refused_status(FormRequest(b"a=1", length=length)) == 411


def test_chunked_post_without_content_length_is_read_to_its_end():
    req = FormRequest(b"a=1", length=None, headers={"Transfer-Encoding": "chunked"})
    assert FieldStorage(req).list[0].value == b"1"


def test_unknown_content_type_is_501():
    assert refused_status(FormRequest(b"{}", "application/json")) == 501


def test_multipart_without_boundary_is_400():
    req = FormRequest(b"--b--\r\n", "multipart/form-data")
    assert refused_status(req) == 400
    assert any("boundary" in line for line in req.logged)


def test_quoted_boundary_with_parameters_after_it():
    body = multipart("a b", [(['Content-Disposition: form-data; name="x"'], b"1")])
    req = FormRequest(body, 'multipart/form-data; boundary="a b"; charset=utf-8')
    assert FieldStorage(req).list[0].value == b"1"


def test_get_ignores_the_body():
    req = FormRequest(b"a=1", "application/x-www-form-urlencoded", method="GET", args="q=2")
    assert [f.name for f in FieldStorage(req).list] == ["q"]


# ---- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, body",
    [
        ({"mod_python.util.max_body_size": "10"}, b"a=" + b"x" * 20),
        ({"mod_python.util.max_memory_size": "10"}, b"a=" + b"x" * 20),
        ({"mod_python.util.max_fields": "2"}, b"a=1&b=2&c=3"),
    ],
    ids=["body", "memory", "fields"],
)
def test_urlencoded_limits_answer_413_and_log_why(options, body):
    req = FormRequest(body, "application/x-www-form-urlencoded", options=options)
    assert refused_status(req) == 413
    assert req.logged and "form refused" in req.logged[0]


def test_a_chunked_body_over_the_limit_is_stopped_while_reading():
    req = FormRequest(b"a=" + b"x" * 10_000, length=None, headers={"Transfer-Encoding": "chunked"},
                      options={"mod_python.util.max_body_size": "1K",
                               "mod_python.util.read_block_size": "256"})  # fmt: skip
    assert refused_status(req) == 413
    assert sum(req.read_sizes) < 2000


def test_limit_request_body_caps_the_body():
    req = FormRequest(b"a=" + b"x" * 100, "application/x-www-form-urlencoded")
    req._config = type("Config", (), {"limit_request_body": 50})()
    assert refused_status(req) == 413


@pytest.mark.parametrize(
    "options, parts",
    [
        ({"mod_python.util.max_fields": "3"}, [([f'Content-Disposition: form-data; name="{n}"'],
                                                 b"v") for n in range(4)]),
        ({"mod_python.util.max_memory_size": "1000"},
         [(['Content-Disposition: form-data; name="a"'], b"v" * 600)] * 2),
        ({"mod_python.util.max_header_size": "100"},
         [([f'Content-Disposition: form-data; name="{"n" * 200}"'], b"v")]),
    ],
    ids=["parts", "memory", "header"],
)  # fmt: skip
def test_multipart_limits_answer_413(options, parts):
    assert refused_status(form_request("b", multipart("b", parts), options=options)) == 413


def test_malformed_part_header_answers_400():
    body = b"--b\r\nthis is not a header\r\n\r\nv\r\n--b--\r\n"
    assert refused_status(form_request("b", body)) == 400


def test_uploads_spill_to_disk_and_do_not_count_against_memory(tmp_path):
    options = {"mod_python.util.max_memory_size": "64K", "mod_python.util.spool_threshold": "16K",
               "mod_python.util.temp_directory": str(tmp_path)}  # fmt: skip
    req = form_request("b", multipart("b", [
        (['Content-Disposition: form-data; name="f"; filename="big"'], b"z" * 300_000),
    ]), options=options)  # fmt: skip
    field = FieldStorage(req).list[0]
    assert len(field.value) == 300_000
    assert open_files_under(tmp_path)  # on disk, not in memory
    req.end()
    assert open_files_under(tmp_path) == []
    assert os.listdir(tmp_path) == []


def test_a_refused_upload_leaves_no_temporary_file(tmp_path):
    options = {"mod_python.util.max_body_size": "200K", "mod_python.util.spool_threshold": "1K",
               "mod_python.util.temp_directory": str(tmp_path),
               "mod_python.util.read_block_size": "4K"}  # fmt: skip
    parts = [(['Content-Disposition: form-data; name="f"; filename="big"'], b"z" * 100_000)] * 3
    req = form_request("b", multipart("b", parts), length=None,
                       headers={"Transfer-Encoding": "chunked"}, options=options)  # fmt: skip
    assert refused_status(req) == 413
    assert open_files_under(tmp_path) == []
    assert os.listdir(tmp_path) == []


def test_bad_option_value_is_an_error_naming_the_option():
    req = FormRequest(b"a=1", options={"mod_python.util.max_fields": "many"})
    with pytest.raises(ValueError, match="mod_python.util.max_fields"):
        FieldStorage(req)


# ---- req.form --------------------------------------------------------------------------------


def test_fieldstorage_sets_req_form():
    req = FormRequest(b"a=1")
    fs = FieldStorage(req)
    assert req.form is fs


def test_a_second_fieldstorage_shows_the_body_the_first_one_read():
    req = FormRequest(b"a=1", args="q=2")
    first = FieldStorage(req)
    second = FieldStorage(req)
    assert [f.name for f in second.list] == ["q", b"a"]
    assert second.list[1] is first.list[1]
    assert req.form is second
