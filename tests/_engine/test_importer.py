"""Handler import, autoreload, interpreter namespaces, resolve_object and PythonPath (SPEC 2.7, 2.8)."""

from __future__ import annotations

import importlib
import io
import os
import sys
import textwrap
import threading
import time
import uuid

import pytest

from mod_python._engine import logs
from mod_python._engine.constants import APLOG_DEBUG
from mod_python._engine.importer import (
    apply_python_path,
    import_module,
    module_mtime,
    prepend_handler_directory,
    resolve_object,
)
from mod_python._engine.interpreters import (
    MAIN_INTERPRETER,
    current_interpreter,
    get_interpreter,
    running_in,
)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def isolated_sys_path(monkeypatch):
    """Let the test change sys.path freely; the original list comes back afterwards."""
    monkeypatch.setattr(sys, "path", list(sys.path))


@pytest.fixture
def modules(tmp_path, isolated_sys_path):
    """Write uniquely named modules into tmp_path (on sys.path) and forget them afterwards."""
    written: list[str] = []
    sys.path.insert(0, str(tmp_path))

    class Writer:
        directory = tmp_path

        def write(self, source: str, name: str | None = None, directory=None, mtime=None) -> str:
            name = name or unique("mod")
            target = (directory or tmp_path) / (name.replace(".", os.sep) + ".py")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(source))
            if mtime is not None:
                os.utime(target, (mtime, mtime))
            self.forget_afterwards(name)
            return name

        def forget_afterwards(self, name: str) -> None:
            written.append(name)

        def rewrite(self, name: str, source: str, directory=None, mtime_step: float = 10) -> None:
            """Change the module's file and move its mtime on, as an edit would."""
            target = (directory or tmp_path) / (name.replace(".", os.sep) + ".py")
            before = target.stat().st_mtime
            target.write_text(textwrap.dedent(source))
            os.utime(target, (before + mtime_step, before + mtime_step))

    yield Writer()
    for name in written:
        sys.modules.pop(name, None)


def executions_recorder(tmp_path):
    """Source line that appends one line to a file each time the module body runs."""
    log = tmp_path / unique("executions")
    return log, f"open({str(log)!r}, 'a').write('run\\n')\n"


def count_lines(path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def due_for_check(module) -> None:
    """Bypass the once-per-second limit on mtime checks."""
    module.__mtime_check__ = 0


@pytest.fixture
def notices(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(logs, "main_log", logs.ErrorLog(stream=stream, level=APLOG_DEBUG))
    return stream


# -- import and autoreload --------------------------------------------------------------------


def test_import_module_imports_and_records_mtime(modules):
    name = modules.write("VALUE = 1\n")
    module = import_module(name)
    assert module.VALUE == 1
    assert sys.modules[name] is module
    assert module.__mtime__ == os.path.getmtime(module.__file__)


def test_second_import_returns_the_same_module_without_executing_again(modules, tmp_path):
    log, record = executions_recorder(tmp_path)
    name = modules.write(record)
    first = import_module(name)
    due_for_check(first)
    assert import_module(name) is first
    assert count_lines(log) == 1


def test_autoreload_reexecutes_a_changed_module_in_place(modules):
    name = modules.write("VALUE = 1\n")
    module = import_module(name)
    modules.rewrite(name, "VALUE = 2\n")
    due_for_check(module)
    reloaded = import_module(name)
    assert reloaded is module
    assert module.VALUE == 2
    assert module.__mtime__ == os.path.getmtime(module.__file__)


def test_autoreload_uses_new_source_even_with_same_size_and_second(modules, monkeypatch):
    # A .pyc records the source's whole-second mtime and size: both are unchanged here.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    name = modules.write("VALUE = 1\n", mtime=1_000_000.1)
    module = import_module(name)
    modules.rewrite(name, "VALUE = 2\n", mtime_step=0.25)
    due_for_check(module)
    assert import_module(name).VALUE == 2


def test_mtime_is_checked_at_most_once_per_second(modules):
    name = modules.write("VALUE = 1\n")
    module = import_module(name)
    modules.rewrite(name, "VALUE = 2\n")
    module.__mtime_check__ = time.time()
    assert import_module(name).VALUE == 1


def test_autoreload_off_never_reexecutes(modules):
    name = modules.write("VALUE = 1\n")
    module = import_module(name)
    modules.rewrite(name, "VALUE = 2\n")
    due_for_check(module)
    assert import_module(name, autoreload=0).VALUE == 1


def test_failed_reload_is_retried_on_next_check(modules):
    name = modules.write("VALUE = 1\n")
    module = import_module(name)
    modules.rewrite(name, "VALUE = 2\nraise RuntimeError('broken')\n")
    due_for_check(module)
    with pytest.raises(RuntimeError, match="broken"):
        import_module(name)
    modules.rewrite(name, "VALUE = 3\n")
    due_for_check(module)
    assert import_module(name).VALUE == 3


def test_failed_first_import_leaves_nothing_in_sys_modules(modules):
    name = modules.write("raise RuntimeError('broken')\n")
    with pytest.raises(RuntimeError, match="broken"):
        import_module(name)
    assert name not in sys.modules


def test_missing_module_raises_module_not_found(modules):
    with pytest.raises(ModuleNotFoundError):
        import_module(unique("missing"))


def test_module_created_after_directory_was_listed_is_found(modules):
    import_module(modules.write("A = 1\n"))  # the finder now caches the directory listing
    assert import_module(modules.write("B = 2\n")).B == 2


def test_concurrent_first_imports_execute_the_module_once(modules, tmp_path):
    log, record = executions_recorder(tmp_path)
    name = modules.write(record)
    barrier = threading.Barrier(8)
    results = []

    def worker():
        barrier.wait()
        results.append(import_module(name))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert count_lines(log) == 1
    assert all(result is results[0] for result in results)


def test_a_library_module_still_being_imported_is_waited_for(modules, monkeypatch):
    # A library (shared) module is still running its code in one thread when requests ask
    # for it: they must get the whole module, never the half in sys.modules (under load,
    # mod_python.publisher without its handler() gave 500s).
    from mod_python._engine import importer

    monkeypatch.setattr(importer, "_is_user_file", lambda filename: False)
    gate = threading.Event()
    name = modules.write(
        "import builtins\nbuiltins.GATE.wait(10)\ndef handler(req):\n    return 0\n"
    )
    import builtins

    builtins.GATE = gate
    results: list = []

    def ask() -> None:
        module = import_module(name)
        results.append(hasattr(module, "handler"))  # as the handler call would see it

    try:
        loading = threading.Thread(target=lambda: importlib.import_module(name))
        loading.start()
        deadline = time.monotonic() + 10
        while name not in sys.modules and time.monotonic() < deadline:
            time.sleep(0.005)
        assert name in sys.modules, "the import did not start"
        askers = [threading.Thread(target=ask)]
        askers[0].start()
        # Let the first asker look at the half-run module (it notes its mtime check)...
        deadline = time.monotonic() + 0.5
        while "__mtime_check__" not in vars(sys.modules[name]) and time.monotonic() < deadline:
            time.sleep(0.005)
        askers.append(threading.Thread(target=ask))  # ...then a second one comes
        askers[1].start()
        askers[1].join(0.2)
    finally:
        gate.set()
        del builtins.GATE
    loading.join(10)
    for asker in askers:
        asker.join(10)
    assert results == [True, True]


@pytest.mark.parametrize(
    "use_path, expected",
    [
        (False, "mod_python: (Re)importing module '{name}'"),
        (True, "mod_python: (Re)importing module '{name}' with path set to '{path}'"),
    ],
)
def test_log_writes_a_notice_on_import(modules, notices, use_path, expected):
    name = modules.write("VALUE = 1\n")
    path = [str(modules.directory)] if use_path else None
    import_module(name, log=1, path=path)
    assert "[mod_python:notice]" in notices.getvalue()
    assert notices.getvalue().rstrip("\n").endswith(expected.format(name=name, path=path))


def test_no_notice_without_log(modules, notices):
    import_module(modules.write("VALUE = 1\n"))
    assert notices.getvalue() == ""


def test_builtin_module_without_file_is_imported_normally():
    assert import_module("sys") is sys


# -- path restriction -------------------------------------------------------------------------


@pytest.fixture
def two_directories(tmp_path, modules):
    """The same module name in directories a/ and b/ (neither on sys.path)."""
    name = unique("twin")
    for letter in "ab":
        modules.write(f"WHERE = {letter!r}\n", name=name, directory=tmp_path / letter)
    return name, str(tmp_path / "a"), str(tmp_path / "b")


def test_path_restricts_where_the_module_is_searched(two_directories):
    name, a, b = two_directories
    assert import_module(name, path=[b]).WHERE == "b"


def test_module_outside_path_is_not_found(two_directories, tmp_path):
    name, _a, _b = two_directories
    with pytest.raises(ModuleNotFoundError):
        import_module(name, path=[str(tmp_path / "elsewhere")])


def test_module_loaded_from_another_directory_is_imported_again_from_path(two_directories):
    name, a, b = two_directories
    from_b = import_module(name, path=[b])
    from_a = import_module(name, path=[a])
    assert from_a.WHERE == "a" and from_b.WHERE == "b"
    assert import_module(name).WHERE == "a"


# -- interpreters ---------------------------------------------------------------------------


def test_running_in_sets_and_restores_the_current_interpreter():
    first, second = unique("interp"), unique("interp")
    assert current_interpreter().name == MAIN_INTERPRETER
    with running_in(first):
        with running_in(second):
            assert current_interpreter().name == second
        assert current_interpreter().name == first
    assert current_interpreter().name == MAIN_INTERPRETER


def test_get_interpreter_returns_one_object_per_name():
    name = unique("interp")
    assert get_interpreter(name) is get_interpreter(name)
    assert get_interpreter(name).name == name


def test_current_interpreter_does_not_leak_into_other_threads():
    seen = []
    with running_in(unique("interp")):
        thread = threading.Thread(target=lambda: seen.append(current_interpreter().name))
        thread.start()
        thread.join()
    assert seen == [MAIN_INTERPRETER]


def test_interpreters_get_independent_copies_of_a_user_module(modules):
    name = modules.write("STATE = []\n")
    with running_in(unique("interp")) as first:
        one = import_module(name)
    with running_in(unique("interp")) as second:
        two = import_module(name)
    one.STATE.append("first")
    assert one is not two
    assert two.STATE == []
    assert first.modules[name] is one and second.modules[name] is two


def test_first_interpreter_to_load_a_module_publishes_it_in_sys_modules(modules):
    name = modules.write("VALUE = 1\n")
    with running_in(unique("interp")):
        first = import_module(name)
    with running_in(unique("interp")):
        import_module(name)
    assert sys.modules[name] is first


def test_main_interpreter_gets_its_own_copy_after_another_interpreter(modules):
    name = modules.write("VALUE = 1\n")
    with running_in(unique("interp")):
        other = import_module(name)
    main_copy = import_module(name)
    assert main_copy is not other
    assert get_interpreter(MAIN_INTERPRETER).modules[name] is main_copy


def test_main_interpreter_uses_a_module_already_in_sys_modules(modules):
    name = modules.write("VALUE = 1\n")
    plain = __import__(name)
    plain.__mtime__ = module_mtime(plain)
    assert import_module(name) is plain


def test_same_interpreter_gets_the_same_copy_again(modules):
    name = modules.write("VALUE = 1\n")
    with running_in(unique("interp")):
        first = import_module(name)
        due_for_check(first)
        assert import_module(name) is first


def test_autoreload_reexecutes_each_interpreters_copy(modules):
    name = modules.write("VALUE = 1\n")
    with running_in(unique("interp")):
        one = import_module(name)
    other_interpreter = unique("interp")
    with running_in(other_interpreter):
        two = import_module(name)
    modules.rewrite(name, "VALUE = 2\n")
    due_for_check(two)
    with running_in(other_interpreter):
        assert import_module(name) is two
    assert two.VALUE == 2
    assert one.VALUE == 1
    assert sys.modules[name] is one


def test_shared_modules_are_the_same_object_in_every_interpreter():
    with running_in(unique("interp")):
        assert import_module("json") is sys.modules["json"]
        table_module = import_module("mod_python._engine.table")
    assert table_module is sys.modules["mod_python._engine.table"]


def test_dotted_user_module_gets_per_interpreter_copies_under_a_shared_package(modules):
    package = unique("pkg")
    modules.write("", name=f"{package}.__init__")
    leaf = modules.write("STATE = []\n", name=f"{package}.handler")
    modules.forget_afterwards(package)
    with running_in(unique("interp")):
        one = import_module(leaf)
    with running_in(unique("interp")):
        two = import_module(leaf)
    assert one is not two
    assert sys.modules[leaf] is one
    assert sys.modules[package].handler is one


def test_interpreters_find_same_named_modules_in_their_own_handler_directories(
    two_directories,
):
    name, a, b = two_directories
    first, second = unique("interp"), unique("interp")
    with running_in(first):
        prepend_handler_directory(a)
        assert import_module(name).WHERE == "a"
    with running_in(second):
        prepend_handler_directory(b)
        assert import_module(name).WHERE == "b"
    assert sys.path[:2] == [b, a]
    with running_in(first):
        prepend_handler_directory(a)
        assert import_module(name).WHERE == "a"


# -- module_mtime -----------------------------------------------------------------------------


def test_module_mtime_is_the_file_mtime_and_records_the_check(modules):
    module = import_module(modules.write("VALUE = 1\n"))
    os.utime(module.__file__, (1_000_000, 1_000_000))
    before = time.time()
    assert module_mtime(module) == 1_000_000
    assert module.__mtime_check__ >= before


def test_module_mtime_also_considers_the_file_without_its_last_character(tmp_path):
    compiled = tmp_path / "m.pyc"
    source = tmp_path / "m.py"
    compiled.write_bytes(b"")
    source.write_text("")
    os.utime(compiled, (100, 100))
    os.utime(source, (200, 200))
    module = type(sys)("m")
    module.__file__ = str(compiled)
    assert module_mtime(module) == 200


def test_module_mtime_without_file_is_zero():
    assert module_mtime(type(sys)("nofile")) == 0


# -- resolve_object ---------------------------------------------------------------------------

RESOLVE_SOURCE = """
def handler(req):
    return "handler"

class Handler:
    def __init__(self, req):
        self.req = req

    def method(self, req):
        return ("method", self.req, req)

    class Inner:
        def __init__(self, req):
            self.req = req

        def deep(self, req):
            return ("deep", self.req)

namespace = type("Namespace", (), {})()
namespace.value = 42
"""


@pytest.fixture
def resolvable(modules):
    return import_module(modules.write(RESOLVE_SOURCE))


def test_resolve_object_finds_top_level_attribute(resolvable):
    assert resolve_object(resolvable, "handler") is resolvable.handler


def test_resolve_object_walks_dotted_attributes(resolvable):
    assert resolve_object(resolvable, "namespace.value") == 42


def test_resolve_object_instantiates_classes_with_arg(resolvable):
    method = resolve_object(resolvable, "Handler.method", arg="REQ")
    assert method("again") == ("method", "REQ", "again")


def test_resolve_object_instantiates_every_class_on_the_way(resolvable):
    deep = resolve_object(resolvable, "Handler.Inner.deep", arg="REQ")
    assert deep(None) == ("deep", "REQ")


def test_missing_top_level_attribute_names_the_module_file(resolvable):
    with pytest.raises(AttributeError) as caught:
        resolve_object(resolvable, "nothere")
    assert str(caught.value) == f"module '{resolvable.__file__}' contains no 'nothere'"


def test_missing_nested_attribute_raises_plain_attribute_error(resolvable):
    with pytest.raises(AttributeError) as caught:
        resolve_object(resolvable, "namespace.nothere")
    assert "contains no" not in str(caught.value)


@pytest.mark.parametrize("path", ["nothere", "namespace.nothere", "Handler.nothere"])
def test_silent_resolve_returns_none_for_missing_attribute(resolvable, path):
    assert resolve_object(resolvable, path, silent=1) is None


def test_missing_attribute_of_module_without_file_is_plain_attribute_error():
    module = type(sys)("nofile")
    with pytest.raises(AttributeError) as caught:
        resolve_object(module, "nothere")
    assert "contains no" not in str(caught.value)


# -- PythonPath and handler directories -------------------------------------------------------


def test_python_path_replaces_sys_path_with_the_expression_value(isolated_sys_path):
    with running_in(unique("interp")):
        assert apply_python_path("['/first'] + sys.path + [os.sep + 'last']") is True
    assert sys.path[0] == "/first" and sys.path[-1] == "/last"


def test_python_path_string_is_evaluated_once_per_interpreter(isolated_sys_path):
    expression = "sys.path + ['/added']"
    first = unique("interp")
    with running_in(first):
        apply_python_path(expression)
        sys.path.remove("/added")
        assert apply_python_path(expression) is False
    assert "/added" not in sys.path
    with running_in(unique("interp")):
        assert apply_python_path(expression) is True
    assert sys.path.count("/added") == 1


def test_python_path_that_fails_is_evaluated_again_next_time(isolated_sys_path):
    with running_in(unique("interp")) as interpreter:
        for _ in range(2):
            with pytest.raises(NameError):
                apply_python_path("undefined_name")
        assert "undefined_name" not in interpreter.path_cache


def test_python_path_value_is_where_the_interpreter_finds_modules(two_directories):
    name, a, b = two_directories
    with running_in(unique("interp")):
        apply_python_path(f"[{b!r}] + sys.path")
        sys.path.remove(b)  # other code changing sys.path does not change this interpreter's view
        assert import_module(name).WHERE == "b"


def test_prepend_handler_directory_inserts_once_at_the_front(isolated_sys_path, tmp_path):
    directory = str(tmp_path)
    with running_in(unique("interp")):
        prepend_handler_directory(directory)
        prepend_handler_directory(directory)
    assert sys.path[0] == directory
    assert sys.path.count(directory) == 1


def test_prepend_handler_directory_leaves_present_directory_in_place(isolated_sys_path, tmp_path):
    directory = str(tmp_path)
    sys.path.append(directory)
    with running_in(unique("interp")):
        prepend_handler_directory(directory)
    assert sys.path[-1] == directory and sys.path.count(directory) == 1
