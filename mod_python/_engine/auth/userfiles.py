"""AuthUserFile (htpasswd) and AuthGroupFile (htgroup) files, parsed once and kept until they change.

Apache rereads these files on every request; here each path is parsed once and reparsed
when its mtime, size, inode or ctime changes, so an edited file takes effect on the next
request as in Apache. Both readers follow Apache's line rules: leading and trailing
whitespace is dropped, blank lines and lines starting with ``#`` are skipped.

- htpasswd ``user:hash``: the hash ends at the next ``:`` (later fields are ignored) and the
  first line naming a user wins.
- htgroup ``group: user1 user2``: the group name is the text before the first ``:``
  verbatim; members are separated by whitespace (a member may be quoted); a group may span
  several lines.

Files are read as bytes and decoded as Latin-1, matching ``check_basic_credentials``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

_APR_SPACE = " \t\n\v\f\r"  # apr_isspace: str.strip() alone would also eat Latin-1 \xa0, \x85


class AuthFileError(OSError):
    """A password or group file could not be read; ``message`` is Apache's log line for it."""

    def __init__(self, kind: str, path: str, reason: OSError):
        super().__init__(reason.errno, reason.strerror or str(reason), path)
        self.kind = kind  # "password" or "group"
        self.path = path
        self.reason = reason

    @property
    def message(self) -> str:
        """Apache's log line: AH01620 for a password file, AH01665 for a group file.

        Apache prefixes it with the OS error, "(2)No such file or directory: "; ``reason``
        holds that error.
        """
        code = "AH01620" if self.kind == "password" else "AH01665"
        return f"{code}: Could not open {self.kind} file: {self.path}"


def _content_lines(data: bytes):
    for raw_line in data.decode("latin-1").split("\n"):
        line = raw_line.strip(_APR_SPACE)
        if line and not line.startswith("#"):
            yield line


@dataclass(frozen=True)
class PasswordFile:
    """One htpasswd file: user name -> stored hash."""

    hashes: dict[str, str]

    @classmethod
    def parse(cls, data: bytes) -> PasswordFile:
        hashes: dict[str, str] = {}
        for line in _content_lines(data):
            user, _, rest = line.partition(":")
            hashes.setdefault(user, rest.partition(":")[0])
        return cls(hashes)

    def hash_for(self, user: str) -> str | None:
        return self.hashes.get(user)


def _conf_words(text: str) -> list[str]:
    """Whitespace-separated words, a word in matching quotes kept whole without them."""
    words = []
    rest = text.lstrip(_APR_SPACE)
    while rest:
        if rest[0] in "\"'" and rest[0] in rest[1:]:
            end = rest.index(rest[0], 1)
            words.append(rest[1:end])
            rest = rest[end + 1 :]
        else:
            cut = next((i for i, char in enumerate(rest) if char in _APR_SPACE), len(rest))
            words.append(rest[:cut])
            rest = rest[cut:]
        rest = rest.lstrip(_APR_SPACE)
    return words


@dataclass(frozen=True)
class GroupFile:
    """One htgroup file: user name -> the groups naming that user."""

    groups_by_user: dict[str, frozenset[str]]

    @classmethod
    def parse(cls, data: bytes) -> GroupFile:
        collected: dict[str, set[str]] = {}
        for line in _content_lines(data):
            group, _, members = line.partition(":")
            for member in _conf_words(members):
                collected.setdefault(member, set()).add(group)
        return cls({user: frozenset(groups) for user, groups in collected.items()})

    def groups_of(self, user: str) -> frozenset[str]:
        return self.groups_by_user.get(user, frozenset())


@dataclass
class AuthFileCache:
    """Parsed password and group files by path, reparsed when the file changes. Thread-safe."""

    _entries: dict[tuple[str, str], tuple[tuple[int, ...], object]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def password_file(self, path: str) -> PasswordFile:
        """The parsed htpasswd file at ``path``; raises AuthFileError if it cannot be read."""
        return self._load("password", path, PasswordFile.parse)

    def group_file(self, path: str) -> GroupFile:
        """The parsed htgroup file at ``path``; raises AuthFileError if it cannot be read."""
        return self._load("group", path, GroupFile.parse)

    def _load(self, kind: str, path: str, parse: Callable[[bytes], object]):
        key = (kind, path)
        try:
            with open(path, "rb") as handle:
                status = os.fstat(handle.fileno())
                identity = (status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns)
                with self._lock:
                    cached = self._entries.get(key)
                if cached is not None and cached[0] == identity:
                    return cached[1]
                parsed = parse(handle.read())
        except OSError as error:
            raise AuthFileError(kind, path, error) from error
        with self._lock:
            self._entries[key] = (identity, parsed)
        return parsed

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


default_cache = AuthFileCache()
