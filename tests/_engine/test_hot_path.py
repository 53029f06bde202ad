"""What the per-request shortcuts (issue 11) remember, and when they must look again.

Settings read once per merged config (interpreter rule, dispatch settings, Options) follow a
reloaded config; a handler module is still checked for changes; option and directive
lookups that skip building the request's tables still see what handlers put in them.
"""

from __future__ import annotations

import os

import pytest

from mod_python._engine.interpreters import get_interpreter

HANDLER = """\
from mod_python import apache

def handler(req):
    req.content_type = "text/plain"
    req.write("%s %s" % (VERSION, req.interpreter))
    return apache.OK

VERSION = {version}
"""


def conf_with(directives: str) -> str:
    return f"""
<Directory "{{docroot}}">
    SetHandler mod_python
    PythonHandler page
    {directives}
</Directory>
"""


def test_interpreter_follows_the_config_an_engine_is_built_from(make_site):
    files = {"page.py": HANDLER.format(version=1)}
    first = make_site(conf_with("PythonInterpreter first_rule"), files)
    second = make_site(conf_with("PythonInterpreter second_rule"), files)
    assert first.get("/page.py").body == b"1 first_rule"
    assert second.get("/page.py").body == b"1 second_rule"


def test_interpreter_per_directory_is_still_worked_out_per_request(make_site):
    # (The module comes from the directory of the PythonHandler directive in both cases.)
    site = make_site(conf_with("PythonInterpPerDirectory On"), {
        "page.py": HANDLER.format(version=1), "sub/x.py": "",
    })  # fmt: skip
    assert site.get("/page.py").body == f"1 {site.docroot}/".encode()
    assert site.get("/sub/x.py").body == f"1 {site.docroot}/sub/".encode()


def test_a_changed_handler_file_is_served_anew(make_site):
    site = make_site(conf_with(""), {"page.py": HANDLER.format(version=1)})
    assert site.get("/page.py").body.startswith(b"1 ")
    path = site.write("page.py", HANDLER.format(version=2))
    stat = os.stat(path)
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    # The mtime is looked at once a second per module: make this module due now.
    get_interpreter(site.server_name).modules["page"].__mtime_check__ = 0
    assert site.get("/page.py").body.startswith(b"2 ")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("", "None"),
        ("PythonOption Colour blue", "'blue'"),
        ('PythonOption Colour ""', "None"),  # an empty value unsets the option
    ],
)  # fmt: skip
def test_option_value_reads_the_merged_options(make_site, options, expected):
    site = make_site(conf_with(options), {"page.py": """\
        from mod_python import apache

        def handler(req):
            req.write(repr(req._option_value("colour")))
            return apache.OK
    """})  # fmt: skip
    assert site.get("/page.py").body == expected.encode()


def test_option_and_config_values_see_changes_made_to_the_tables(make_site):
    site = make_site(conf_with("PythonOption Colour blue\nPythonDebug Off"), {"page.py": """\
        from mod_python import apache

        def handler(req):
            req.get_options()["Colour"] = "red"
            req.get_config()["PythonDebug"] = "1"
            req.write("%s %s" % (req._option_value("colour"), req._config_value("PythonDebug")))
            return apache.OK
    """})  # fmt: skip
    assert site.get("/page.py").body == b"red 1"


def test_follow_symlinks_is_decided_per_config(make_site, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("linked\n")
    site = make_site("""
<Directory "{docroot}/open">
    Options FollowSymLinks
</Directory>
<Directory "{docroot}/closed">
    Options None
</Directory>
""")
    for name in ("open", "closed"):
        (site.docroot / name).mkdir()
        os.symlink(target, site.docroot / name / "link.txt")
    assert site.get("/open/link.txt").status == 200
    assert site.get("/closed/link.txt").status == 403


def test_allow_methods_remembered_lists_behave_as_the_first_call(make_site):
    site = make_site(conf_with(""), {"page.py": """\
        from mod_python import apache

        class Named(str):
            pass

        def handler(req):
            lines = []
            for _ in range(2):  # the second call finds the list remembered
                req.allow_methods(["GET", "POST"])
                lines.append(req._allow_header())
            for _ in range(2):
                req.allow_methods(["PUT"], 1)  # a reset, remembered or not
                lines.append(req._allow_header())
            try:
                req.allow_methods([Named("GET")])  # equal to a remembered list, not a str
            except TypeError:
                lines.append("refused")
            req.write("\\n".join(lines))
            return apache.OK
    """})  # fmt: skip
    assert site.get("/page.py").body.decode().splitlines() == [
        "HEAD,GET,POST,TRACE", "HEAD,GET,POST,TRACE", "PUT,TRACE", "PUT,TRACE", "refused",
    ]  # fmt: skip


def test_allow_methods_remembered_tuples_behave_as_the_first_call(make_site):
    site = make_site(conf_with(""), {"page.py": """\
        from mod_python import apache

        class Named(str):
            pass

        READ = ("GET", "HEAD")
        WRITE = ("PUT",)

        def handler(req):
            lines = []
            for _ in range(3):  # the third call finds the very tuple remembered
                req.allow_methods(READ)
                lines.append(req._allow_header())
            for _ in range(3):
                req.allow_methods(WRITE, 1)
                lines.append(req._allow_header())
            try:
                req.allow_methods((Named("GET"), "HEAD"))  # equal to READ, not str names
            except TypeError:
                lines.append("refused")
            req.write("\\n".join(lines))
            return apache.OK
    """})  # fmt: skip
    for _ in range(2):  # and in the next request
        assert site.get("/page.py").body.decode().splitlines() == [
            "HEAD,GET,TRACE", "HEAD,GET,TRACE", "HEAD,GET,TRACE",
            "PUT,TRACE", "PUT,TRACE", "PUT,TRACE", "refused",
        ]  # fmt: skip


def test_handler_directory_of_a_wildcard_section_is_found_per_request(make_site):
    # Only lists without wildcard sections have their directories worked out in advance.
    site = make_site(
        """
<Directory "{docroot}/*">
    SetHandler mod_python
    PythonHandler page
</Directory>
""",
        {"one/page.py": "from mod_python import apache\n\ndef handler(req):\n"
                        "    req.write(req.hlist.directory)\n    return apache.OK\n",
         "two/x.py": ""},
    )  # fmt: skip
    site.write("two/page.py", (site.docroot / "one/page.py").read_text())
    assert site.get("/one/x").body == f"{site.docroot}/one/".encode()
    assert site.get("/two/x").body == f"{site.docroot}/two/".encode()


@pytest.mark.parametrize(
    "handler",
    [
        "req.write('hello')",
        "req.write('streamed', 1); req.write(' then held', 0)",
        "req.status = 404; return apache.HTTP_NOT_FOUND",
        "raise ValueError('a handler error')",
    ],
)
def test_a_finished_request_leaves_no_cyclic_garbage(make_site, handler):
    # Freed by reference counting as the response goes out, not left for the cyclic GC
    # (whose full collections walk every object of a big legacy application).
    import gc

    from mod_python._engine.request import Request

    body = (
        f"from mod_python import apache\n\ndef handler(req):\n    {handler}\n    return apache.OK\n"
    )
    site = make_site(conf_with(""), {"page.py": body})
    site.get("/page.py")  # imports the handler: module objects are not request garbage
    gc.collect()
    gc.disable()
    try:
        site.get("/page.py")
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        requests = [obj for obj in gc.garbage if isinstance(obj, Request)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert requests == []


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_HOST": "h", "wsgi.input": object(), "wsgi.version": (1, 0)},
        {"HTTP_HOST": "h", b"bytes key": "v"},  # not WSGI, but measured all the same
        {},
    ],
)
def test_environ_text_size_adds_up_every_key_and_str_value(environ):
    from mod_python._engine.app import _environ_text_size

    expected = sum(len(key) + (len(value) if isinstance(value, str) else 0)
                   for key, value in environ.items())  # fmt: skip
    assert _environ_text_size(environ) == expected


@pytest.mark.parametrize(("size", "status"), [(50, 200), (92, 200), (93, 400), (150, 400)])
def test_header_field_limit_counts_the_header_line_as_httpd_does(make_site, size, status):
    # httpd measures the line "X-Long: value": 8 + len(value) may be at most the limit.
    site = make_site("LimitRequestFieldSize 100\n", files={"a.txt": "a"})
    assert site.get("/a.txt", headers={"X-Long": "a" * size}).status == status


WALK_PROBE = """\
from mod_python import apache

def handler(req):
    req.write("%s|%s|%s" % (req.filename, req.path_info, req.finfo.filetype))
    return apache.OK
"""


@pytest.mark.parametrize(
    ("uri", "filename", "path_info", "filetype"),
    [
        ("/dir/missing", "dir/missing", "", 0),  # a name under a directory: one access()
        ("/dir/missing/more", "dir/missing", "/more", 0),
        ("/dir/file.txt/extra/x", "dir/file.txt", "/extra/x", 1),  # ENOTDIR: stat says file
        ("/dir/file.txt", "dir/file.txt", "", 1),
        ("/nowhere/a/b/", "nowhere", "/a/b/", 0),  # missing levels: ENOENT all the way up
        ("/linked/missing", "linked/missing", "", 0),  # a link to a directory counts as one
        ("/dangling/x", "dangling", "/x", 0),  # a link to nothing: missing
        ("/dir", "dir", "", 2),
    ],
)  # fmt: skip
def test_directory_walk_maps_file_name_and_path_info(make_site, uri, filename, path_info,
                                                     filetype):  # fmt: skip
    site = make_site(
        '<Directory "{docroot}">\n    SetHandler mod_python\n    PythonHandler walkprobe\n'
        "    DirectorySlash Off\n</Directory>\n",
        {"walkprobe.py": WALK_PROBE, "dir/file.txt": "text"},
    )
    os.symlink(site.docroot / "dir", site.docroot / "linked")
    os.symlink(site.docroot / "gone", site.docroot / "dangling")
    body = site.get(uri).body.decode()
    assert body == f"{site.docroot}/{filename}|{path_info}|{filetype}"


def test_a_plain_request_leaves_its_instance_dict_to_legacy_code(make_site):
    # The engine's per-request fields are slots, its rarer ones class defaults until set:
    # the dict (whose keys CPython shares between instances up to 30 only) holds nothing.
    site = make_site(conf_with(""), {"page.py": """\
        from mod_python import apache

        SEEN = []

        def handler(req):
            SEEN.append(req)
            req.content_type = "text/plain"
            req.write("hello")
            return apache.OK
    """})  # fmt: skip
    assert site.get("/page.py").body == b"hello"
    module = get_interpreter(site.server_name).modules["page"]
    assert vars(module.SEEN[0]) == {}


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        ("req.allow_methods(['PUT'])", "PUT,TRACE"),  # a fresh request's empty defaults grow
        ("req.allow_methods(['GET'], 1)", "HEAD,GET,TRACE"),
        ("", "TRACE"),  # nothing allowed but what httpd always allows
    ],
)  # fmt: skip
def test_allowed_methods_start_empty_on_every_request(make_site, calls, expected):
    site = make_site(conf_with(""), {"page.py": f"""\
        from mod_python import apache

        def handler(req):
            {calls}
            return apache.HTTP_METHOD_NOT_ALLOWED
    """})  # fmt: skip
    for _ in range(2):  # the second request starts from the class defaults again
        assert site.get("/page.py").header("Allow") == expected
