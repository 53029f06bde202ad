"""The ``mod_python`` command.

    mod_python create DIR [--listen [IP:]PORT] [--pythonpath P1:P2] [--pythonhandler H]
                          [--pythonoption "K V" ...]
    mod_python genconfig FILE.py > httpd.conf
    mod_python start|stop|restart|graceful CONF [-D NAME]
    mod_python serve [CONF | DIRECTORY] [--listen ...] [--server NAME] [--processes N]
                     [--threads N] [--reload] [-D NAME]
    mod_python check CONF [-D NAME]
    mod_python version
    mod_python psp FILE.psp
    mod_python httpd [-f CONF] [-k ACTION] [-D NAME] [-t] [-v] [-V] [-X]

Exit status: 0 success; 1 a config error, a missing file, a port in use, a server already
running or failing to start; 2 a usage error. docs/cli.md describes every option.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Sequence
from importlib import metadata

from . import version as version_module
from ._cli import addresses, check, create, daemon, directory, reloader
from ._cli.addresses import DEFAULT_HOST, DEFAULT_PORT, parse_listen
from ._engine.config.parser import ConfigError
from ._engine.config.server import ServerSettings
from ._engine.connection_server import declares_connection_handler
from .backends import (
    BACKENDS,
    DEFAULT_BACKEND,
    BackendError,
    ServeOptions,
    get_backend,
)  # fmt: skip
from .wsgi_entry import load_settings

DEFAULT_THREADS = 10
ALL_INTERFACES = addresses.ALL_INTERFACES

EXIT_STATUS = """\
exit status: 0 success; 1 config error, missing file, address in use, already running,
failed to start; 2 usage error."""


# ---- argument types ---------------------------------------------------------------------------


def _listen_argument(text: str) -> tuple[str, int]:
    try:
        return parse_listen(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def listen_address(settings: ServerSettings, requested: tuple[str, int] | None) -> tuple[str, int]:
    """--listen, else the config's first Listen (bare port: all interfaces), else the default."""
    return addresses.listen_addresses(settings, [requested] if requested else [])[0]


def _fail(message: str) -> int:
    print(f"mod_python: {message}", file=sys.stderr)
    return 1


# ---- serve --------------------------------------------------------------------------------------


def _error_log_destination(settings: ServerSettings) -> str:
    path = settings.error_log
    return "stderr" if path in ("", "stderr", "/dev/stderr") else path


def banner(options: ServeOptions, settings: ServerSettings, backend_name: str,
           site: directory.DirectorySite | None = None) -> str:  # fmt: skip
    """The start-up lines ``serve`` prints once the server listens."""
    processes = f"{options.processes} process{'es' if options.processes > 1 else ''}"
    threads = f"{options.threads} thread{'s' if options.threads > 1 else ''}"
    urls = [addresses.url_for(address) for address in options.addresses]
    if site is not None:
        config = f"generated for the directory (in {options.config_path})"
    else:
        config = os.path.abspath(options.config_path)
    lines = [f"mod_python {version_module.version} serving {urls[0]}"]
    lines += [f"  also:           {url}" for url in urls[1:]]
    lines += [
        f"  config file:    {config}",
        f"  document root:  {settings.document_root}",
        f"  server:         {backend_name}, {processes} x {threads}",
        f"  limits:         Timeout {settings.timeout:g} s, LimitRequestLine "
        f"{settings.limit_req_line}, LimitRequestFieldSize {settings.limit_req_fieldsize}, "
        f"LimitRequestFields {settings.limit_req_fields}",
        f"  error log:      {_error_log_destination(settings)}",
    ]
    for target, log_format in settings.custom_logs:
        lines.append(f"  access log:     {target} ({log_format})")
    if settings.vhosts:
        names = ", ".join(vhost.server_name for vhost in settings.vhosts)
        lines.append(f"  virtual hosts:  {names}")
    if site is not None:
        lines += [f"  handlers:       {note}" for note in site.notes()]
    lines.append("Stop with Ctrl-C or SIGTERM.")
    return "\n".join(lines)


def command_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    target = args.config
    if not os.path.exists(target):
        return _fail(f"cannot read {target}: No such file or directory")
    if args.reload and not reloader.is_reloader_child():
        return _serve_with_reloader(args, target)
    try:
        backend = get_backend(args.server)
    except BackendError as error:
        return _fail(str(error))
    site = None
    if os.path.isdir(target):
        try:
            site = directory.prepare(target)
        except OSError as error:
            return _fail(f"cannot write a config for {target}: {error.strerror or error}")
        config_path = site.config_path
    else:
        config_path = os.path.abspath(target)
    try:
        return _serve(args, parser, backend, config_path, site)
    finally:
        if site is not None:
            site.close()


def _serve(args, parser, backend, config_path: str, site) -> int:
    try:
        settings = load_settings(config_path, args.define)
    except ConfigError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot read {config_path}: {error.strerror or error}")
    try:
        listen = addresses.listen_addresses(settings, args.listen or [])
    except ValueError as error:
        return _fail(str(error))
    (host, port), *more = listen
    options = ServeOptions(
        config_path=config_path,
        host=host,
        port=port,
        processes=args.processes,
        threads=args.threads or (DEFAULT_THREADS if backend.threaded else 1),
        defines=tuple(args.define),
        more_addresses=tuple(more),
    )
    try:
        backend.check(options)
    except BackendError as error:
        parser.error(str(error))
    if backend.name != DEFAULT_BACKEND and declares_connection_handler(settings):
        # Only our cheroot adapter runs the raw listener connection handlers need.
        return _fail(f"PythonConnectionHandler is served with --server cheroot only, "
                     f"not {backend.name}")  # fmt: skip

    def ready() -> None:
        print(banner(options, settings, backend.name, site), flush=True)

    try:
        backend.run(options, ready)
    except (ConfigError, BackendError) as error:
        return _fail(str(error))
    except OSError as error:
        where = ", ".join(options.bind_addresses)
        return _fail(f"cannot listen on {where}: {error}")
    except KeyboardInterrupt:
        pass
    print("mod_python: stopped", file=sys.stderr, flush=True)
    return 0


def _serve_with_reloader(args: argparse.Namespace, target: str) -> int:
    watched = [os.path.abspath(target)]
    if os.path.isfile(target):
        try:
            settings = load_settings(target, args.define)
            watched += [settings.document_root]
            watched += [vhost.document_root for vhost in settings.vhosts]
        except (ConfigError, OSError):
            pass
        watched.append(os.path.dirname(os.path.abspath(target)))
    watched = [path for path in dict.fromkeys(watched) if os.path.exists(path)]
    command = [sys.executable, "-m", "mod_python.cli", *args.raw_argv]
    return reloader.run_with_reloader(command, watched)


# ---- daemon mode ---------------------------------------------------------------------------------


def _daemon_options(args: argparse.Namespace) -> daemon.DaemonOptions:
    return daemon.DaemonOptions(
        config_path=os.path.abspath(args.config),
        defines=tuple(args.define),
        processes=getattr(args, "processes", 1),
        threads=getattr(args, "threads", DEFAULT_THREADS),
        detach=not getattr(args, "foreground", False),
    )


def command_daemon(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    options = _daemon_options(args)
    try:
        settings = daemon.load(options)
        if args.command == "start":
            return daemon.start(options, settings)
        if args.command == "stop":
            return daemon.stop(settings, args.timeout)
        return daemon.restart(options, settings, graceful=args.command == "graceful")
    except (ConfigError, daemon.DaemonError) as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(str(error.strerror if error.strerror else error))


# ---- check, create, genconfig ------------------------------------------------------------------


def command_check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    report = check.check(args.config, args.define)
    for problem in report.problems:
        print(problem, file=sys.stderr if problem.is_error else sys.stdout)
    print(report.summary())
    return 1 if report.errors else 0


def command_create(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    return create.create(
        args.directory,
        listen=args.listen,
        pythonpath=create.split_pythonpath(args.pythonpath),
        pythonhandler=args.pythonhandler,
        pythonoptions=args.pythonoption,
    )


def command_genconfig(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        text = create.run_config_script(args.script)
    except OSError as error:
        return _fail(f"cannot read {args.script}: {error.strerror or error}")
    except create.ConfigScriptError as error:
        return _fail(str(error))
    sys.stdout.write(text)
    return 0


# ---- version --------------------------------------------------------------------------------------


def _distribution_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_report() -> str:
    """What ``mod_python version`` prints: the layout of the original command's output."""
    servers = ", ".join(f"{name} {_distribution_version(name)}" for name in BACKENDS)
    python = " ".join(sys.version.split())
    ours = _distribution_version("modpython-wsgi")
    return "\n".join(
        [
            f"mod_python:  {version_module.version}",
            f"             modpython-wsgi {ours} (pure Python, no Apache), reproducing the "
            f"mod_python {version_module.version.rsplit('.', 1)[0]} API",
            "",
            f"python:      {python}",
            f"             {sys.executable!r}",
            "",
            f"servers:     {servers}",
            f"httpd:       behaves as Apache/{version_module.HTTPD_VERSION} (mod_python httpd -v)",
            f"platform:    {platform.platform()}",
        ]
    )


def command_version(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    print(version_report())
    return 0


def command_psp(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .psp.command import print_generated_code

    return print_generated_code(args.template)


# ---- the parser -------------------------------------------------------------------------------------


def _add_defines(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-D", "--define", action="append", default=[], metavar="NAME",
        help="define NAME for <IfDefine NAME> and apache.exists_config_define, like httpd -D "
             "(repeatable)",
    )  # fmt: skip


def _sub(commands, name: str, summary: str, description: str, examples: str, handler):
    parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"examples:\n{examples}\n\n{EXIT_STATUS}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler, parser=parser)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mod_python",
        description="Run legacy mod_python 3.5 sites from their Apache config, without Apache.",
        epilog="Run 'mod_python COMMAND --help' for a command's options.\n\n" + EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    created = _sub(
        commands, "create", "make a server root: conf/, htdocs/, logs/, the configs",
        "Create a server root DIR with conf/httpd_conf.py (the config as Python objects, "
        "see httpdconf), the conf/httpd.conf it prints, htdocs/ and logs/. Existing files "
        "are never overwritten; an existing conf/httpd_conf.py stops the command.",
        "  mod_python create /srv/site --listen 127.0.0.1:8080\n"
        "  mod_python create /srv/app --pythonhandler mod_python.wsgi "
        "--pythonpath /srv/app/lib --pythonoption 'mod_python.wsgi.application app::app'",
        command_create,
    )  # fmt: skip
    created.add_argument("directory", metavar="DIR", help="the server root to create")
    created.add_argument("--listen", default="8888", metavar="[IP:]PORT",
                         help="the Listen directive (default: 8888, every interface)")  # fmt: skip
    created.add_argument("--pythonpath", default="", metavar="P1:P2",
                         help="directories added to sys.path (PythonPath), colon-separated")  # fmt: skip
    created.add_argument("--pythonhandler", default="mod_python.publisher", metavar="HANDLER",
                         help="the PythonHandler (default: mod_python.publisher)")  # fmt: skip
    created.add_argument("--pythonoption", action="append", default=[], metavar='"KEY VALUE"',
                         help="a PythonOption (repeatable)")  # fmt: skip

    genconfig = _sub(
        commands, "genconfig", "print the httpd.conf a Python config script describes",
        "Run a Python config script (as written by create) and print the Apache config it "
        "prints.",
        "  mod_python genconfig /srv/site/conf/httpd_conf.py > /srv/site/conf/httpd.conf",
        command_genconfig,
    )  # fmt: skip
    genconfig.add_argument("script", metavar="FILE.py", help="the Python config script")

    daemon_help = {
        "start": ("start the server in the background (daemon mode)",
                  "Start a master process in the background that binds every Listen address, "
                  "writes the PidFile and runs worker processes; return once they serve. A "
                  "running server (the PidFile's process is alive) is left alone and the "
                  "command exits 1; a stale PidFile is replaced. Logs go to the ErrorLog."),
        "stop": ("stop a server started with start",
                 "Send SIGTERM to the PidFile's process: workers finish the requests in "
                 "progress, run their cleanups and exit. After --timeout seconds the "
                 "server's process group is killed. Not running: says so, exits 0."),
        "restart": ("restart now (SIGHUP): reread the config, new workers",
                    "Check the config, then send SIGHUP: the master rereads it, stops the "
                    "workers at once and starts new ones on the same sockets. Starts the "
                    "server when it is not running."),
        "graceful": ("restart gracefully (SIGUSR1): in-flight requests finish",
                     "Check the config, then send SIGUSR1: the master rereads it and starts "
                     "new workers on the same sockets; the old ones finish the requests in "
                     "progress and exit. Starts the server when it is not running."),
    }  # fmt: skip
    for name, (summary, description) in daemon_help.items():
        command = _sub(commands, name, summary, description,
                       f"  mod_python {name} /srv/site/conf/httpd.conf", command_daemon)  # fmt: skip
        command.add_argument("config", metavar="CONF", help="the Apache config file (httpd.conf)")
        _add_defines(command)
        if name in ("start", "restart", "graceful"):
            command.add_argument("--processes", type=_positive_int, default=1, metavar="N",
                                 help="worker processes (default: 1)")  # fmt: skip
            command.add_argument("--threads", type=_positive_int, default=DEFAULT_THREADS,
                                 metavar="N",
                                 help=f"threads per worker (default: {DEFAULT_THREADS})")  # fmt: skip
        if name == "start":
            command.add_argument("--foreground", action="store_true",
                                 help="do not detach: the master stays in the terminal")  # fmt: skip
        if name == "stop":
            command.add_argument("--timeout", type=_positive_float, default=daemon.STOP_TIMEOUT,
                                 metavar="SECONDS",
                                 help=f"how long to wait before killing the server (default: "
                                      f"{daemon.STOP_TIMEOUT:g})")  # fmt: skip

    serve = _sub(
        commands, "serve", "serve a config or a directory in the foreground",
        "Serve an Apache config's mod_python site, or a directory (its .py files through "
        "mod_python.publisher, .psp pages through mod_python.psp, the rest as static files), "
        "in the foreground until Ctrl-C/SIGTERM. A bare port given to --listen means "
        f"{DEFAULT_HOST}; a bare port in a Listen directive means every interface.",
        "  mod_python serve                                  # the current directory\n"
        "  mod_python serve examples/ --listen 8000\n"
        "  mod_python serve /srv/site/conf/httpd.conf --reload\n"
        "  mod_python serve site.conf --server gunicorn --processes 4 --threads 8",
        command_serve,
    )  # fmt: skip
    serve.add_argument("config", metavar="CONF|DIRECTORY", nargs="?", default=".",
                       help="an Apache config file, or a directory to serve (default: .)")  # fmt: skip
    serve.add_argument(
        "--listen", metavar="[HOST:]PORT", type=_listen_argument, action="append",
        help=f"address to listen on, repeatable (default: the config's Listen lines, else "
             f"{DEFAULT_HOST}:{DEFAULT_PORT}; a bare port means {DEFAULT_HOST})",
    )  # fmt: skip
    serve.add_argument("--server", choices=list(BACKENDS), default=DEFAULT_BACKEND,
                       help=f"WSGI server back-end (default: {DEFAULT_BACKEND})")  # fmt: skip
    serve.add_argument("--processes", type=_positive_int, default=1, metavar="N",
                       help="worker processes (gunicorn, granian, bjoern; default: 1)")  # fmt: skip
    serve.add_argument("--threads", type=_positive_int, default=None, metavar="N",
                       help=f"threads per process (default: {DEFAULT_THREADS}; bjoern: 1)")  # fmt: skip
    serve.add_argument("--reload", action="store_true",
                       help="restart when a .py/.psp/.conf file changes (development)")  # fmt: skip
    _add_defines(serve)

    checked = _sub(
        commands, "check", "check a config: every problem with file:line",
        "Parse and validate a config; print every error and warning with file:line "
        "(including WSGIPythonHome / python-home= directories that are not a Python "
        "installation of this Python's version). Exit 1 when there are errors.",
        "  mod_python check /srv/site/conf/httpd.conf\n"
        "  mod_python check site.conf -D PRODUCTION",
        command_check,
    )  # fmt: skip
    checked.add_argument("config", metavar="CONF", help="the Apache config file")
    _add_defines(checked)

    _sub(
        commands, "version", "print versions: ours, the API level, Python, servers",
        "Print the mod_python version and API level reproduced, the Python version and "
        "location, the installed server back-ends and the platform.",
        "  mod_python version",
        command_version,
    )  # fmt: skip

    psp_command = _sub(
        commands, "psp", "print the Python code a PSP template becomes",
        "Translate a PSP template as mod_python.psp does (includes resolved from the "
        "template's directory) and print the generated Python source.",
        "  mod_python psp htdocs/index.psp",
        command_psp,
    )  # fmt: skip
    psp_command.add_argument("template", metavar="FILE.psp", help="the PSP template")

    commands.add_parser(
        "httpd", help="httpd's command line (-f, -k, -D, -t, -v, -V, -X) for apachectl scripts",
        add_help=False,
    )  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mod_python`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "httpd":
        from ._cli import httpd_front

        return httpd_front.main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    args.raw_argv = argv
    return args.handler(args, args.parser)


if __name__ == "__main__":
    sys.exit(main())
