"""Property tests: random and malformed query strings and bodies never escape as anything
but the documented 400/413 refusals, memory stays bounded and no temporary file is left."""

from __future__ import annotations

import os
import tracemalloc

from form_requests import FormRequest, multipart, parse_parts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mod_python._engine.exceptions import SERVER_RETURN
from mod_python._engine.forms.storage import FieldStorage
from mod_python._engine.querystring import parse_qsl

BOUNDED = settings(max_examples=60, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
REFUSALS = {400, 411, 413, 501}

query_text = st.text(alphabet=st.sampled_from("ab=&;%+2FfF0\x00é \r\n"), max_size=60)
header_line = st.sampled_from([
    'Content-Disposition: form-data; name="a"',
    'Content-Disposition: form-data; name="f"; filename="x.bin"',
    "Content-Type: text/plain; charset=utf-8",
    "Content-Type: junk",
    " continued",
    "no colon",
    "",
])  # fmt: skip
content = st.binary(max_size=200) | st.sampled_from(
    [b"\r\n--b", b"--b--", b"\r", b"\n--b\r\n", b"\r\n--b-"]
)
parts = st.lists(st.tuples(st.lists(header_line, max_size=3), content), max_size=5)


def parse_all(body: bytes, tmp_path, **options) -> int | None:
    """Parse ``body`` as a multipart POST; the refusal status, or None when accepted."""
    opts = {"mod_python.util.temp_directory": str(tmp_path),
            "mod_python.util.spool_threshold": "64", **options}  # fmt: skip
    req = FormRequest(body, "multipart/form-data; boundary=b", options=opts)
    try:
        FieldStorage(req)
        status = None
    except SERVER_RETURN as returned:
        status = returned.args[0]
        assert status in REFUSALS
    req.end()
    return status


def no_files_left(tmp_path) -> bool:
    opened = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            opened.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return not os.listdir(tmp_path) and not any(p.startswith(str(tmp_path)) for p in opened)


@BOUNDED
@given(query_text, st.booleans(), st.sampled_from(["&", "&;"]))
def test_any_query_string_parses_to_str_pairs(qs, keep, separators):
    try:
        pairs = parse_qsl(qs, keep, 0, separators)
    except SystemError:  # not UTF-8 after decoding: FieldStorage falls back, tested elsewhere
        return
    for key, value in pairs:
        assert isinstance(key, str) and isinstance(value, str)
        assert "\0" not in key and "\0" not in value


@BOUNDED
@given(query_text)
def test_any_query_string_makes_a_fieldstorage(qs):
    fs = FieldStorage(FormRequest(method="GET", args=qs or None))
    assert all(isinstance(field.name, str) for field in fs.list)


@BOUNDED
@given(parts, st.sampled_from([b"\r\n", b"\n"]))
def test_random_multipart_bodies_parse_or_are_refused(tmp_path, generated, newline):
    parse_all(multipart("b", generated, newline=newline), tmp_path)
    assert no_files_left(tmp_path)


@BOUNDED
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_multipart_parse_or_are_refused(tmp_path, body):
    parse_all(b"--b\r\n" + body, tmp_path)
    assert no_files_left(tmp_path)


@BOUNDED
@given(parts, st.integers(min_value=1, max_value=17))
def test_the_parser_gives_the_same_parts_whatever_the_block_size(generated, block):
    body = multipart("b", generated)

    def run(step):
        try:
            return parse_parts(body, block=step)
        except ValueError as error:
            return type(error)

    assert run(block) == run(len(body) or 1)


@settings(max_examples=3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.integers(min_value=2, max_value=4))
def test_memory_stays_bounded_by_the_limits(tmp_path, copies):
    """6 to 12 MiB of small text parts against a 1 MiB memory limit: refused early.

    The peak is a small multiple of the limit (each accepted value exists as its buffer
    and its field), whatever the body's size.
    """
    body = multipart(
        "b", [(['Content-Disposition: form-data; name="a"'], b"v" * 4096)] * 768 * copies
    )
    tracemalloc.start()
    try:
        status = parse_all(body, tmp_path, **{"mod_python.util.max_memory_size": "1M",
                                              "mod_python.util.max_fields": "100000"})  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert peak < 6 * (1 << 20)
