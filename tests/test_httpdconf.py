"""httpdconf: Apache configuration as Python objects (SPEC section 10).

Rendering (str/repr) to the exact text mod_python 3.5 produces, the class inventory,
round trips through our own config parser and engine, and write_basic_config.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import httpdconf
import mod_python.httpdconf
from httpdconf import (
    AddHandler,
    Comment,
    Container,
    ContainerTag,
    CustomLog,
    Directive,
    Directory,
    DocumentRoot,
    Files,
    IfModule,
    KeepAliveTimeout,
    Listen,
    Location,
    LockFile,
    LogFormat,
    LogLevel,
    NameVirtualHost,
    PythonDebug,
    PythonHandler,
    PythonInterpPerDirective,
    PythonInterpPerDirectory,
    PythonOption,
    PythonPath,
    ServerName,
    SetHandler,
    Timeout,
    VirtualHost,
    quote_if_space,
    write_basic_config,
)
from mod_python._engine.app import Engine
from mod_python._engine.config.parser import parse_config
from mod_python._engine.config.server import load_config_text

REPO_ROOT = Path(__file__).resolve().parent.parent
ON_24 = "mod_python.version.HTTPD_VERSION[0:3] == '2.4'"
ON_22 = "mod_python.version.HTTPD_VERSION[0:3] == '2.2'"

# SPEC 10: the Directive subclasses of mod_python 3.5's httpdconf, by name.
MOD_PYTHON_35_DIRECTIVES = """
    AddHandler AddOutputFilter AddType AuthBasicAuthoritative AuthBasicProvider AuthType
    AuthName CustomLog DirectoryIndex DocumentRoot ErrorLog KeepAliveTimeout Listen
    LoadModule LogLevel LogFormat LockFile MaxConnectionsPerChild MaxClients
    MaxRequestsPerChild MaxSpareServers MaxSpareThreads MaxThreadsPerChild MinSpareThreads
    Mutex NameVirtualHost NumServers Options PidFile PythonAuthenHandler PythonAuthzHandler
    PythonCleanupHandler PythonConnectionHandler PythonDebug PythonHandler PythonAccessHandler
    PythonPostReadRequestHandler PythonTransHandler PythonFixupHandler PythonImport PythonPath
    PythonOutputFilter PythonOption Require SetHandler ServerAdmin ServerName ServerPath
    ServerRoot StartServers StartThreads ThreadsPerChild Timeout TypesConfig
    PythonInterpPerDirectory PythonInterpPerDirective
""".split()
ADDED_PYTHON_DIRECTIVES = """
    PythonInputFilter PythonHeaderParserHandler PythonInitHandler PythonTypeHandler
    PythonLogHandler PythonInterpreter PythonAutoReload PythonEnablePdb PythonOptimize
    PythonHandlerModule
""".split()
WSGI_DIRECTIVES = """
    WSGIScriptAlias WSGIScriptAliasMatch WSGIDaemonProcess WSGIProcessGroup
    WSGIApplicationGroup WSGIPythonHome WSGIPythonPath WSGIPassAuthorization
    WSGIScriptReloading WSGICallableObject WSGIRestrictEmbedded WSGIImportScript
    WSGISocketPrefix WSGILazyInitialization WSGIChunkedRequest WSGIErrorOverride
    WSGIRestrictStdout WSGIRestrictStdin
""".split()
ALL_DIRECTIVES = MOD_PYTHON_35_DIRECTIVES + ADDED_PYTHON_DIRECTIVES + WSGI_DIRECTIVES
SECTIONS = """
    Directory Files IfModule Location VirtualHost
    DirectoryMatch FilesMatch LocationMatch IfDefine Limit LimitExcept
""".split()
# The classes that keep backslashes (flipslash=0).
UNFLIPPED = {"LogFormat", "PythonPath"}


def as_tree(nodes) -> list:
    """Our parser's output as (name, args, children) tuples; children None for a directive."""
    return [
        (node.name, node.args, None if node.children is None else as_tree(node.children))
        for node in nodes
    ]


def call(app, path: str = "/", host: str = "localhost") -> tuple[str, bytes]:
    """One GET through a WSGI application: (status line, body)."""
    environ = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": host, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "REQUEST_URI": path,
        "HTTP_HOST": host, "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": False, "wsgi.run_once": False,
    }  # fmt: skip
    started = {}
    chunks: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        started["status"] = status
        return chunks.append

    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        getattr(result, "close", lambda: None)()
    return started["status"], b"".join(chunks)


def write_handler(directory: Path, module: str, text: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{module}.py").write_text(
        "from mod_python import apache\n\n"
        "def handler(req):\n"
        "    req.content_type = 'text/plain'\n"
        f"    req.write({text!r})\n"
        "    return apache.OK\n"
    )


# ---- Directive ------------------------------------------------------------------------


def test_directive_renders_name_space_value_newline():
    assert str(Directive("Header", "set X-A 1")) == "Header set X-A 1\n"


@pytest.mark.parametrize(
    "directive, text",
    [(Listen(8080), "Listen 8080\n"), (Timeout(60), "Timeout 60\n"),
     (KeepAliveTimeout(1.5), "KeepAliveTimeout 1.5\n"), (Listen((1, 2)), "Listen (1, 2)\n")],
)  # fmt: skip
def test_directive_value_is_formatted_with_percent_s(directive, text):
    assert str(directive) == text


def test_directive_repr_calls_the_directive_name():
    assert repr(Directive("Header", "set X-A 1")) == "Header('set X-A 1')"
    assert repr(Listen(8080)) == "Listen(8080)"


def test_directive_flips_backslashes_to_slashes():
    directive = DocumentRoot("C:\\www\\site")
    assert str(directive) == "DocumentRoot C:/www/site\n"
    # repr doubles each backslash first, so the flipped source holds "//"
    assert repr(directive) == "DocumentRoot('C://www//site')"


def test_directive_without_flipslash_keeps_backslashes():
    directive = Directive("Header", "a\\b", flipslash=0)
    assert str(directive) == "Header a\\b\n"
    assert repr(directive) == "Header('a\\\\b')"


@pytest.mark.parametrize("cls", [LogFormat, PythonPath])
def test_logformat_and_pythonpath_keep_backslashes(cls):
    assert cls("a\\b").flipslash == 0
    assert str(cls("a\\b")) == f"{cls.__name__} a\\b\n"


def test_directive_indent_prefixes_str_and_repr():
    directive = Listen(80)
    directive.indent = 3
    assert str(directive) == "   Listen 80\n"
    assert repr(directive) == "   Listen(80)"


# ---- Comment --------------------------------------------------------------------------


def test_comment_renders_one_hash_line_per_line():
    assert str(Comment("one\ntwo")) == "# one\n# two\n"


def test_comment_empty_line_keeps_its_trailing_space():
    assert str(Comment("\n text\n")) == "# \n#  text\n"


def test_comment_repr_continues_lines_indented_eight():
    comment = Comment("one\ntwo\nthree")
    assert repr(comment) == "Comment('one\\n'\n        'two\\n'\n        'three\\n')"
    comment.indent = 4
    assert repr(comment) == "    Comment('one\\n'\n            'two\\n'\n            'three\\n')"


def test_empty_comment_renders_nothing_and_reprs_as_itself():
    assert str(Comment("")) == ""
    assert eval(repr(Comment("")), vars(httpdconf)).comment == ""


# ---- Container ------------------------------------------------------------------------


def test_container_concatenates_its_items_at_its_own_indent():
    container = Container(Listen(80), Comment("c"), Container(Timeout(5)))
    assert str(container) == "Listen 80\n# c\nTimeout 5\n"
    container.indent = 2
    assert str(container) == "  Listen 80\n  # c\n  Timeout 5\n"


def test_container_repr_puts_each_item_on_its_own_line():
    container = Container(Listen(80), Container(Timeout(5)))
    assert repr(container).splitlines() == [
        "Container(",
        "    Listen(80),",
        "    Container(",
        "        Timeout(5),",
        "    ),",
        ")",
    ]


def test_container_repr_ends_with_only_if():
    container = Container(Listen(80), only_if=ON_24)
    assert repr(container) == f"Container(\n    Listen(80),\n    only_if={ON_24!r})"


@pytest.mark.parametrize(
    "only_if, rendered",
    [(ON_24, "Listen 80\n"), (ON_22, ""), ("mod_python.version.HTTPD_VERSION < '2.4'", ""),
     ("True", "Listen 80\n"), (None, "Listen 80\n"), ("", "Listen 80\n")],
)  # fmt: skip
def test_container_only_if_is_evaluated_in_httpdconf_globals(only_if, rendered):
    assert str(Container(Listen(80), only_if=only_if)) == rendered


def test_only_if_can_name_httpdconf_classes():
    container = Container(Listen(80), only_if="issubclass(Listen, Directive)")
    assert str(container) == "Listen 80\n"


@pytest.mark.parametrize("value", ["Listen 80", 80, None, Listen, [Listen(80)]])
def test_append_rejects_anything_but_a_node(value):
    with pytest.raises(TypeError) as caught:
        Container().append(value)
    assert str(caught.value) == (
        "appended value must be an instance of Directive, Container, ContainerTag or Comment"
    )


@pytest.mark.parametrize(
    "node", [Listen(80), Container(), Directory("/x"), Comment("c"), Directive("A", "b")]
)
def test_append_accepts_every_node_kind(node):
    container = Container()
    container.append(node)
    assert container.args == [node]


# ---- ContainerTag ---------------------------------------------------------------------


def test_container_tag_indents_children_by_two():
    section = VirtualHost("*:80", ServerName("a"), Directory("/srv", SetHandler("mod_python")))
    assert str(section) == (
        "<VirtualHost *:80>\n"
        "  ServerName a\n"
        "  <Directory /srv>\n"
        "    SetHandler mod_python\n"
        "  </Directory>\n"
        "</VirtualHost>\n"
    )


def test_container_tag_repr_nests_children_by_four():
    section = VirtualHost("*:80", ServerName("a"), Directory("/srv", SetHandler("mod_python")))
    assert repr(section) == (
        "VirtualHost('*:80',\n"
        "    ServerName('a'),\n"
        "    Directory('/srv',\n"
        "        SetHandler('mod_python'),\n"
        "    ),\n"
        ")"
    )


def test_container_tag_flips_its_opening_line_only():
    section = Directory("C:\\www", LogFormat("a\\b"))
    assert str(section) == "<Directory C:/www>\n  LogFormat a\\b\n</Directory>\n"
    assert repr(section).startswith("Directory('C://www',\n    LogFormat('a\\\\b'),")


def test_container_tag_with_the_generic_constructor():
    section = ContainerTag("Proxy", "*", [Directive("Allow", "from all")])
    assert str(section) == "<Proxy *>\n  Allow from all\n</Proxy>\n"


def test_container_inside_a_tag_takes_the_tag_indent():
    section = Location("/", Container(SetHandler("mod_python"), only_if=ON_24))
    assert str(section) == "<Location />\n  SetHandler mod_python\n</Location>\n"


def test_container_tag_append_checks_the_type():
    section = Files("*.py")
    section.append(SetHandler("mod_python"))
    assert str(section) == "<Files *.py>\n  SetHandler mod_python\n</Files>\n"
    with pytest.raises(TypeError):
        section.append("SetHandler none")


# ---- the class inventory --------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_DIRECTIVES)
def test_each_directive_class_is_named_after_itself(name):
    cls = getattr(httpdconf, name)
    assert issubclass(cls, Directive)
    if name == "LockFile" and sys.platform == "win32":
        name = "#LockFile"
    slash = "\\" if name in UNFLIPPED else "/"
    assert str(cls("a\\b c")) == f"{name} a{slash}b c\n"
    assert repr(cls(7)) == f"{name}(7)"


@pytest.mark.parametrize("name", SECTIONS)
def test_each_section_class_renders_its_tag(name):
    cls = getattr(httpdconf, name)
    assert issubclass(cls, ContainerTag)
    assert (
        str(cls("arg", Listen(1), Timeout(2)))
        == f"<{name} arg>\n  Listen 1\n  Timeout 2\n</{name}>\n"
    )


def test_the_56_directives_of_mod_python_35_and_the_additions():
    assert len(MOD_PYTHON_35_DIRECTIVES) == 56
    assert list(httpdconf.MOD_PYTHON_35_DIRECTIVES) == MOD_PYTHON_35_DIRECTIVES
    assert list(httpdconf.ADDED_PYTHON_DIRECTIVES) == ADDED_PYTHON_DIRECTIVES
    assert list(httpdconf.WSGI_DIRECTIVES) == WSGI_DIRECTIVES


def test_lockfile_is_commented_out_on_windows(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert str(LockFile("logs/accept.lock")) == "#LockFile logs/accept.lock\n"
    monkeypatch.setattr(sys, "platform", "linux")
    assert str(LockFile("logs/accept.lock")) == "LockFile logs/accept.lock\n"


@pytest.mark.parametrize("cls", [PythonInterpPerDirectory, PythonInterpPerDirective])
def test_interp_per_directory_and_directive_default_to_off(cls):
    assert str(cls()) == f"{cls.__name__} Off\n"
    assert str(cls("On")) == f"{cls.__name__} On\n"


@pytest.mark.parametrize(
    "text, quoted", [("/srv/www", "/srv/www"), ("/my site", '"/my site"'), ("", ""), (" ", '" "')]
)
def test_quote_if_space(text, quoted):
    assert quote_if_space(text) == quoted


def test_mod_python_httpdconf_is_the_same_package():
    namespace: dict = {}
    exec("from mod_python.httpdconf import *", namespace)
    for name in ["Directive", "Container", "ContainerTag", "Comment", "quote_if_space",
                 "write_basic_config", *ALL_DIRECTIVES, *SECTIONS]:  # fmt: skip
        assert namespace[name] is getattr(httpdconf, name)
    assert mod_python.httpdconf.Container is Container


# ---- round trips ----------------------------------------------------------------------


def sample_config() -> Container:
    """A config in the shape mod_python's test.py builds, every node kind included."""
    return Container(
        IfModule("!mpm_prefork_module", Directive("StartServers", 2)),
        Container(NameVirtualHost("*"), only_if="mod_python.version.HTTPD_VERSION[0:3] < '2.4'"),
        ServerName("127.0.0.1"),
        Listen(8080),
        Timeout(60),
        LogLevel("debug"),
        LogFormat(r'"%h %l %u %t \"%r\" %>s %b" common'),
        CustomLog("logs/access_log common"),
        PythonOption('mod_python.mutex_locks "4"'),
        PythonPath("\"sys.path+['/srv/lib']\""),
        Comment(" --APPENDED--\n second line"),
        VirtualHost(
            "*",
            ServerName("test_req_document_root"),
            DocumentRoot("/srv/htdocs"),
            Directory(
                "/srv/htdocs",
                SetHandler("mod_python"),
                PythonHandler("mod_python.publisher | .py"),
                PythonDebug("On"),
            ),
        ),
        Container(Timeout("5"), VirtualHost("*", Location("/a b", AddHandler("mod_python .py")))),
    )


def test_str_parses_back_to_the_same_tree():
    assert as_tree(parse_config(str(sample_config()))) == [
        ("IfModule", ["!mpm_prefork_module"], [("StartServers", ["2"], None)]),
        ("ServerName", ["127.0.0.1"], None),
        ("Listen", ["8080"], None),
        ("Timeout", ["60"], None),
        ("LogLevel", ["debug"], None),
        ("LogFormat", ['%h %l %u %t "%r" %>s %b', "common"], None),
        ("CustomLog", ["logs/access_log", "common"], None),
        ("PythonOption", ["mod_python.mutex_locks", "4"], None),
        ("PythonPath", ["sys.path+['/srv/lib']"], None),
        ("VirtualHost", ["*"], [
            ("ServerName", ["test_req_document_root"], None),
            ("DocumentRoot", ["/srv/htdocs"], None),
            ("Directory", ["/srv/htdocs"], [
                ("SetHandler", ["mod_python"], None),
                ("PythonHandler", ["mod_python.publisher", "|", ".py"], None),
                ("PythonDebug", ["On"], None),
            ]),
        ]),
        ("Timeout", ["5"], None),
        ("VirtualHost", ["*"], [
            ("Location", ["/a", "b"], [("AddHandler", ["mod_python", ".py"], None)]),
        ]),
    ]  # fmt: skip


@pytest.mark.parametrize("name", ALL_DIRECTIVES)
def test_every_directive_parses_back_with_its_name_and_args(name):
    node = getattr(httpdconf, name)('one "two three"')
    if name == "LockFile" and sys.platform == "win32":
        pytest.skip("rendered as a comment on Windows")
    assert as_tree(parse_config(str(Location("/x", node)))) == [
        ("Location", ["/x"], [(name, ["one", "two three"], None)])
    ]


def test_repr_evaluates_back_to_the_same_text():
    config = sample_config()
    rebuilt = eval(repr(config), vars(httpdconf))
    assert isinstance(rebuilt, Container)
    assert str(rebuilt) == str(config)
    assert repr(rebuilt) == repr(config)


def test_repr_keeps_only_if_unevaluated():
    config = Container(Container(LockFile("x"), only_if=ON_22))
    rebuilt = eval(repr(config), vars(httpdconf))
    assert rebuilt.args[0].only_if == ON_22
    assert str(rebuilt) == ""


def test_engine_loads_a_config_built_from_objects(tmp_path):
    settings = load_config_text(str(sample_config()))
    assert settings.listen == ["8080"]
    assert settings.log_level == "debug"
    assert settings.log_formats["common"] == '%h %l %u %t "%r" %>s %b'
    # the second VirtualHost names no server, so it inherits the main server's name
    assert [vhost.server_name for vhost in settings.vhosts] == [
        "test_req_document_root",
        "127.0.0.1",
    ]


# Directives our engine does not know (yet): the NetWare/BeOS MPM ones and mod_wsgi's.
ENGINE_UNKNOWN = {"MaxThreadsPerChild", "NumServers", "StartThreads", *WSGI_DIRECTIVES}
# A valid value for each directive, where "5" (or a handler module for Python*) is not.
SAMPLE_VALUES = {
    "AddHandler": "mod_python .py", "AddOutputFilter": "INCLUDES .shtml",
    "AddType": "text/html .x", "AuthBasicAuthoritative": "On", "AuthBasicProvider": "file",
    "AuthType": "Basic", "AuthName": "realm", "CustomLog": "logs/access_log combined",
    "DirectoryIndex": "index.html", "DocumentRoot": "/srv/htdocs", "ErrorLog": "logs/error_log",
    "Listen": "8080", "LoadModule": "x_module modules/mod_x.so", "LogLevel": "warn",
    "LogFormat": "%h common", "LockFile": "logs/accept.lock", "Mutex": "file:logs",
    "NameVirtualHost": "*", "Options": "Indexes", "PidFile": "logs/httpd.pid",
    "Require": "valid-user", "SetHandler": "mod_python", "ServerAdmin": "admin@example.com",
    "ServerName": "example.com", "ServerPath": "/site", "ServerRoot": "/srv",
    "TypesConfig": "conf/mime.types", "PythonImport": "mod.x interp", "PythonDebug": "On",
    "PythonPath": "sys.path", "PythonOption": "key value", "PythonInterpreter": "main",
    "PythonOutputFilter": "mod.x FILTER", "PythonInputFilter": "mod.x FILTER",
    "PythonInterpPerDirectory": "On", "PythonInterpPerDirective": "On",
    "PythonAutoReload": "Off", "PythonEnablePdb": "Off", "PythonOptimize": "Off",
}  # fmt: skip
# Directory-context directives (mod_auth*, Options): tried inside a <Directory>.
IN_DIRECTORY = {"AuthBasicAuthoritative", "AuthBasicProvider", "AuthType", "AuthName",
                "Require", "Options"}  # fmt: skip


@pytest.mark.parametrize("name", sorted(set(ALL_DIRECTIVES) - ENGINE_UNKNOWN))
def test_engine_accepts_each_directive_class(name):
    default = "mod.x" if name.startswith("Python") else "5"
    node = getattr(httpdconf, name)(SAMPLE_VALUES.get(name, default))
    if name in IN_DIRECTORY:
        node = Directory("/srv", node)
    settings = load_config_text(str(Container(ServerName("accepts.test"), node)))
    tree = settings.config_tree  # a section is followed by the list of its children
    assert (tree[-1][-1] if name in IN_DIRECTORY else tree[-1])[0] == name


def test_engine_serves_a_handler_configured_from_objects(tmp_path):
    docroot = tmp_path / "htdocs"
    module = f"hello_{tmp_path.name}".replace("-", "_")
    write_handler(docroot, module, "configured by httpdconf")
    config = Container(
        ServerName(f"{module}.test"),
        DocumentRoot(quote_if_space(str(docroot))),
        LogLevel("debug"),
        Directory(
            quote_if_space(str(docroot)),
            SetHandler("mod_python"),
            PythonHandler(module),
            PythonDebug("On"),
        ),
    )
    engine = Engine(load_config_text(str(config)), error_stream=io.StringIO(), set_argv=False)
    status, body = call(engine, "/anything")
    assert (status, body) == ("200 OK", b"configured by httpdconf")


# ---- write_basic_config ---------------------------------------------------------------


def run_script(path: str) -> str:
    """Execute a generated config script with this Python, as `mod_python genconfig` does."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, path], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    return done.stdout


def test_write_basic_config_writes_an_executable_script(tmp_path):
    root = tmp_path / "site"
    path = write_basic_config(str(root))
    assert path == str(root / "conf" / "httpd_conf.py")
    assert os.access(path, os.X_OK)
    script = Path(path).read_text()
    assert script.startswith(f"#!{sys.executable}\n")
    assert "\nfrom mod_python.httpdconf import *\n" in script
    assert "\nconfig = Container(\n" in script
    assert script.rstrip().endswith("print(config)")


def test_write_basic_config_creates_the_server_root(tmp_path, capsys):
    root = tmp_path / "site"
    write_basic_config(str(root), htdocs="www", logs="log")
    assert sorted(p.name for p in root.iterdir()) == ["conf", "log", "www"]
    assert f"Creating directory {str(root / 'www')!r}." in capsys.readouterr().err


def test_write_basic_config_warns_about_existing_directories(tmp_path, capsys):
    (tmp_path / "public").mkdir()
    write_basic_config(str(tmp_path))
    err = capsys.readouterr().err
    assert f"Warning: directory {str(tmp_path)!r} already exists, continuing." in err
    assert f"Warning: directory {str(tmp_path / 'public')!r} already exists" in err
    assert f"Creating directory {str(tmp_path / 'conf')!r}." in err


@pytest.mark.skipif(not os.path.isfile("/etc/mime.types"), reason="no /etc/mime.types here")
def test_write_basic_config_copies_mime_types(tmp_path):
    write_basic_config(str(tmp_path))
    copied = tmp_path / "conf" / "mime.types"
    assert copied.read_bytes() == Path("/etc/mime.types").read_bytes()


def test_write_basic_config_refuses_to_replace_a_script(tmp_path, capsys):
    path = write_basic_config(str(tmp_path), listen="1111")
    capsys.readouterr()
    assert write_basic_config(str(tmp_path), listen="2222") is None
    assert capsys.readouterr().err == f"Error: {path!r} already exists, aborting.\n"
    assert "Listen('1111')" in Path(path).read_text()


def test_write_basic_config_replaces_when_asked(tmp_path):
    path = write_basic_config(str(tmp_path), listen="1111")
    assert write_basic_config(str(tmp_path), listen="2222", replace_config=True) == path
    assert "Listen('2222')" in Path(path).read_text()


def test_write_basic_config_without_createdirs_leaves_directories_alone(tmp_path, capsys):
    (tmp_path / "etc").mkdir()
    path = write_basic_config(str(tmp_path), conf="etc", conf_name="c.py", createdirs=False)
    assert path == str(tmp_path / "etc" / "c.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["etc"]
    assert os.listdir(tmp_path / "etc") == ["c.py"]
    assert capsys.readouterr().err == ""


def test_generated_script_prints_the_basic_config(tmp_path):
    root = tmp_path / "site"
    path = write_basic_config(
        str(root), listen="127.0.0.1:9999", pythonhandler="mod_python.wsgi",
        pythonpath=["/srv/lib", "/srv/app's"], pythonoptions=["wsgi.application app::app"],
        mp_comments=['PythonOption mod_python.wsgi.base_url = ""'],
    )  # fmt: skip
    tree = as_tree(parse_config(run_script(path)))
    modules = "/usr/lib/apache2/modules"
    loads = [args for name, args, _ in tree if name == "LoadModule"]
    assert len(loads) == 23
    assert loads[0] == ["authn_file_module", f"{modules}/mod_authn_file.so"]
    assert loads[-1] == ["python_module", f"{modules}/mod_python.so"]
    rest = [(name, args) for name, args, _ in tree if name != "LoadModule"]
    assert rest == [
        ("ServerRoot", [str(root)]),
        ("MaxConnectionsPerChild", ["65536"]),
        ("LogFormat", ['%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"', "combined"]),
        ("CustomLog", ["logs/access_log", "combined"]),
        ("ErrorLog", ["logs/error_log"]),
        ("LogLevel", ["warn"]),
        ("PidFile", ["logs/httpd.pid"]),
        ("TypesConfig", ["conf/mime.types"]),
        ("ServerName", ["127.0.0.1"]),
        ("Listen", ["127.0.0.1:9999"]),
        ("DocumentRoot", [str(root / "public")]),
        ("SetHandler", ["mod_python"]),
        ("PythonHandler", ["mod_python.wsgi"]),
        ("PythonPath", ["sys.path+['/srv/lib',\"/srv/app's\",]"]),
        ("PythonOption", ["wsgi.application", "app::app"]),
    ]


def test_generated_script_comments(tmp_path):
    path = write_basic_config(str(tmp_path), mp_comments=["first", "second\nthird"])
    output = run_script(path)
    assert "\n# PythonDebug On\n" in output
    assert "# \n#  mod_python-specific options start here\n" in output
    assert output.endswith("# first\n# second\n# third\n\n")
    assert "PythonPath" not in output and "PythonOption" not in output


def test_generated_script_quotes_paths_with_spaces(tmp_path):
    root = tmp_path / "my site"
    output = run_script(write_basic_config(str(root)))
    tree = dict((name, args) for name, args, _ in as_tree(parse_config(output)))
    assert tree["ServerRoot"] == [str(root)]
    assert tree["DocumentRoot"] == [str(root / "public")]


def test_engine_loads_the_generated_config(tmp_path):
    root = tmp_path / "site"
    text = run_script(write_basic_config(str(root), pythonoptions=["answer 42"]))
    settings = load_config_text(text)
    assert settings.server_name == "127.0.0.1"
    assert settings.listen == ["0.0.0.0:8888"]
    assert settings.server_root == str(root)
    assert settings.document_root == str(root / "public")
    assert settings.log_level == "warn"
    assert settings.custom_logs == [("logs/access_log", "combined")]
    assert settings.log_formats["combined"].startswith('%h %l %u %t "%r"')
    assert dict(settings.config.option_items())["answer"] == "42"


def test_engine_serves_the_generated_site(tmp_path):
    root = tmp_path / "site"
    module = f"basic_{tmp_path.name}".replace("-", "_")
    write_handler(root / "lib", module, "hello from write_basic_config")
    path = write_basic_config(str(root), pythonhandler=module, pythonpath=[str(root / "lib")])
    settings = load_config_text(run_script(path))
    engine = Engine(settings, error_stream=io.StringIO(), set_argv=False)
    status, body = call(engine, "/")
    assert (status, body) == ("200 OK", b"hello from write_basic_config")
