"""mod_python.util's field classes and FieldStorage's dictionary interface."""

from __future__ import annotations

from io import BytesIO

import pytest

from mod_python import util


class _GetRequest:
    """The least a FieldStorage needs for a GET with a query string."""

    method = "GET"

    def __init__(self, args: str | None, options: dict | None = None) -> None:
        self.args = args
        self._options = options or {}

    def get_options(self) -> dict:
        return self._options


def storage(args: str = "a=1&b=2&a=3&c=4") -> util.FieldStorage:
    return util.FieldStorage(_GetRequest(args))


# ---- Field ------------------------------------------------------------------------------------


def test_field_value_reads_the_whole_file_and_rewinds():
    field = util.Field("up")
    field.file = BytesIO(b"content")
    field.file.read(3)
    assert field.value == b"content"
    assert field.file.tell() == 0


def test_field_without_file_has_no_value():
    assert util.Field("x").value is None


def test_field_value_of_a_text_file_is_a_type_error():
    field = util.Field("x")
    field.file = __import__("io").StringIO("text")
    with pytest.raises(TypeError, match="binary mode"):
        field.value  # noqa: B018


def test_field_unknown_attribute_is_attribute_error():
    with pytest.raises(AttributeError):
        util.Field("x").nothing  # noqa: B018


def test_field_legacy_constructor_sets_every_attribute():
    file = BytesIO(b"v")
    field = util.Field("n", file, "text/plain", {}, "form-data", {"filename": "f.txt"}, {"X": "1"})
    assert (field.name, field.file, field.type, field.type_options) == ("n", file, "text/plain", {})
    assert (field.disposition, field.disposition_options) == ("form-data", {"filename": "f.txt"})
    assert (field.filename, field.headers) == ("f.txt", {"X": "1"})


def test_field_legacy_constructor_without_filename():
    field = util.Field("n", BytesIO(), "text/plain", {}, "form-data", {})
    assert field.filename is None and field.headers == {}


def test_field_repr_shows_name_and_value():
    field = util.Field("up")
    field.file = BytesIO(b"v")
    assert repr(field) == "Field('up', b'v')"


def test_deleting_a_field_closes_its_file():
    file = BytesIO(b"v")
    field = util.Field("up")
    field.file = file
    del field
    assert file.closed


# ---- StringField / TextField -----------------------------------------------------------------


def test_stringfield_from_str_is_its_utf8_bytes_with_the_str_as_value():
    field = util.StringField("é")
    assert bytes(field) == b"\xc3\xa9" and field.value == "é"


def test_stringfield_from_bytes_keeps_them():
    field = util.StringField(b"\xff")
    assert bytes(field) == b"\xff" and field.value == b"\xff"


def test_stringfield_file_is_made_on_demand():
    assert util.StringField("é").file.read() == b"\xc3\xa9"


@pytest.mark.parametrize(
    "attribute, default",
    [("filename", None), ("headers", {}), ("ctype", "text/plain"), ("type_options", {}),
     ("disposition", None), ("disp_options", None)],
)  # fmt: skip
def test_stringfield_class_defaults(attribute, default):
    assert getattr(util.StringField(b"v"), attribute) == default


def test_stringfield_repr():
    field = util.StringField(b"v")
    field.name = b"k"
    assert repr(field) == "Field(b'k', b'v')"


def test_textfield_is_a_str_and_counts_as_a_stringfield():
    field = util.TextField("é")
    field.name = "k"
    assert field == "é" and field.value == "é"
    assert isinstance(field, util.StringField) and isinstance(field, str)
    assert field.file.read() == b"\xc3\xa9"
    assert repr(field) == "Field('k', 'é')"


# ---- FieldList ---------------------------------------------------------------------------------


def test_fieldlist_index_follows_every_change():
    fields = storage().list
    assert [f.value for f in fields.table()["a"]] == ["1", "3"]
    fields.pop(0)
    assert [f.value for f in fields.table()["a"]] == ["3"]
    del fields[0]
    assert "b" not in fields.table()
    fields.clear()
    assert fields.table() == {}


# ---- FieldStorage as a dictionary --------------------------------------------------------------


def test_getitem_one_field_or_a_list():
    fs = storage()
    assert fs["b"] == b"2" and fs["b"].value == "2"
    assert [f.value for f in fs["a"]] == ["1", "3"]
    with pytest.raises(KeyError):
        fs["zz"]  # noqa: B018


def test_get_returns_default_on_missing_or_unhashable_key():
    fs = storage()
    assert fs.get("zz", "d") == "d"
    assert fs.get([], "d") == "d"
    assert fs.get("b", None).value == "2"


def test_get_default_is_required():
    with pytest.raises(TypeError):
        storage().get("b")


def test_getfirst_and_getlist():
    fs = storage()
    assert fs.getfirst("a").value == "1"
    assert fs.getfirst("zz") is None and fs.getfirst("zz", 5) == 5
    assert [f.value for f in fs.getlist("a")] == ["1", "3"]
    assert fs.getlist("zz") == []


def test_keys_iteration_len_and_membership():
    fs = storage()
    assert fs.keys() == ["a", "b", "c"]
    assert list(fs) == ["a", "b", "c"]
    assert len(fs) == 3
    assert fs.has_key("a") and "c" in fs and "zz" not in fs


def test_items_keep_every_field_in_order():
    assert [(name, field.value) for name, field in storage().items()] == [
        ("a", "1"), ("b", "2"), ("a", "3"), ("c", "4"),
    ]  # fmt: skip


def test_add_field_appends_a_stringfield():
    fs = storage("")
    fs.add_field("n", "v")
    assert isinstance(fs["n"], util.StringField) and fs["n"].value == "v"


def test_setitem_replaces_fields_of_that_name():
    fs = storage("a=1&a=2&b=3")
    fs[b"n"] = b"x"
    fs[b"n"] = b"y"
    assert [f.value for f in fs.getlist(b"n")] == [b"y"]


@pytest.mark.parametrize(
    "key, value, message",
    [(b"k", "v", "Field value must be bytes"), ("k", b"v", "Field key must be bytes")],
)
def test_setitem_wants_bytes(key, value, message):
    with pytest.raises(TypeError, match=message):
        storage()[key] = value


def test_delitem_removes_all_fields_of_that_name():
    fs = storage()
    del fs["a"]
    assert fs.keys() == ["b", "c"]
    with pytest.raises(KeyError):
        del fs["a"]


def test_clear_and_repr():
    fs = storage("a=1")
    assert repr(fs) == "{'a': [Field('a', '1')]}"
    fs.clear()
    assert len(fs) == 0 and repr(fs) == "{}"


def test_parse_qsl_safely_falls_back_for_non_utf8():
    fs = storage("")
    assert fs.parse_qsl_safely("a=1&b=2", 0) == [("a", "1"), ("b", "2")]
    assert fs.parse_qsl_safely("a=%FF", 0) == [("a", "\ufffd")]


def test_read_to_boundary_copies_up_to_the_delimiter():
    import re

    class Lines:
        def __init__(self, data):
            self.stream = BytesIO(data)

        def readline(self, size):
            return self.stream.readline(size)

    out = BytesIO()
    regex = re.compile(rb"--b(--)?\r?\n")
    assert storage("").read_to_boundary(Lines(b"one\r\ntwo\r\n--b--\r\n"), regex, out) is True
    assert out.getvalue() == b"one\r\ntwo"


# ---- parse_header --------------------------------------------------------------------------


def test_parse_header_lowers_the_main_value_and_keys():
    assert util.parse_header(b'Form-Data; Name="a"; FILENAME="B.txt"') == (
        b"form-data", {b"name": "a", b"filename": "B.txt"}
    )  # fmt: skip


def test_parse_header_values_are_latin1():
    assert util.parse_header('x; filename="é"'.encode())[1] == {b"filename": "Ã©"}


def test_parse_header_keeps_semicolons_inside_quotes():
    assert util.parse_header(b'form-data; filename="a;b.txt"')[1] == {b"filename": "a;b.txt"}


def test_parse_header_only_takes_bytes():
    with pytest.raises(TypeError, match="only accepts bytes"):
        util.parse_header("text/plain")


def test_module_constants():
    assert util.readBlockSize == 65368
