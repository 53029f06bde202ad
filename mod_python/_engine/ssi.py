"""Server-side includes: mod_include's INCLUDES output filter and mod_python's ``#python``.

The filter gathers the document (a ``.shtml`` file or a handler's output) until the end of
the stream, then walks its ``<!--#element attr="value" -->`` tags: ``include``, ``echo``,
``set``, ``if/elif/else/endif``, ``config``, ``flastmod``, ``fsize``, ``printenv`` and
``python`` (SPEC 9.1). ``expr=`` is read with Apache's legacy expression grammar
(SSILegacyExprParser on), the one pages written for mod_include before 2.4 use.
"""

from __future__ import annotations

import base64
import html
import os
import pwd
import re
import time
from collections import deque
from urllib.parse import unquote

from .constants import APLOG_ERR, APLOG_WARNING, OK
from .errors import report_error
from .filters import EOS, FLUSH, Filter
from .interpreters import running_in
from .output import SubrequestWriter
from .phases import interpreter_name

DEFAULT_ERROR_TEXT = "[an error occurred while processing this directive]"
DEFAULT_TIME_FORMAT = "%A, %d-%b-%Y %H:%M:%S %Z"
UNDEFINED_ECHO = "(none)"
MAX_NESTING = 16  # include virtual within include virtual (mod_include stops recursion)

_TAG = re.compile(rb"<!--#")
_TAG_END = b"-->"
_NAME = re.compile(r"\s*([A-Za-z0-9_]*)")
_ATTRIBUTE = re.compile(r"\s*([^\s=]+)\s*=\s*")
_VARIABLE = re.compile(r"\\\$|\$\{([^}]*)\}|\$([A-Za-z0-9_]+)")
# Characters ap_escape_shell_cmd puts a backslash before (QUERY_STRING_UNESCAPED).
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9$\-_.+!*'(),:@&=~/]")
_SHELL_SPECIALS = re.compile(r"([&;`'\"|*?~<>^()\[\]{}$\\\n\x0a\xff])")


class IncludesFilter:
    """mod_include's INCLUDES filter for one request (a stage of its output chain)."""

    __slots__ = ("req", "name", "handler", "directory", "is_input", "transparent", "_document",
                 "_checked", "_chain", "_index", "_pending")  # fmt: skip

    def __init__(self, req):
        self.req = req
        # What ``filter.name``/``handler``/``dir`` report inside a ``#python`` tag.
        self.name = "includes"
        self.handler = None
        self.directory = None
        self.is_input = False
        self.transparent = False
        self._document: list[bytes] = []
        self._checked = False
        self._pending: list = []

    def pass_brigade(self, chain, index: int, brigade: list) -> None:
        if not self._checked:
            self._checked = True
            if not self._allowed():
                self.transparent = True
        if self.transparent:
            chain.pass_from(index + 1, brigade)
            return
        for item in brigade:
            if item is EOS:
                self._chain, self._index = chain, index
                _add_cgi_variables(self.req)
                _Page(self, b"".join(self._document)).run()
                self._document = []
                self._pending.append(EOS)
                chain.pass_from(index + 1, self._pending)
                self._pending = []
            elif item is not FLUSH:
                self._document.append(item)

    def _allowed(self) -> bool:
        req = self.req
        del req.headers_out["ETag"]  # SSIETag Off: whatever happens next, no file ETag
        options = req._config.effective_options if req._config is not None else ()
        if "includes" in options or "includesnoexec" in options:
            # The page is generated: its length and date are not the file's any more.
            for name in ("Content-Length", "Last-Modified"):
                del req.headers_out[name]
            return True
        _log(req, "AH01374: mod_include: Options +Includes (or IncludesNoExec) wasn't set, "
                  f"INCLUDES filter removed: {req.uri}", APLOG_WARNING)  # fmt: skip
        return False

    # ---- output of the page being processed ----------------------------------------------

    def emit(self, data: bytes) -> None:
        if data:
            self._pending.append(data)

    def send_now(self) -> None:
        """Pass what the page produced so far downstream, with a flush (before Python runs)."""
        self._pending.append(FLUSH)
        brigade, self._pending = self._pending, []
        self._chain.pass_from(self._index + 1, brigade)


class _Page:
    """One pass over a document: the tag scanner, the #if state and each element."""

    def __init__(self, stage: IncludesFilter, document: bytes):
        self.stage = stage
        self.req = stage.req
        self.document = document
        self.error_text = DEFAULT_ERROR_TEXT
        self.time_format = DEFAULT_TIME_FORMAT
        self.size_abbrev = True
        # One entry per open #if: (this branch is taken, some branch was taken already).
        self.conditions: list[tuple[bool, bool]] = []
        self.saw_directive = False

    @property
    def active(self) -> bool:
        return all(taken for taken, _ in self.conditions)

    def run(self) -> None:
        document, position = self.document, 0
        emit = self.stage.emit
        while True:
            found = _TAG.search(document, position)
            if found is None:
                if self.active:
                    emit(document[position:])
                break
            if self.active:
                emit(document[position : found.start()])
            end = document.find(_TAG_END, found.end())
            if end < 0:
                self.fail(f"AH01372: SSI directive was not properly finished at the end of "
                          f"parsed document {self.req.filename}")  # fmt: skip
                break
            self.saw_directive = True
            self.element(document[found.end() : end].decode("latin-1"))
            position = end + len(_TAG_END)
        if self.saw_directive:
            # mod_include passes the page on in parts: it goes out without Content-Length.
            self.stage._pending.append(FLUSH)

    # ---- parsing one tag -----------------------------------------------------------------

    def element(self, text: str) -> None:
        match = _NAME.match(text)
        name = match.group(1).lower()
        try:
            attributes = _attributes(text[match.end() :])
        except ValueError:
            attributes = []
        if name in ("if", "elif", "else", "endif"):
            self.conditional(name, attributes)
            return
        if not self.active:
            return
        handler = getattr(self, "do_" + name, None)
        if handler is None:
            self.fail(f'AH01371: unknown directive "{name}" in parsed doc {self.req.filename}')
            return
        handler(attributes)

    def fail(self, message: str | None) -> None:
        """Log ``message`` and put the error text (``#config errmsg``) in the page."""
        if message:
            _log(self.req, message)
        self.stage.emit(self.error_text.encode("latin-1", "replace"))

    def unknown_parameter(self, tag: str, element: str) -> None:
        self.fail(f'AH01346: unknown parameter "{tag}" in tag {element} of {self.req.filename}')

    # ---- elements ------------------------------------------------------------------------

    def do_config(self, attributes) -> None:
        for tag, value in attributes:
            value = self.expand(value)
            if tag == "errmsg":
                self.error_text = value
            elif tag == "timefmt":
                self.time_format = value
            elif tag == "sizefmt":
                if value.lower() in ("bytes", "abbrev"):
                    self.size_abbrev = value.lower() == "abbrev"
                else:
                    self.fail(f'AH01348: unknown value "{value}" to parameter "sizefmt" of '
                              f"tag config in {self.req.filename}")  # fmt: skip
            elif tag == "echomsg":
                pass  # SSIUndefinedEcho per page: not kept (the default is used)
            else:
                self.unknown_parameter(tag, "config")

    def do_echo(self, attributes) -> None:
        if not attributes:
            self.fail(f"AH01343: missing argument for echo element in {self.req.filename}")
            return
        encoding = "entity"
        for tag, value in attributes:
            if tag == "var":
                found = self.variable(self.expand(value))
                text = UNDEFINED_ECHO if found is None else found
                self.stage.emit(_encode(text, encoding).encode("latin-1", "replace"))
            elif tag == "encoding":
                encoding = value.lower()
                if encoding not in ("none", "url", "urlencoded", "entity", "base64"):
                    self.fail(f'AH01350: unknown value "{value}" to parameter "encoding" of '
                              f"tag echo in {self.req.filename}")  # fmt: skip
                    return
            else:
                self.unknown_parameter(tag, "echo")
                return

    def do_set(self, attributes) -> None:
        if len(attributes) < 2:
            self.fail(f"AH01357: missing argument for set element in {self.req.filename}")
            return
        name = None
        for tag, value in attributes:
            if tag == "var":
                name = self.expand(value)
            elif tag == "value":
                if name is None:
                    self.fail(f"AH01358: variable must precede value in set directive in "
                              f"{self.req.filename}")  # fmt: skip
                    return
                self.req.subprocess_env[name] = self.expand(value)
            elif tag in ("decoding", "encoding"):
                continue
            else:
                self.unknown_parameter(tag, "set")
                return

    def do_printenv(self, attributes) -> None:
        if attributes:
            self.fail(f"AH01344: printenv directive does not take tags in {self.req.filename}")
            return
        lines = []
        for name, value in self.req.subprocess_env.items():
            lines.append(f"{html.escape(name, False)}={html.escape(value, False)}\n")
        self.stage.emit("".join(lines).encode("latin-1", "replace"))

    def do_include(self, attributes) -> None:
        if not attributes:
            self.fail(f"AH01362: missing argument for include element in {self.req.filename}")
            return
        for tag, value in attributes:
            if tag not in ("virtual", "file"):
                self.unknown_parameter(tag, "include")
                continue
            target = self.expand(value)
            if tag == "file":
                uri = self.file_uri(target)
                if uri is None:
                    self.fail(f'unable to include file "{target}" in parsed file '
                              f"{self.req.filename}")  # fmt: skip
                    continue
            else:
                uri = target if target.startswith("/") else self.relative_uri(target)
            status, body = self.subrequest(uri)
            if status != OK:
                what = f'"{target}"' if tag == "virtual" else f'file "{target}"'
                self.fail(f"unable to include {what} in parsed file {self.req.filename}, "
                          f"subrequest returned {status}")  # fmt: skip
                continue
            self.stage.emit(body)

    def do_fsize(self, attributes) -> None:
        self.file_information(attributes, "fsize")

    def do_flastmod(self, attributes) -> None:
        self.file_information(attributes, "flastmod")

    def file_information(self, attributes, element: str) -> None:
        if not attributes:
            self.fail(f"AH01363: missing argument for {element} element in {self.req.filename}")
            return
        for tag, value in attributes:
            if tag not in ("virtual", "file"):
                self.unknown_parameter(tag, element)
                continue
            target = self.expand(value)
            path = self.file_path(tag, target)
            try:
                info = os.stat(path) if path else None
            except OSError:
                info = None
            if info is None:
                self.fail(f'AH02670: unable to lookup information about "{target}" in parsed '
                          f"file {self.req.filename}")  # fmt: skip
                continue
            if element == "fsize":
                text = _size_text(info.st_size, self.size_abbrev)
            else:
                text = self.format_time(info.st_mtime, gmt=False)
            self.stage.emit(text.encode("latin-1", "replace"))

    def do_exec(self, attributes) -> None:
        # Running commands from pages is not part of this server (documented).
        self.fail(f"#exec is not supported by this server: {self.req.filename}")

    def do_python(self, attributes) -> None:
        """mod_python's element: one ``exec`` or ``eval`` parameter (SPEC 9.1)."""
        req = self.req
        options = req._config.effective_options
        if "includesnoexec" in options and "includes" not in options:
            self.python_fail(f"#python used but not allowed in {req.filename}")
            return
        kind = code = None
        for tag, value in attributes:
            if tag not in ("exec", "eval"):
                self.python_fail(f"unexpected '{tag}' parameter to tag 'python' in {req.filename}")
                return
            if kind is not None:
                self.python_fail(
                    f"multiple 'eval/exec' parameters to tag 'python' in {req.filename}"
                )
                return
            if not value:
                self.python_fail(
                    f"empty value for '{tag}' parameter to tag 'python' in {req.filename}"
                )
                return
            kind, code = tag, value
        if kind is None:
            self.python_fail(f"missing 'eval/exec' parameter to tag 'python' in {req.filename}")
            return
        self.stage.send_now()  # what comes before the tag goes out first
        if not run_python(self.stage, kind, code):
            self.fail(None)

    def python_fail(self, message: str) -> None:
        """A ``#python`` tag mod_python refuses: its own log line, then the error text."""
        self.req.log_error(message)
        self.fail(None)

    # ---- #if / #elif / #else / #endif ---------------------------------------------------

    def conditional(self, name: str, attributes) -> None:
        conditions = self.conditions
        if name == "if":
            outer = self.active
            taken = outer and self.evaluate(attributes, "if")
            # A branch inside a skipped part counts as taken: no other branch may open.
            conditions.append((taken, taken or not outer))
        elif not conditions:
            self.fail(f"AH01353: {name} without matching if in {self.req.filename}")
        elif name == "elif":
            _, done = conditions.pop()
            outer = self.active
            taken = not done and outer and self.evaluate(attributes, "elif")
            conditions.append((taken, done or taken))
        elif name == "else":
            _, done = conditions.pop()
            conditions.append((not done, True))
        else:
            conditions.pop()

    def evaluate(self, attributes, element: str) -> bool:
        expression = None
        for tag, value in attributes:
            if tag == "expr":
                expression = value
            else:
                self.unknown_parameter(tag, element)
        if expression is None:
            self.fail(f"AH01351: missing expr in {element} statement: {self.req.filename}")
            return False
        try:
            return _LegacyExpression(expression, self.expand).evaluate()
        except ValueError:
            self.fail(f'AH01337: Could not parse expr "{expression}" in {self.req.filename}')
            return False

    # ---- variables -------------------------------------------------------------------------

    def expand(self, text: str) -> str:
        """``$name``, ``${name}`` and ``\\$`` in an attribute value; unset names are ""."""
        if "$" not in text:
            return text

        def value(match: re.Match) -> str:
            if match.group(0) == "\\$":
                return "$"
            found = self.variable(match.group(1) if match.group(1) is not None else match.group(2))
            return found or ""

        return _VARIABLE.sub(value, text)

    def variable(self, name: str) -> str | None:
        found = self.req.subprocess_env.get(name)
        if found is not None:
            return found
        req = self.req
        if name == "DATE_LOCAL":
            return self.format_time(time.time(), gmt=False)
        if name == "DATE_GMT":
            return self.format_time(time.time(), gmt=True)
        if name == "LAST_MODIFIED":
            return self.format_time(req.finfo.mtime, gmt=False) if req.finfo.filetype else None
        if name == "DOCUMENT_URI":
            return req.uri
        if name == "DOCUMENT_NAME":
            return (req.filename or req.uri).rpartition("/")[2]
        if name == "DOCUMENT_PATH_INFO":
            return req.path_info or None
        if name == "USER_NAME":
            try:
                return pwd.getpwuid(os.stat(req.filename).st_uid).pw_name
            except (OSError, KeyError, TypeError):
                return "<unknown>"
        if name == "QUERY_STRING_UNESCAPED":
            if req.args is None:
                return None
            return _SHELL_SPECIALS.sub(r"\\\1", unquote(req.args, errors="surrogateescape"))
        return None

    def format_time(self, seconds: float, gmt: bool) -> str:
        moment = time.gmtime(seconds) if gmt else time.localtime(seconds)
        fmt = self.time_format.replace("%Z", "GMT") if gmt else self.time_format
        return time.strftime(fmt, moment)

    # ---- files and subrequests -----------------------------------------------------------

    def relative_uri(self, target: str) -> str:
        return self.req.uri.rpartition("/")[0] + "/" + target

    def file_uri(self, target: str) -> str | None:
        """``file=``: a path relative to the page's directory, never above it."""
        if target.startswith("/") or ".." in target.split("/"):
            return None
        return self.relative_uri(target)

    def file_path(self, tag: str, target: str) -> str | None:
        if tag == "file":
            if target.startswith("/") or ".." in target.split("/"):
                return None
            return os.path.join(os.path.dirname(self.req.filename), target)
        uri = target if target.startswith("/") else self.relative_uri(target)
        return self.req._vhost.document_root.rstrip("/") + uri.partition("?")[0]

    def subrequest(self, uri: str) -> tuple[int, bytes]:
        depth, outer = 0, self.req
        while outer._main is not None:
            depth, outer = depth + 1, outer._main
        if depth >= MAX_NESTING:
            _log(self.req, f"AH01361: Recursive include of \"{uri}\" in parsed file "
                           f"{self.req.filename}")  # fmt: skip
            return 500, b""
        writer = SubrequestWriter()
        status = self.req._engine.run_subrequest(self.req, uri, writer)
        return status, writer.body()


def run_python(stage: IncludesFilter, kind: str, code: str) -> bool:
    """IncludeDispatch: run ``code`` in the request's ``ssi_globals``; False on an error."""
    req = stage.req
    config = req._config if req._config is not None else req._vhost.config
    debug = config.directives.get("PythonDebug") == "1"
    filter_object = Filter(stage, stage._chain, stage._index, deque())
    namespace = getattr(req, "ssi_globals", None)
    if namespace is None:
        namespace = req.ssi_globals = {}
    namespace["filter"] = filter_object
    namespace["__file__"] = req.filename
    source = code.replace("\r\n", "\n").rstrip()
    try:
        with running_in(interpreter_name(req, config, None, "ssi")):
            try:
                # The page author's code, as mod_python runs it.
                if kind == "eval":
                    result = eval(source, namespace)
                    if result is not None:
                        filter_object.write(str(result))
                else:
                    exec(source, namespace)
                filter_object.flush()
            except Exception as error:  # noqa: BLE001 - SSI errors go to the one reporter

                def show(text: str) -> None:
                    filter_object.write(text)
                    filter_object.flush()

                report_error(error, req, stage.name, req.filename, debug, write=show)
                return False
    finally:
        namespace["filter"] = None
    return True


# ---- attribute values, encodings, sizes -------------------------------------------------------


def _attributes(text: str) -> list[tuple[str, str]]:
    """``name="value"`` pairs in order; quotes ", ' or `, backslash escapes the quote."""
    pairs: list[tuple[str, str]] = []
    position = 0
    while True:
        match = _ATTRIBUTE.match(text, position)
        if match is None:
            if text[position:].strip():
                # A name without a value: mod_include records it with an empty value.
                pairs.extend((word.lower(), "") for word in text[position:].split())
            return pairs
        name = match.group(1).lower()
        position = match.end()
        if position < len(text) and text[position] in "\"'`":
            quote_char = text[position]
            position += 1
            value = []
            while position < len(text) and text[position] != quote_char:
                if (
                    text[position] == "\\"
                    and position + 1 < len(text)
                    and (text[position + 1] == quote_char)
                ):
                    position += 1
                value.append(text[position])
                position += 1
            position += 1
            raw = "".join(value)
        else:
            end = position
            while end < len(text) and not text[end].isspace():
                end += 1
            raw, position = text[position:end], end
        pairs.append((name, html.unescape(raw) if "&" in raw else raw))


def _encode(text: str, encoding: str) -> str:
    if encoding == "none":
        return text
    if encoding in ("url", "urlencoded"):
        # ap_escape_uri: a path segment's escaping, lower-case hex, "&" and "=" kept.
        return _URL_UNSAFE.sub(lambda match: f"%{ord(match.group()):02x}", text)
    if encoding == "base64":
        return base64.b64encode(text.encode("latin-1", "replace")).decode("ascii")
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def _size_text(size: int, abbreviate: bool) -> str:
    """``#fsize``: apr_strfsize (``  4 ``, ``121K``, ``1.2M``) or digits with commas."""
    if not abbreviate:
        return f"{size:,}"
    if size < 973:
        return f"{size:3d} "
    units = "KMGTPE"
    unit = 0
    while True:
        remain = size & 1023
        size >>= 10
        if size >= 973:
            unit += 1
            continue
        if size < 9 or (size == 9 and remain < 973):
            tenths = (remain * 5 + 256) // 512
            if tenths >= 10:
                size, tenths = size + 1, 0
            return f"{size}.{tenths}{units[unit]}"
        if remain >= 512:
            size += 1
        return f"{size:3d}{units[unit]}"


def _add_cgi_variables(req) -> None:
    """mod_include shows pages the CGI variables (httpd's ap_add_cgi_vars, whose
    REQUEST_URI is the URI the client sent, query string included)."""
    req.add_cgi_vars()
    first = req
    while first._main is not None or first._prev is not None:
        first = first._main or first._prev
    req.subprocess_env["REQUEST_URI"] = first.unparsed_uri


def _log(req, message: str, level: int = APLOG_ERR) -> None:
    req._engine.error_log_for(req._vhost).write(
        message, level, client=f"{req.useragent_ip}:{req.useragent_addr[1]}", module="include"
    )


# ---- the legacy expression grammar ------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<op>==|=|!=|<=|>=|<|>|&&|\|\||!|\(|\))|'(?P<quoted>(?:\\.|[^'\\])*)'"
    r"|/(?P<regex>(?:\\.|[^/\\])*)/|(?P<word>(?:\\.|[^\s=!<>&|()'])+))"
)


class _LegacyExpression:
    """mod_include's pre-2.4 ``expr`` syntax: strings, = != < <= > >=, /regex/, ! && || ()."""

    def __init__(self, text: str, expand):
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise ValueError(text)
            position = match.end()
            kind = match.lastgroup
            value = match.group(kind)
            if kind in ("quoted", "word"):
                value = expand(re.sub(r"\\(.)", r"\1", value))
                # Adjacent strings make one string, joined by a space.
                if self.tokens and self.tokens[-1][0] == "string":
                    self.tokens[-1] = ("string", self.tokens[-1][1] + " " + value)
                    continue
                kind = "string"
            self.tokens.append((kind, value))
        self.position = 0

    def evaluate(self) -> bool:
        if not self.tokens:
            raise ValueError("empty")
        result = self.either()
        if self.position != len(self.tokens):
            raise ValueError("trailing tokens")
        return result

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ValueError("unexpected end")
        self.position += 1
        return token

    def either(self) -> bool:
        result = self.both()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.both()
            result = result or right
        return result

    def both(self) -> bool:
        result = self.negation()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.negation()
            result = result and right
        return result

    def negation(self) -> bool:
        if self.peek() == ("op", "!"):
            self.take()
            return not self.negation()
        return self.comparison()

    def comparison(self) -> bool:
        kind, value = self.take()
        if (kind, value) == ("op", "("):
            result = self.either()
            if self.take() != ("op", ")"):
                raise ValueError("missing )")
            return result
        if kind != "string":
            raise ValueError(value)
        following = self.peek()
        if (
            following is None
            or following[0] != "op"
            or following[1] not in ("=", "==", "!=", "<", "<=", ">", ">=")
        ):
            return value != ""
        operator = self.take()[1]
        right_kind, right = self.take()
        if right_kind == "regex" and operator in ("=", "==", "!="):
            matched = re.search(right, value) is not None
            return matched if operator != "!=" else not matched
        if right_kind != "string":
            raise ValueError(right)
        if operator in ("=", "=="):
            return value == right
        if operator == "!=":
            return value != right
        if operator == "<":
            return value < right
        if operator == "<=":
            return value <= right
        if operator == ">":
            return value > right
        return value >= right
