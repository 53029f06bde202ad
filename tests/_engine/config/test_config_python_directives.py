"""Every Python* directive of SPEC 1.3 reaches the place it belongs: handler lists per phase,
``| .ext`` lists, PythonOption/PythonDebug merging, PythonImport at start, interpreter
selection seen from inside a handler."""

from __future__ import annotations

import pytest

from mod_python._engine.config.parser import ConfigError

WWW = 'DocumentRoot "{root}/www"\n'


@pytest.fixture
def site(engine_from_text, write_tree, show):
    """``site(conf, files)``: www/show.py plus ``files``, then a Client over ``conf``."""
    handler_source, _ = show

    def build(conf: str, files: dict | None = None):
        write_tree({"www/show.py": handler_source, "www/sub/deeper/x.txt": "x", **(files or {})})
        return engine_from_text(WWW + conf)

    return build


def test_handler_and_fixup_handler_run_in_their_phases(site, show):
    client = site("""\
        <Directory "{root}/www">
            SetHandler mod_python
            PythonFixupHandler show::fixup
            PythonHandler show
        </Directory>
    """)
    reply = client.get("/show.py")
    assert reply.status == 200
    assert reply.header("X-Fixup") == "ran"
    assert show[1](reply)["phase"] == "PythonHandler"


def test_stacked_handlers_on_one_line_and_repeated_lines_run_in_order(site):
    client = site("""\
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler show::other show
            PythonHandler show::third
        </Directory>
    """)
    tags = [line for line in client.get("/show.py").text.splitlines() if line.startswith("tag=")]
    assert tags == ["tag=other", "tag=handler", "tag=third"]


def test_ext_list_is_used_for_matching_files_and_plain_list_for_others(site, show):
    client = site("""\
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler show::other | .txt .tar.gz
            PythonHandler show
        </Directory>
    """, {"www/a.txt": "x", "www/b.tar.gz": "x"})  # fmt: skip
    assert show[1](client.get("/a.txt"))["tag"] == "other"
    assert show[1](client.get("/b.tar.gz"))["tag"] == "other"
    assert show[1](client.get("/show.py"))["tag"] == "handler"


def test_ext_lists_are_stored_under_phase_plus_extension(load_text):
    settings = load_text("PythonHandler a b | .py .psp\nPythonHandler c\n")
    handlers = settings.config.handlers
    assert [e.handler for e in handlers["PythonHandler.py"]] == ["a", "b"]
    assert [e.handler for e in handlers["PythonHandler.psp"]] == ["a", "b"]
    assert [e.handler for e in handlers["PythonHandler"]] == ["c"]


def test_deeper_section_replaces_the_handler_list_of_that_phase_only(site, show):
    client = site("""\
        <Directory "{root}/www">
            SetHandler mod_python
            PythonFixupHandler show::fixup
            PythonHandler show::other show::third
        </Directory>
        <Directory "{root}/www/sub">
            PythonHandler show
        </Directory>
    """)
    reply = client.get("/sub/deeper/x.txt")
    tags = [line for line in reply.text.splitlines() if line.startswith("tag=")]
    assert tags == ["tag=handler"]
    assert reply.header("X-Fixup") == "ran"  # the fixup list is inherited


def test_python_option_inherited_overridden_and_removed_by_empty_value(site, show):
    client = site("""\
        PythonOption server_wide s
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler show
            PythonOption color red
            PythonOption shape round
            PythonOption Gone present
        </Directory>
        <Directory "{root}/www/sub">
            PythonOption COLOR blue
            PythonOption gone
            PythonOption shape ""
        </Directory>
    """)
    top = show[1](client.get("/show.py"))["options"]
    assert top == "Gone:present,color:red,server_wide:s,shape:round"
    assert show[1](client.get("/sub/deeper/x.txt"))["options"] == "COLOR:blue,server_wide:s"


def test_python_debug_off_in_a_deeper_section_overrides_on(site, show):
    client = site("""\
        PythonDebug On
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler show
        </Directory>
        <Directory "{root}/www/sub">
            PythonDebug Off
        </Directory>
    """)
    assert show[1](client.get("/show.py"))["debug"] == "1"
    assert show[1](client.get("/sub/deeper/x.txt"))["debug"] == "0"


def test_python_autoreload_and_enable_pdb_are_stored_as_flags(load_text):
    settings = load_text("PythonAutoReload Off\nPythonEnablePdb On\nPythonOptimize On\n")
    assert settings.config.directives["PythonAutoReload"] == "0"
    assert settings.config.directives["PythonEnablePdb"] == "1"


def test_flag_directive_rejects_other_words(load_text):
    with pytest.raises(ConfigError, match="On or Off"):
        load_text("PythonDebug yes\n")


def test_python_interpreter_names_the_interpreter(site, show):
    client = site("""\
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler show
            PythonInterpreter shared_by_name
        </Directory>
    """)
    assert show[1](client.get("/show.py"))["interpreter"] == "shared_by_name"


def test_interp_per_directory_names_it_after_the_file_directory(site, show, tmp_path):
    client = site("""\
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler show
            PythonInterpPerDirectory On
        </Directory>
    """)
    reply = client.get("/sub/deeper/x.txt")
    assert show[1](reply)["interpreter"] == f"{tmp_path}/www/sub/deeper/"


def test_interp_per_directive_names_it_after_the_declaring_section(site, show, tmp_path):
    client = site("""\
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler show
            PythonInterpPerDirective On
        </Directory>
    """)
    reply = client.get("/sub/deeper/x.txt")
    assert show[1](reply)["interpreter"] == f"{tmp_path}/www/"


def test_python_path_makes_a_module_outside_the_docroot_importable(site, show):
    client = site(
        """\
        PythonPath "sys.path + ['{root}/lib']"
        <Location /app>
            SetHandler mod_python
            PythonHandler libhandler
        </Location>
        """,
        {"lib/libhandler.py": "from mod_python import apache\n"
                              "def handler(req):\n    req.write('from lib')\n"
                              "    return apache.OK\n"},
    )  # fmt: skip
    reply = client.get("/app")
    assert (reply.status, reply.text) == (200, "from lib")


def test_python_import_runs_at_start_last_declared_first(engine_from_text, write_tree, tmp_path):
    write_tree({"lib/startup.py": f"""\
        def first():
            open({str(tmp_path / 'imports.log')!r}, 'a').write('first\\n')

        def second():
            open({str(tmp_path / 'imports.log')!r}, 'a').write('second\\n')
    """})  # fmt: skip
    engine_from_text("""\
        PythonPath "sys.path + ['{root}/lib']"
        PythonImport startup::first some_interpreter
        PythonImport startup::second some_interpreter
        <VirtualHost *:80>
            ServerName never.test
            PythonImport startup::first other
        </VirtualHost>
    """)
    assert (tmp_path / "imports.log").read_text() == "second\nfirst\n"


@pytest.mark.parametrize(
    "conf, message",
    [
        ("<Directory /x>\nPythonImport a b\n</Directory>\n", "not allowed here"),
        ("PythonImport onlyone\n", "takes 2 arguments"),
        ("<Directory /x>\nPythonTransHandler a\n</Directory>\n", "not allowed here"),
        ("<Location /x>\nPythonPostReadRequestHandler a\n</Location>\n", "not allowed here"),
        ("PythonPostReadRequestHandler a | .py\n", 'does not accept "| .ext" syntax.'),
        ("PythonTransHandler a | .py\n", 'does not accept "| .ext" syntax.'),
        ("<Directory /x>\nPythonOptimize On\n</Directory>\n", "not allowed here"),
        ("<Directory /x>\nPythonConnectionHandler a\n</Directory>\n", "not allowed here"),
        ("PythonOption\n", "takes 1 to 2 arguments"),
        ("PythonHandler\n", "at least 1 argument"),
    ],
)
def test_python_directive_context_and_argument_errors(load_text, conf, message):
    with pytest.raises(ConfigError) as caught:
        load_text(conf)
    assert message in caught.value.message
    assert caught.value.line in (1, 2)


def test_connection_handler_and_filters_are_registered(load_text):
    settings = load_text("""\
        PythonConnectionHandler echo::serve
        PythonOutputFilter upper::outputfilter UPPER
        <Directory /srv>
            PythonInputFilter reader
        </Directory>
    """)
    assert settings.connection_handler == "echo::serve"
    assert settings.config.output_filters["upper"].handler == "upper::outputfilter"
    (section,) = settings.sections
    entry = section.config.input_filters["reader"]
    assert (entry.handler, entry.directory, entry.is_input) == ("reader", "/srv/", True)


def test_the_first_connection_handler_of_a_server_wins(load_text):
    # mod_python's ConnectionDispatch runs only the first entry of the stacked list.
    settings = load_text("""\
        PythonConnectionHandler first
        PythonConnectionHandler second
        <VirtualHost 127.0.0.1:9999>
            PythonConnectionHandler vhost_first
            PythonConnectionHandler vhost_second
        </VirtualHost>
    """)
    (vhost,) = settings.vhosts
    assert (settings.connection_handler, vhost.connection_handler) == ("first", "vhost_first")


def test_handler_module_adds_a_silent_entry_to_every_phase_but_connection(load_text):
    settings = load_text("<Location /m>\nPythonHandlerModule allphases\n</Location>\n")
    (section,) = settings.sections
    handlers = section.config.handlers
    assert "PythonConnectionHandler" not in handlers
    assert {"PythonHandler", "PythonFixupHandler", "PythonCleanupHandler",
            "PythonTransHandler", "PythonInitHandler"} <= set(handlers)  # fmt: skip
    assert all(entry.silent and entry.is_location for entry in handlers["PythonHandler"])


def test_server_get_config_shows_server_level_directives_except_interp_per_directory(
    site, write_tree
):
    client = site(
        """\
        PythonDebug On
        PythonInterpPerDirectory On
        PythonAutoReload Off
        <Directory "{root}/www">
            SetHandler mod_python
            PythonHandler srv
        </Directory>
        """,
        {"www/srv.py": "from mod_python import apache\n"
                       "def handler(req):\n"
                       "    c = req.server.get_config()\n"
                       "    req.write(','.join(sorted('%s=%s' % (k, c[k]) for k in c.keys())))\n"
                       "    return apache.OK\n"},
    )  # fmt: skip
    assert client.get("/srv.py").text == "PythonAutoReload=0,PythonDebug=1"
