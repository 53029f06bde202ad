"""mp_finfo stays read-only field by field, whatever way its fields are stored."""

from __future__ import annotations

import os

import pytest

from mod_python._engine.constants import APR_DIR, APR_NOFILE
from mod_python._engine.finfo import _FIELDS, finfo


@pytest.mark.parametrize("name", _FIELDS)
def test_every_field_refuses_assignment_as_the_c_type_does(tmp_path, name):
    info = finfo(str(tmp_path), os.stat(tmp_path))
    before = getattr(info, name)
    with pytest.raises(AttributeError, match=f"attribute '{name}' of 'mp_finfo' objects is not"):
        setattr(info, name, 0)
    assert getattr(info, name) == before


def test_an_unknown_attribute_cannot_be_added(tmp_path):
    info = finfo(str(tmp_path), os.stat(tmp_path))
    with pytest.raises(AttributeError):
        info.colour = "blue"
    with pytest.raises(AttributeError, match="class 'mp_finfo' has no attribute 'colour'"):
        _ = info.colour


@pytest.mark.parametrize(
    ("exists", "filetype", "size_known"),
    [(True, APR_DIR, True), (False, APR_NOFILE, False)],
)  # fmt: skip
def test_fields_follow_the_stat_result_given(tmp_path, exists, filetype, size_known):
    path = tmp_path if exists else tmp_path / "missing"
    info = finfo(str(path), os.stat(path) if exists else None)
    assert (info.fname, info.filetype, info.size is not None) == (str(path), filetype, size_known)
