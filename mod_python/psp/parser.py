"""PSP template text -> Python source, by the translation rules of mod_python's scanner.

mod_python 3.5 translated templates with a flex scanner (``psp_parser.l``) whose quirks are
part of what pages rely on (SPEC 8.1). This module reproduces that translation with a few
regular-expression searches per construct instead of a character-by-character loop:

* text runs become ``req.write(<triple-quoted text>,0)`` with ``"`` escaped, backslash
  followed by n, r or t doubled, and CRLF turned into LF (a lone CR is kept);
* ``<% code %>`` closes the text string and inserts the code; ``<%= expr %>`` writes
  ``str(expr)``; ``<%-- --%>`` vanishes; ``<%@ include file="..." %>`` splices a file in;
* the text after a code block is indented by the block's last indentation (plus a TAB when the
  block ended with ``:``), which is how a template nests text inside Python blocks.

The scanner's state outlives a code block (the pending indentation, whether the last code
character was a colon), so one ``_Translation`` object carries it through the main template
and every included file, exactly as the flex scanner's globals did.
"""

from __future__ import annotations

import errno
import os
import re

TEXT_OPEN = 'req.write("""'
TEXT_CLOSE = '""",0);'
TEXT_END = '""",0)\n'
ECHO_OPEN = '""",0); req.write(str('
ECHO_CLOSE = '),0); req.write("""'

# A line break inside a template: the scanner's ``\r\n|\n|\r``.
_LINE_BREAK = re.compile(r"(\r\n|\n|\r)")
# Leading blanks of a code line, which become the block's current indentation.
_INDENT = re.compile(r"[\t ]*")
# Inside ``<%@ ... %>``: the include directive (flex: include[ ]+file[ ]?=[ ]?"[^ ]+"),
# or the end of the directive. Anything else in a directive is skipped.
_DIRECTIVE = re.compile(r'include +file ?= ?"([^ ]+)"|%>')


class IncludeCycleError(OSError):
    """A template includes itself, directly or through other includes (ELOOP)."""


class _ScanStopped(Exception):
    """A buffer ended inside code, a comment or a directive: flex stops the whole scan there."""


def translate_text(text: str) -> str:
    """A run of template text as it goes between the triple quotes of ``req.write``.

    Backslash followed by n, r or t is doubled so the page shows the two characters; any
    other backslash is left for Python's string-literal rules to interpret, as in mod_python.
    """
    if "\\" in text:
        text = text.replace("\\n", "\\\\n").replace("\\r", "\\\\r").replace("\\t", "\\\\t")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return text


class _Translation:
    """The scanner state for one parse: output pieces and the code-block bookkeeping."""

    def __init__(self, directory: str | None):
        self.directory = directory
        self.pieces: list[str] = []
        self.text_open = False
        # Indentation the next text inherits; reset at each "<%".
        self.indentation = ""
        # Whether the last code character (not a line break, not a line's leading blanks) was
        # ":". Like the flex global it mirrors, it survives from one block to the next.
        self.after_colon = False
        self.include_stack: list[str] = []
        self.included: list[str] = []  # every file spliced in, in order

    # ---- buffers ---------------------------------------------------------------------------

    def scan(self, template: str, source_path: str | None = None) -> None:
        """Translate one buffer (the page or an included file); raises _ScanStopped at a bad end."""
        if source_path is not None:
            self.include_stack.append(os.path.realpath(source_path))
        try:
            self._scan(template)
        finally:
            if source_path is not None:
                self.include_stack.pop()

    def _scan(self, template: str) -> None:
        pieces = self.pieces
        if template and not self.text_open:
            # The first character of the input, whatever it is, opens the first string.
            pieces.append(TEXT_OPEN)
            self.text_open = True
        position = 0
        length = len(template)
        while position < length:
            start = template.find("<%", position)
            if start < 0:
                pieces.append(translate_text(template[position:]))
                return
            if start > position:
                pieces.append(translate_text(template[position:start]))
            # flex takes the longest opener: "<%--" before "<%@" / "<%=" before "<%".
            if template.startswith("<%--", start):
                position = self._comment(template, start + 4)
            elif template.startswith("<%@", start):
                position = self._directive(template, start + 3)
            elif template.startswith("<%=", start):
                pieces.append(ECHO_OPEN)
                position = self._code(template, start + 3, echo=True)
            else:
                pieces.append(TEXT_CLOSE)
                self.indentation = ""
                position = self._code(template, start + 2, echo=False)

    def _comment(self, template: str, position: int) -> int:
        end = template.find("--%>", position)
        if end < 0:
            raise _ScanStopped
        return end + 4

    def _directive(self, template: str, position: int) -> int:
        while True:
            match = _DIRECTIVE.search(template, position)
            if match is None:
                raise _ScanStopped
            if match.group(1) is None:  # "%>"
                return match.end()
            # The name ends at its first quote, however far the greedy match went.
            self._include(match.group(1).partition('"')[0])
            position = match.end()

    def _include(self, name: str) -> None:
        # Relative names are glued to the parse directory (not the including file's).
        path = self.directory + name if self.directory and not name.startswith("/") else name
        real = os.path.realpath(path)
        if real in self.include_stack:
            chain = " -> ".join([*self.include_stack, real])
            raise IncludeCycleError(errno.ELOOP, f"PSP include cycle: {chain}", path)
        with open(path, "rb") as included:
            content = included.read().decode("utf-8")
        self.included.append(path)
        self.scan(content, path)

    # ---- code blocks -----------------------------------------------------------------------

    def _code(self, template: str, position: int, echo: bool) -> int:
        end = template.find("%>", position)
        body = template[position:] if end < 0 else template[position:end]
        self._code_body(body, at_block_end=end >= 0)
        if end < 0:
            raise _ScanStopped
        pieces = self.pieces
        if echo:
            pieces.append(ECHO_CLOSE)
        else:
            if "\n" not in body and "\r" not in body:
                # A one-line block: the following req.write shares its line.
                pieces.append(";")
            if self.after_colon:
                # The block opened a Python block: nest the text one TAB deeper.
                self.indentation += "\t"
                self.after_colon = False
            pieces.append(self.indentation)
            pieces.append(TEXT_OPEN)
        return end + 2

    def _code_body(self, body: str, at_block_end: bool) -> None:
        """Emit a block's code with LF line ends; track indentation and the trailing colon."""
        if "\n" not in body and "\r" not in body:
            self.pieces.append(body)
            if body:
                self.after_colon = body[-1] == ":"
            return
        parts = _LINE_BREAK.split(body)
        self.pieces.append("\n".join(parts[0::2]))
        self._note_code_chars(parts[0])
        last = len(parts) - 1
        for index in range(2, len(parts), 2):
            line, line_break = parts[index], parts[index - 1]
            if line == "" and index == last and at_block_end:
                # "%>" right at the start of a line keeps the previous indentation.
                continue
            if line_break == "\r":
                # A lone CR does not put flex at the beginning of a line, so its leading-blanks
                # rule cannot fire: the indentation is cleared and the blanks are plain code.
                self.indentation = ""
                self._note_code_chars(line)
                continue
            blanks = _INDENT.match(line).group()
            self.indentation = blanks
            self._note_code_chars(line[len(blanks) :])

    def _note_code_chars(self, chars: str) -> None:
        if chars:
            self.after_colon = chars[-1] == ":"

    # ---- result ------------------------------------------------------------------------------

    def source(self) -> str:
        return "".join(self.pieces)


def _translate(translation: _Translation, template: str, source_path: str | None) -> str:
    try:
        translation.scan(template, source_path)
    except _ScanStopped:
        # Unterminated code, comment or directive: flex stopped without closing the string.
        return translation.source()
    if translation.text_open:
        translation.pieces.append(TEXT_END)
    return translation.source()


def translate(template: str, directory: str | None = None) -> str:
    """The Python source for ``template``; includes are resolved against ``directory``."""
    return _translate(_Translation(directory), template, None)


def translate_file(filename: str, directory: str | None = None) -> tuple[str, list[str]]:
    """The Python source for the file ``directory + filename``, and the files it included."""
    path = directory + filename if directory else filename
    with open(path, "rb") as template_file:
        template = template_file.read().decode("utf-8")
    translation = _Translation(directory)
    return _translate(translation, template, path), translation.included


def parse(filename: str, dir: str | None = None) -> str:  # noqa: A002 - mod_python's name
    """``_psp.parse``: translate the file ``dir + filename`` (plain concatenation, as in C)."""
    return translate_file(filename, dir)[0]


def parsestring(template: str | bytes) -> str:
    """``_psp.parsestring``: translate template text (bytes are decoded as UTF-8)."""
    if isinstance(template, (bytes, bytearray, memoryview)):
        template = bytes(template).decode("utf-8")
    elif not isinstance(template, str):
        raise TypeError(f"parsestring() needs str or bytes, not {type(template).__name__}")
    return translate(template)
