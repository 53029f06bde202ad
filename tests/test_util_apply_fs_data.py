"""util.apply_fs_data: which fields reach which callables."""

from __future__ import annotations

from io import BytesIO

from mod_python import util


class _Form:
    """Just ``list``, as apply_fs_data reads it."""

    def __init__(self, *pairs) -> None:
        self.list = []
        for name, value in pairs:
            field = util.StringField(value)
            field.name = name
            self.list.append(field)


def test_function_gets_the_fields_it_names():
    def page(a, b=None):
        return (a, b)

    assert util.apply_fs_data(page, _Form(("a", "1"), ("zz", "9"))) == ("1", None)


def test_repeated_fields_arrive_as_a_list():
    assert util.apply_fs_data(lambda a: a, _Form(("a", "1"), ("a", "2"))) == ["1", "2"]


def test_bytes_names_from_posted_forms_are_bound():
    # mod_python 3.5 on Python 3 dropped these: the body's names are bytes.
    assert util.apply_fs_data(lambda name: name, _Form((b"name", b"joe"))) == b"joe"


def test_kwargs_functions_get_everything():
    def page(**fields):
        return fields

    assert util.apply_fs_data(page, _Form(("a", "1"), (b"b", b"2"))) == {"a": "1", "b": b"2"}


def test_uploads_arrive_as_the_field_itself():
    upload = util.Field("up")
    upload.file, upload.filename = BytesIO(b"x"), "f.txt"
    form = _Form()
    form.list.append(upload)
    assert util.apply_fs_data(lambda up: up, form) is upload


def test_extra_arguments_are_passed_and_win_over_fields():
    request = object()
    result = util.apply_fs_data(
        lambda req, a: (req, a), _Form(("req", "x"), ("a", "1")), req=request
    )
    assert result == (request, "1")


def test_bound_methods_skip_self():
    class Page:
        def show(self, a):
            return a

    assert util.apply_fs_data(Page().show, _Form(("a", "1"), ("self", "x"))) == "1"


def test_classes_get_their_init_arguments():
    class Thing:
        def __init__(self, a):
            self.a = a

    assert util.apply_fs_data(Thing, _Form(("a", "1"))).a == "1"


def test_callable_instances_use_their_call_method():
    class Page:
        def __call__(self, a):
            return a

    assert util.apply_fs_data(Page(), _Form(("a", "1"), ("b", "2"))) == "1"


def test_an_instance_whose_call_is_a_function_attribute_is_resolved_through_it():
    class Holder:
        pass

    holder = Holder()
    holder.__call__ = lambda a: a
    assert util.apply_fs_data(holder, _Form(("a", "1"))) == "1"


def test_builtins_and_plain_classes_are_called_without_arguments():
    assert util.apply_fs_data(dict, _Form(("a", "1"))) == {}

    class Plain:
        pass

    assert isinstance(util.apply_fs_data(Plain, _Form(("a", "1"))), Plain)
