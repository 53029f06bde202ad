"""``mod_python httpd``: httpd's own command line, for scripts that drive Apache.

    mod_python httpd [-d ROOT] [-f CONF] [-k start|stop|restart|graceful|graceful-stop]
                     [-D NAME] [-t] [-v] [-V] [-X]

mod_python's test suite (and apachectl-style scripts) run ``HTTPD -v`` and parse
``Server version: Apache/X.Y.Z``, start with ``-k start -f CONF [-D NAME]``, wait for the
PidFile, and stop with ``-k stop``. The differences from httpd: ``-k start`` returns once
the server serves (httpd returns at once), a second ``-k start`` exits 1 (httpd: 0), and
``-k stop`` waits for the server to be gone (httpd only sends the signal).
"""

from __future__ import annotations

import argparse
import os
import platform
import struct
import sys

from .. import version as version_module
from .._engine.config.conditionals import HTTPD_RELEASE
from .._engine.config.parser import ConfigError
from . import check, daemon

# The httpd release whose behaviour we reproduce (the one <IfVersion> compares with).
APACHE_VERSION = ".".join(str(number) for number in HTTPD_RELEASE)
DEFAULT_CONFIG = os.path.join("conf", "httpd.conf")
ACTIONS = ("start", "stop", "restart", "graceful", "graceful-stop")

EPILOG = """\
examples:
  mod_python httpd -v
  mod_python httpd -k start -f /srv/site/conf/httpd.conf -D FOOBAR
  mod_python httpd -k graceful -f /srv/site/conf/httpd.conf
  mod_python httpd -k stop -f /srv/site/conf/httpd.conf
  mod_python httpd -t -f /srv/site/conf/httpd.conf
  mod_python httpd -X -f /srv/site/conf/httpd.conf     # foreground, one worker

exit status: 0 done; 1 config error, cannot listen, already running, failed to start;
2 usage error.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mod_python httpd",
        description="Apache httpd's command line over mod_python's server (daemon mode).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-d", dest="server_root", metavar="ROOT",
                        help="directory a relative -f is taken from (default: .)")  # fmt: skip
    parser.add_argument("-f", dest="config", metavar="CONF",
                        help=f"the config file (default: ROOT/{DEFAULT_CONFIG})")  # fmt: skip
    parser.add_argument("-k", dest="action", choices=ACTIONS, metavar="ACTION",
                        help="start, stop, restart (SIGHUP), graceful (SIGUSR1) or graceful-stop "
                             "(SIGTERM, like stop); default: start")  # fmt: skip
    parser.add_argument("-D", dest="define", action="append", default=[], metavar="NAME",
                        help="define NAME for <IfDefine> and apache.exists_config_define")  # fmt: skip
    parser.add_argument("-t", dest="test", action="store_true",
                        help="check the config's syntax and exit")  # fmt: skip
    parser.add_argument("-v", dest="version", action="store_true",
                        help="print the version line(s) and exit")  # fmt: skip
    parser.add_argument("-V", dest="settings", action="store_true",
                        help="print the version and build settings and exit")  # fmt: skip
    parser.add_argument("-X", dest="foreground", action="store_true",
                        help="run in the foreground with one worker process (debugging)")  # fmt: skip
    parser.add_argument("-e", dest="startup_log_level", metavar="LEVEL",
                        help="accepted for compatibility; no effect")  # fmt: skip
    return parser


def version_lines() -> list[str]:
    return [
        f"Server version: Apache/{APACHE_VERSION} (Unix) mod_python/{version_module.version}",
        f"Server built:   modpython-wsgi {version_module.version}, pure Python "
        f"{platform.python_version()}",
    ]


def settings_lines() -> list[str]:
    bits = struct.calcsize("P") * 8
    return [
        *version_lines(),
        f"Server loaded:  Python {platform.python_version()} ({sys.executable})",
        f"Architecture:   {bits}-bit",
        "Server MPM:     mod_python (master process, cheroot worker processes)",
        "  threaded:     yes (fixed thread count)",
        "    forked:     yes (fixed process count)",
        "Server compiled with....",
        ' -D HTTPD_ROOT="."',
        ' -D DEFAULT_PIDLOG="logs/httpd.pid"',
        ' -D DEFAULT_ERRORLOG="logs/error_log"',
        f' -D SERVER_CONFIG_FILE="{DEFAULT_CONFIG}"',
    ]


def config_path(args: argparse.Namespace) -> str:
    root = args.server_root or os.getcwd()
    path = args.config or DEFAULT_CONFIG
    return os.path.abspath(path if os.path.isabs(path) else os.path.join(root, path))


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version or args.settings:
        print("\n".join(settings_lines() if args.settings else version_lines()))
        return 0
    path = config_path(args)
    defines = tuple(args.define)
    if args.test:
        report = check.check(path, defines)
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(report.summary(), file=sys.stderr)
        return 1 if report.errors else 0
    options = daemon.DaemonOptions(
        config_path=path, defines=defines, detach=not args.foreground,
        processes=1,
    )  # fmt: skip
    return run_action(args.action or "start", options)


def run_action(action: str, options: daemon.DaemonOptions) -> int:
    """One of start/stop/restart/graceful/graceful-stop; errors end in a message and 1."""

    def fail(message: str) -> int:
        print(f"mod_python: {message}", file=sys.stderr)
        return 1

    try:
        settings = daemon.load(options)
        if action == "start":
            return daemon.start(options, settings)
        if action in ("stop", "graceful-stop"):
            return daemon.stop(settings)
        return daemon.restart(options, settings, graceful=action == "graceful")
    except ConfigError as error:
        return fail(str(error))
    except daemon.DaemonError as error:
        return fail(str(error))
    except OSError as error:
        return fail(str(error.strerror if error.strerror else error))


__all__ = ["APACHE_VERSION", "build_parser", "main", "run_action", "version_lines"]
