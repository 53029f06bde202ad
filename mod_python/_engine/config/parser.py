"""Apache configuration text -> a tree of directives, each knowing its file and line.

Handles what httpd's own reader does: comments on their own line, ``\\`` line
continuations, quoted arguments with backslash escapes, case-insensitive names and
nested ``<Container args>`` ... ``</Container>`` sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ConfigError(Exception):
    """A configuration problem, located at ``file:line`` and naming the directive."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 directive: str | None = None):  # fmt: skip
        self.message = message
        self.file = file
        self.line = line
        self.directive = directive
        where = f"{file or '<config>'}:{line}" if line else (file or "<config>")
        what = f"{directive}: " if directive else ""
        super().__init__(f"{where}: {what}{message}")


@dataclass
class Directive:
    """One directive or container as written: ``name`` keeps its spelling, ``raw`` the argument text."""

    name: str
    args: list[str]
    raw: str
    file: str
    line: int
    children: list[Directive] | None = None  # None for a plain directive
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.name.lower()

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, self.file, self.line, self.name)


def split_args(text: str) -> list[str]:
    """Split directive arguments as httpd's ``ap_getword_conf`` does."""
    args: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            return args
        quote = text[i]
        if quote in "\"'":
            i += 1
            word = []
            while i < n and text[i] != quote:
                if text[i] == "\\" and i + 1 < n and text[i + 1] in (quote, "\\"):
                    i += 1
                word.append(text[i])
                i += 1
            i += 1  # closing quote (a missing one ends the word at end of line, as httpd does)
            args.append("".join(word))
        else:
            start = i
            while i < n and text[i] not in " \t":
                i += 1
            word = text[start:i]
            # httpd un-escapes a doubled backslash in unquoted words too.
            args.append(word.replace("\\\\", "\\") if "\\\\" in word else word)


def _logical_lines(text: str, file: str):
    """Yield (line number, stripped text), joining ``\\``-continued lines."""
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if pending:
            pending.append(stripped)
        else:
            start = number
            pending = [stripped]
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            pending[-1] = stripped[:-1]
            continue
        joined = (
            " ".join(part for part in pending if part).strip() if len(pending) > 1 else pending[0]
        )
        pending = []
        if joined and not joined.startswith("#"):
            yield start, joined
    if pending:
        raise ConfigError("line continuation at end of file", file, start)


def parse_config(text: str, file: str = "<config>") -> list[Directive]:
    """Parse config text into a list of top-level directives (containers hold children)."""
    root: list[Directive] = []
    stack: list[Directive] = []
    for number, line in _logical_lines(text, file):
        current = stack[-1].children if stack else root
        if line.startswith("</"):
            name = line[2:].rstrip(">").strip()
            if not stack:
                raise ConfigError(f"</{name}> without matching <{name}> section", file, number)
            if stack[-1].key != name.lower():
                opened = stack[-1]
                raise ConfigError(
                    f"</{name}> does not close <{opened.name}> opened at line {opened.line}",
                    file, number,
                )  # fmt: skip
            stack.pop()
            continue
        if line.startswith("<"):
            if not line.endswith(">"):
                raise ConfigError(f"{line.split()[0]}> directive missing closing '>'", file, number)
            body = line[1:-1].strip()
            name, _, raw = body.partition(" ")
            raw = raw.strip()
            node = Directive(name, split_args(raw), raw, file, number, children=[])
            current.append(node)
            stack.append(node)
            continue
        name, _, raw = line.partition(" ")
        if "\t" in name:
            name, _, rest = name.partition("\t")
            raw = rest + " " + raw
        raw = raw.strip()
        current.append(Directive(name, split_args(raw), raw, file, number))
    if stack:
        opened = stack[-1]
        raise ConfigError(f"<{opened.name}> section not closed", file, opened.line)
    return root
