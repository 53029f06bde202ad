"""``mp_finfo``: what httpd's apr_stat reported about a file (SPEC 5.6)."""

from __future__ import annotations

import os
import stat as stat_module
from operator import attrgetter

from .constants import (
    APR_BLK,
    APR_CHR,
    APR_DIR,
    APR_FINFO_CSIZE,
    APR_FINFO_IDENT,
    APR_FINFO_MIN,
    APR_FINFO_NLINK,
    APR_FINFO_OWNER,
    APR_FINFO_PROT,
    APR_LNK,
    APR_NOFILE,
    APR_PIPE,
    APR_REG,
    APR_SOCK,
    APR_UNKFILE,
)  # fmt: skip

_FIELDS = ("fname", "filetype", "valid", "protection", "user", "group", "size", "inode",
           "device", "nlink", "atime", "mtime", "ctime", "name")  # fmt: skip
# The legacy sequence order of the FINFO_* indexes.
_SEQUENCE = ("protection", "inode", "device", "nlink", "user", "group", "size", "atime",
             "mtime", "ctime", "fname", "name")  # fmt: skip


# What apr_stat fills in on Unix, whatever was asked for (the name is never filled in).
_VALID = (
    APR_FINFO_MIN | APR_FINFO_IDENT | APR_FINFO_NLINK | APR_FINFO_OWNER | APR_FINFO_PROT
    | APR_FINFO_CSIZE
)  # fmt: skip


def _apr_protection(mode: int) -> int:
    """APR's permission word: one hex digit each for user, group and world (0o644 -> 0x644),
    plus 0x8000 setuid, 0x4000 setgid and 0x2000 sticky."""
    protection = ((mode >> 6) & 7) << 8 | ((mode >> 3) & 7) << 4 | (mode & 7)
    if mode & stat_module.S_ISUID:
        protection |= 0x8000
    if mode & stat_module.S_ISGID:
        protection |= 0x4000
    if mode & stat_module.S_ISVTX:
        protection |= 0x2000
    return protection


def _filetype(mode: int) -> int:
    if stat_module.S_ISREG(mode):
        return APR_REG
    if stat_module.S_ISDIR(mode):
        return APR_DIR
    if stat_module.S_ISCHR(mode):
        return APR_CHR
    if stat_module.S_ISBLK(mode):
        return APR_BLK
    if stat_module.S_ISFIFO(mode):
        return APR_PIPE
    if stat_module.S_ISLNK(mode):
        return APR_LNK
    if stat_module.S_ISSOCK(mode):
        return APR_SOCK
    return APR_UNKFILE


def _not_writable(name: str):
    """The setter of a public field: it fails as assigning a getter-only C attribute does."""

    def refuse(obj, value) -> None:
        raise AttributeError(f"attribute '{name}' of 'mp_finfo' objects is not writable")

    return refuse


def _field(name: str) -> property:
    """A public field, read from the values computed on first use."""
    return property(lambda obj: obj._fields()[name], _not_writable(name))


class finfo:  # noqa: N801 - the type name mod_python reports
    """Read-only file information; ``None`` fields when nothing exists at ``fname``."""

    __slots__ = ("_fname", "_st", "_values", "_filetype")

    def __init__(self, fname: str | None = None, st: os.stat_result | None = None):
        # Plain slot stores: the public fields are getter-only properties, so no __setattr__
        # is needed to keep them read-only (one would cost a Python call per store, and the
        # directory walk builds one of these per request).
        self._fname = fname
        self._st = st
        self._values = None  # the other fields, computed on first use
        self._filetype = APR_NOFILE if st is None else _filetype(st.st_mode)

    def _fields(self) -> dict:
        values = self._values
        if values is None:
            values = dict.fromkeys(_FIELDS)
            values["fname"] = self._fname
            values["filetype"] = self._filetype
            st = self._st
            if st is not None:
                values.update(
                    valid=_VALID, protection=_apr_protection(st.st_mode), user=st.st_uid,
                    group=st.st_gid, size=st.st_size, inode=st.st_ino, device=st.st_dev,
                    nlink=st.st_nlink, atime=int(st.st_atime), mtime=int(st.st_mtime),
                    ctime=int(st.st_ctime),
                )  # fmt: skip
            self._values = values
        return values

    # The engine reads filetype on every request: a C-level getter, no Python frame.
    filetype = property(attrgetter("_filetype"), _not_writable("filetype"))
    fname = _field("fname")
    valid = _field("valid")
    protection = _field("protection")
    user = _field("user")
    group = _field("group")
    size = _field("size")
    inode = _field("inode")
    device = _field("device")
    nlink = _field("nlink")
    atime = _field("atime")
    mtime = _field("mtime")
    ctime = _field("ctime")
    name = _field("name")

    @classmethod
    def of(cls, path: str) -> finfo:
        """stat ``path`` (following symlinks); a missing file gives filetype APR_NOFILE."""
        try:
            return cls(path, os.stat(path))
        except (FileNotFoundError, NotADirectoryError):
            return cls(path)
        except ValueError:  # an embedded NUL (from %00): no such file, as httpd finds
            return cls(path)

    def __getattr__(self, name: str):
        # Only reached for names that are not fields.
        raise AttributeError(f"class 'mp_finfo' has no attribute '{name}'")

    def __getitem__(self, index: int):
        if not 0 <= index < len(_SEQUENCE):
            raise IndexError("tuple index out of range")
        return self._fields()[_SEQUENCE[index]]

    def __repr__(self) -> str:
        values = self._fields()
        return "{" + ", ".join(f"'{k}': {values[k]!r}" for k in _FIELDS) + "}"


def stat(fname: str, wanted: int) -> finfo:
    """``apache.stat``: a missing file is not an error (and has no fname); others raise OSError."""
    try:
        return finfo(fname, os.stat(fname))
    except (FileNotFoundError, NotADirectoryError):
        return finfo(None)
    except OSError as error:
        raise OSError(error.errno, "apr_stat() failed") from error
