"""The ``mod_python`` command: serve an Apache config's mod_python site, show versions.

    mod_python serve CONF [--listen [HOST:]PORT] [--server NAME] [--processes N] [--threads N]
    mod_python version

``serve`` listens on ``--listen`` if given, else on the config's first ``Listen``, else on
127.0.0.1:8080. A bare port given to ``--listen`` means 127.0.0.1 (a development server
stays private unless asked); a bare port in a ``Listen`` directive means every interface,
as in Apache. Exit status: 0 after a clean stop, 1 for a config or start-up error, 2 for
a usage error.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Sequence
from importlib import metadata

from . import version as version_module
from ._engine.config.parser import ConfigError
from ._engine.config.server import ServerSettings
from .backends import (
    BACKENDS,
    DEFAULT_BACKEND,
    BackendError,
    ServeOptions,
    get_backend,
)  # fmt: skip
from .wsgi_entry import load_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_THREADS = 10
ALL_INTERFACES = "0.0.0.0"


def parse_listen(text: str, bare_port_host: str = DEFAULT_HOST) -> tuple[str, int]:
    """``[HOST:]PORT`` (IPv6 hosts in brackets) -> (host, port); ValueError when malformed."""
    text = text.strip()
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"bad address {text!r}")
        port_text = rest[1:]
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
    else:
        host, port_text = "", text
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port in {text!r} (expected [HOST:]PORT)")
    return host or bare_port_host, int(port_text)


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


def listen_address(settings: ServerSettings, requested: tuple[str, int] | None) -> tuple[str, int]:
    """--listen, else the config's first Listen (bare port: all interfaces), else the default."""
    if requested is not None:
        return requested
    if settings.listen:
        return parse_listen(settings.listen[0], bare_port_host=ALL_INTERFACES)
    return DEFAULT_HOST, DEFAULT_PORT


def _error_log_destination(settings: ServerSettings) -> str:
    path = settings.error_log
    return "stderr" if path in ("", "stderr", "/dev/stderr") else path


def banner(options: ServeOptions, settings: ServerSettings, backend_name: str) -> str:
    """The start-up lines ``serve`` prints once the server listens."""
    processes = f"{options.processes} process{'es' if options.processes > 1 else ''}"
    threads = f"{options.threads} thread{'s' if options.threads > 1 else ''}"
    lines = [
        f"mod_python {version_module.version} serving {options.url}",
        f"  config file:    {os.path.abspath(options.config_path)}",
        f"  document root:  {settings.document_root}",
        f"  server:         {backend_name}, {processes} x {threads}",
        f"  error log:      {_error_log_destination(settings)}",
    ]
    if settings.vhosts:
        names = ", ".join(vhost.server_name for vhost in settings.vhosts)
        lines.append(f"  virtual hosts:  {names}")
    lines.append("Stop with Ctrl-C or SIGTERM.")
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"mod_python: {message}", file=sys.stderr)
    return 1


def command_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        backend = get_backend(args.server)
    except BackendError as error:
        return _fail(str(error))
    try:
        settings = load_settings(args.config, args.define)
    except ConfigError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot read {args.config}: {error.strerror or error}")
    try:
        host, port = listen_address(settings, args.listen)
    except ValueError as error:
        return _fail(f"Listen {settings.listen[0]}: {error}")
    options = ServeOptions(
        config_path=os.path.abspath(args.config),
        host=host,
        port=port,
        processes=args.processes,
        threads=args.threads,
        defines=tuple(args.define),
    )
    try:
        backend.check(options)
    except BackendError as error:
        parser.error(str(error))

    def ready() -> None:
        print(banner(options, settings, backend.name), flush=True)

    try:
        backend.run(options, ready)
    except (ConfigError, BackendError) as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot listen on {options.bind_address}: {error}")
    except KeyboardInterrupt:
        pass
    print("mod_python: stopped", file=sys.stderr, flush=True)
    return 0


def _distribution_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_report() -> str:
    """What ``mod_python version`` prints: the layout of the original command's output."""
    servers = ", ".join(f"{name} {_distribution_version(name)}" for name in BACKENDS)
    python = " ".join(sys.version.split())
    return "\n".join(
        [
            f"mod_python:  {version_module.version}",
            "             modpython-wsgi (pure Python, no Apache)",
            "",
            f"python:      {python}",
            f"             {sys.executable!r}",
            "",
            f"servers:     {servers}",
            f"platform:    {platform.platform()}",
        ]
    )


def command_version(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    print(version_report())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mod_python",
        description="Run legacy mod_python 3.5 sites from their Apache config, without Apache.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve an Apache config in the foreground",
        description="Serve the mod_python site of an Apache config file until Ctrl-C/SIGTERM.",
    )
    serve.add_argument("config", metavar="CONF", help="the Apache config file (httpd.conf)")
    serve.add_argument(
        "--listen",
        metavar="[HOST:]PORT",
        type=_listen_argument,
        help=f"address to listen on (default: the config's first Listen, else "
        f"{DEFAULT_HOST}:{DEFAULT_PORT}; a bare port means {DEFAULT_HOST})",
    )
    serve.add_argument(
        "--server",
        choices=list(BACKENDS),
        default=DEFAULT_BACKEND,
        help=f"WSGI server back-end (default: {DEFAULT_BACKEND})",
    )
    serve.add_argument(
        "--processes",
        type=_positive_int,
        default=1,
        metavar="N",
        help="worker processes (gunicorn, granian; default: 1)",
    )
    serve.add_argument(
        "--threads",
        type=_positive_int,
        default=DEFAULT_THREADS,
        metavar="N",
        help=f"threads per process (default: {DEFAULT_THREADS})",
    )
    serve.add_argument(
        "-D",
        "--define",
        action="append",
        default=[],
        metavar="NAME",
        help="define NAME for <IfDefine NAME>, like httpd -D (repeatable)",
    )
    serve.set_defaults(handler=command_serve, parser=serve)

    version = commands.add_parser(
        "version",
        help="print the mod_python and Python versions and the platform",
        description="Print the mod_python and Python versions, the servers and the platform.",
    )
    version.set_defaults(handler=command_version, parser=version)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mod_python`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return args.handler(args, args.parser)


if __name__ == "__main__":
    sys.exit(main())
