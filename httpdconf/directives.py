"""One class per directive: ``Listen(8080)`` renders ``Listen 8080``.

mod_python's httpdconf offers 56 of these; the Python* directives it left out and
mod_wsgi's WSGI* directives are here too. Any other directive is one line away::

    class Header(NamedDirective):
        pass
"""

from __future__ import annotations

import sys

from .nodes import Directive


class NamedDirective(Directive):
    """A Directive named after its class, taking just the value.

    ``flipslash`` is a class attribute so a subclass can keep its backslashes
    (LogFormat's ``\\"`` escapes, PythonPath's Python source).
    """

    flipslash = 1

    def __init__(self, val):
        super().__init__(type(self).__name__, val, type(self).flipslash)


# ---- the 56 classes of mod_python 3.5's httpdconf ----------------------------------------


class AddHandler(NamedDirective):
    pass


class AddOutputFilter(NamedDirective):
    pass


class AddType(NamedDirective):
    pass


class AuthBasicAuthoritative(NamedDirective):
    pass


class AuthBasicProvider(NamedDirective):
    pass


class AuthType(NamedDirective):
    pass


class AuthName(NamedDirective):
    pass


class CustomLog(NamedDirective):
    pass


class DirectoryIndex(NamedDirective):
    pass


class DocumentRoot(NamedDirective):
    pass


class ErrorLog(NamedDirective):
    pass


class KeepAliveTimeout(NamedDirective):
    pass


class Listen(NamedDirective):
    pass


class LoadModule(NamedDirective):
    pass


class LogLevel(NamedDirective):
    pass


class LogFormat(NamedDirective):
    """Format strings escape quotes with backslashes, so they are never flipped."""

    flipslash = 0


class LockFile(NamedDirective):
    """httpd 2.2's accept lock; commented out (``#LockFile``) on Windows, which has none."""

    def __init__(self, val):
        super().__init__(val)
        if sys.platform == "win32":
            self.name = "#" + self.name


class MaxConnectionsPerChild(NamedDirective):
    pass


class MaxClients(NamedDirective):
    pass


class MaxRequestsPerChild(NamedDirective):
    pass


class MaxSpareServers(NamedDirective):
    pass


class MaxSpareThreads(NamedDirective):
    pass


class MaxThreadsPerChild(NamedDirective):
    pass


class MinSpareThreads(NamedDirective):
    pass


class Mutex(NamedDirective):
    pass


class NameVirtualHost(NamedDirective):
    pass


class NumServers(NamedDirective):
    pass


class Options(NamedDirective):
    pass


class PidFile(NamedDirective):
    pass


class PythonAuthenHandler(NamedDirective):
    pass


class PythonAuthzHandler(NamedDirective):
    pass


class PythonCleanupHandler(NamedDirective):
    pass


class PythonConnectionHandler(NamedDirective):
    pass


class PythonDebug(NamedDirective):
    pass


class PythonHandler(NamedDirective):
    pass


class PythonAccessHandler(NamedDirective):
    pass


class PythonPostReadRequestHandler(NamedDirective):
    pass


class PythonTransHandler(NamedDirective):
    pass


class PythonFixupHandler(NamedDirective):
    pass


class PythonImport(NamedDirective):
    pass


class PythonPath(NamedDirective):
    """The value is Python source (``"sys.path+['/x']"``): its backslashes are kept."""

    flipslash = 0


class PythonOutputFilter(NamedDirective):
    pass


class PythonOption(NamedDirective):
    pass


class Require(NamedDirective):
    pass


class SetHandler(NamedDirective):
    pass


class ServerAdmin(NamedDirective):
    pass


class ServerName(NamedDirective):
    pass


class ServerPath(NamedDirective):
    pass


class ServerRoot(NamedDirective):
    pass


class StartServers(NamedDirective):
    pass


class StartThreads(NamedDirective):
    pass


class ThreadsPerChild(NamedDirective):
    pass


class Timeout(NamedDirective):
    pass


class TypesConfig(NamedDirective):
    pass


class PythonInterpPerDirectory(NamedDirective):
    def __init__(self, val="Off"):
        super().__init__(val)


class PythonInterpPerDirective(NamedDirective):
    def __init__(self, val="Off"):
        super().__init__(val)


# ---- mod_python directives the original httpdconf left out -------------------------------


class PythonInputFilter(NamedDirective):
    pass


class PythonHeaderParserHandler(NamedDirective):
    pass


class PythonInitHandler(NamedDirective):
    pass


class PythonTypeHandler(NamedDirective):
    pass


class PythonLogHandler(NamedDirective):
    pass


class PythonInterpreter(NamedDirective):
    pass


class PythonAutoReload(NamedDirective):
    pass


class PythonEnablePdb(NamedDirective):
    pass


class PythonOptimize(NamedDirective):
    pass


class PythonHandlerModule(NamedDirective):
    pass


# ---- mod_wsgi ----------------------------------------------------------------------------


class WSGIScriptAlias(NamedDirective):
    pass


class WSGIScriptAliasMatch(NamedDirective):
    pass


class WSGIDaemonProcess(NamedDirective):
    pass


class WSGIProcessGroup(NamedDirective):
    pass


class WSGIApplicationGroup(NamedDirective):
    pass


class WSGIPythonHome(NamedDirective):
    pass


class WSGIPythonPath(NamedDirective):
    pass


class WSGIPassAuthorization(NamedDirective):
    pass


class WSGIScriptReloading(NamedDirective):
    pass


class WSGICallableObject(NamedDirective):
    pass


class WSGIRestrictEmbedded(NamedDirective):
    pass


class WSGIImportScript(NamedDirective):
    pass


class WSGISocketPrefix(NamedDirective):
    pass


class WSGILazyInitialization(NamedDirective):
    pass


class WSGIChunkedRequest(NamedDirective):
    pass


class WSGIErrorOverride(NamedDirective):
    pass


class WSGIRestrictStdout(NamedDirective):
    pass


class WSGIRestrictStdin(NamedDirective):
    pass


def _names_defined_after(first: str, last: str) -> tuple[str, ...]:
    names = [name for name, value in globals().items() if isinstance(value, type)]
    return tuple(names[names.index(first) : names.index(last) + 1])


# The directive classes by origin, in definition order (the package's __all__ uses them).
MOD_PYTHON_35_DIRECTIVES = _names_defined_after("AddHandler", "PythonInterpPerDirective")
ADDED_PYTHON_DIRECTIVES = _names_defined_after("PythonInputFilter", "PythonHandlerModule")
WSGI_DIRECTIVES = _names_defined_after("WSGIScriptAlias", "WSGIRestrictStdin")
__all__ = [*MOD_PYTHON_35_DIRECTIVES, *ADDED_PYTHON_DIRECTIVES, *WSGI_DIRECTIVES]
