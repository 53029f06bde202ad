"""``mod_python create`` and ``genconfig``: a server root from ``httpdconf``, its httpd.conf.

``create DIR`` calls ``httpdconf.write_basic_config`` (conf/, htdocs, logs/, mime.types and
the Python config script ``conf/httpd_conf.py``), then runs that script once to write
``conf/httpd.conf``. Nothing is ever overwritten: an existing directory or file gets a
warning, an existing Python config stops the command. ``genconfig FILE.py`` runs a config
script and prints what it prints.
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import sys
import traceback
from collections.abc import Sequence

PYTHON_CONFIG_NAME = "httpd_conf.py"
HTTPD_CONF_NAME = "httpd.conf"
DOCUMENT_ROOT_NAME = "htdocs"


class ConfigScriptError(Exception):
    """The Python config script failed; the message has its traceback."""


def run_config_script(path: str) -> str:
    """Run a config script as ``__main__`` and return what it printed.

    Raises OSError when it cannot be read and ConfigScriptError when it raises.
    """
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(2, "No such file or directory", path)
    with open(path, "rb"):
        pass  # unreadable: OSError here rather than inside runpy
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            runpy.run_path(path, run_name="__main__")
    except SystemExit as exit_request:
        if exit_request.code not in (0, None):
            raise ConfigScriptError(f"{path} exited with status {exit_request.code}") from None
    except Exception:  # noqa: BLE001 - the script is user code: report what it raised
        raise ConfigScriptError(f"{path} failed:\n{traceback.format_exc().rstrip()}") from None
    return output.getvalue()


def create(directory: str, listen: str, pythonpath: Sequence[str], pythonhandler: str,
           pythonoptions: Sequence[str], say=print) -> int:  # fmt: skip
    """Make the server root ``directory``; the exit status (1 when the config exists)."""
    from httpdconf import write_basic_config

    server_root = os.path.abspath(directory)
    comments = []
    if pythonhandler == "mod_python.wsgi":
        comments.append("PythonOption mod_python.wsgi.application module::application")
        comments.append('PythonOption mod_python.wsgi.base_uri ""')
    script = write_basic_config(
        server_root,
        listen=listen,
        htdocs=DOCUMENT_ROOT_NAME,
        pythonhandler=pythonhandler,
        pythonpath=list(pythonpath),
        pythonoptions=list(pythonoptions),
        mp_comments=comments,
        conf_name=PYTHON_CONFIG_NAME,
    )
    if script is None:  # the Python config exists: write_basic_config said so on stderr
        return 1
    conf = os.path.join(os.path.dirname(script), HTTPD_CONF_NAME)
    if os.path.exists(conf):
        say(f"Warning: file {conf!r} already exists, not overwriting it.", file=sys.stderr)
    else:
        try:
            text = run_config_script(script)
        except (OSError, ConfigScriptError) as error:
            say(f"mod_python: {error}", file=sys.stderr)
            return 1
        with open(conf, "x", encoding="utf-8") as handle:
            handle.write(text)
        say(f"Wrote {conf!r}.", file=sys.stderr)
    say(
        f"Created! The server root is {server_root}.\n"
        f"  Python config:  {script}   (edit this one)\n"
        f"  httpd.conf:     {conf}\n"
        f"  put pages in:   {os.path.join(server_root, DOCUMENT_ROOT_NAME)}\n"
        f"After editing the Python config, regenerate httpd.conf with\n"
        f"  mod_python genconfig {script} > {conf}\n"
        f"and start the server with\n"
        f"  mod_python start {conf}"
    )
    return 0


def split_pythonpath(text: str) -> list[str]:
    """``--pythonpath P1:P2`` -> ["P1", "P2"]; empty entries are dropped."""
    return [entry for entry in text.split(os.pathsep) if entry]


__all__ = ["ConfigScriptError", "create", "run_config_script", "split_pythonpath"]
