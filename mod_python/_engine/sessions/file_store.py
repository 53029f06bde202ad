"""``FileSession``: one pickle file per session, in mod_python's directory layout.

``<directory>/mp_sess/<first two hex digits of the id>/<id>``, pickle protocol 2, so a
session directory written by mod_python is read as it is. Files are written to a
temporary name and renamed into place, so a reader sees the old or the new session,
never half of one; they are 0600 in 0700 directories.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
import traceback

from ..constants import APLOG_ERR, APLOG_NOTICE
from . import options as opts
from .background import start_cleanup
from .base import BaseSession
from .options import (  # noqa: F401 - mod_python's names, exported by mod_python.Session
    DFT_CLEANUP_TIME_LIMIT,
    DFT_FAST_CLEANUP,
    DFT_GRACE_PERIOD,
    DFT_VERIFY_CLEANUP,
)
from .pickles import dump_state, load_state
from .renames import replace_file

FS_STAT_VERSION = "MPFS_3.2"  # first word of the cleanup's resume file, fs_status.txt
_STALE_CLEANUP_LOCK = 3600  # seconds after which a cleanup lock file is presumed abandoned
_STALE_TEMP_FILE = 3600  # seconds after which a leftover temporary file is removed
_TEMP_PREFIX = "."  # temporary files are hidden: never taken for a session by the cleanup


def make_filesession_dirs(session_directory: str) -> None:
    """Create the session directory and its 256 subdirectories ``00`` ... ``ff`` (0700)."""
    os.makedirs(session_directory, mode=0o700, exist_ok=True)
    for index in range(256):
        os.makedirs(os.path.join(session_directory, f"{index:02x}"), mode=0o700, exist_ok=True)


def _new_process_token() -> None:
    global _process_token
    _process_token = secrets.token_hex(4)


_process_token = ""
_new_process_token()
os.register_at_fork(after_in_child=_new_process_token)  # a child must not reuse its names


def temporary_name(path: str) -> str:
    """A hidden name beside ``path`` that no other writer uses at the same time: it names
    the process (a random token, fresh after fork, so hosts sharing the directory differ)
    and the thread, and a thread writes one file at a time."""
    directory, slash, name = path.rpartition("/")
    return f"{directory}{slash}{_TEMP_PREFIX}{name}.{_process_token}{threading.get_ident():x}"


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
# A spare kept from the last save (O_NONBLOCK: never wait on a FIFO planted there).
_SPARE_FILE = os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


def _open_temporary(temporary: str, reuse: bool) -> int:
    """A descriptor writing a private file at ``temporary``: the spare a previous save
    left there (``reuse``), else a new empty one."""
    if reuse:
        try:
            return os.open(temporary, _SPARE_FILE)
        except FileNotFoundError:
            pass
        except OSError:  # not a plain file of ours (a link, a FIFO): replaced below
            os.unlink(temporary)
    try:
        return os.open(temporary, _NEW_FILE, 0o600)
    except FileExistsError:  # left by a write of this process and thread that died
        os.unlink(temporary)
        return os.open(temporary, _NEW_FILE, 0o600)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _blank(path: str) -> None:
    """Overwrite the file ``path`` with zeros, keeping its size and blocks."""
    try:
        descriptor = os.open(path, _SPARE_FILE)
    except FileNotFoundError:  # a cleanup took it for an abandoned temporary file
        return
    try:
        _write_all(descriptor, bytes(os.fstat(descriptor).st_size))
    finally:
        os.close(descriptor)


def write_atomically(path: str, data: bytes, reuse_temporary: bool = False) -> None:
    """Replace ``path`` by a 0600 file holding ``data``, in one atomic step (renames.py).

    With ``reuse_temporary``, the old file stays under the temporary name as a spare for
    the next save to write over, its contents overwritten with zeros: the file system then
    neither allocates nor frees an inode or a block per save (on ext4, with discard, that
    cost several times the rest of a save). The cleanup removes a spare an hour after its
    last use. Not fsync'd, as mod_python's saves were not: a session survives the server
    process, not a crash of the machine.
    """
    temporary = temporary_name(path)
    descriptor = _open_temporary(temporary, reuse_temporary)
    try:
        try:
            _write_all(descriptor, data)
            if reuse_temporary:
                os.ftruncate(descriptor, len(data))  # a spare may be longer
        finally:
            os.close(descriptor)
        exchanged = replace_file(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    if exchanged:  # the old file is under the temporary name now
        try:
            if reuse_temporary:
                _blank(temporary)  # the spare for the next save
                return
        except OSError:
            pass
        try:
            os.unlink(temporary)
        except FileNotFoundError:  # a cleanup took it for an abandoned temporary file
            pass


def read_whole(descriptor: int) -> bytes:
    """Everything from ``descriptor`` to the end of the file."""
    chunks = []
    while chunk := os.read(descriptor, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


class FileSession(BaseSession):
    """Sessions as files under ``<database_directory>/mp_sess``."""

    _filename_of: tuple[str | None, str] = (None, "")  # the id and file name last computed

    def __init__(self, req, sid: str | None = 0, secret=None, timeout: float = 0, lock: int = 1,
                 fast_cleanup: int | bool = -1, verify_cleanup: int | bool = -1):  # fmt: skip
        self._settings = settings = opts.session_settings(req)
        fast, verify, self._grace_period, self._cleanup_time_limit = settings.file_cleanup
        self._fast_cleanup = fast if fast_cleanup == -1 else fast_cleanup
        self._verify_cleanup = verify if verify_cleanup == -1 else verify_cleanup
        self._sessdir = settings.file_directory
        # The cleanup judges file ages by this timeout, not by each session's own (as
        # mod_python does); verify_cleanup then reads the session's timeout.
        self._cleanup_timeout = timeout or opts.DEFAULT_TIMEOUT
        super().__init__(req, sid=sid, secret=secret, timeout=timeout, lock=lock)

    def _filename(self) -> str:
        sid = self._sid
        if self._filename_of[0] != sid:
            self._filename_of = (sid, os.path.join(self._sessdir, sid[:2], sid))
        return self._filename_of[1]

    def do_load(self) -> dict | None:
        try:
            descriptor = os.open(self._filename(), os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - an unreadable file is an absent session, and logged
            self._log_load_error()
            return None
        try:
            state = load_state(read_whole(descriptor))
        except Exception:  # noqa: BLE001 - a damaged file is an absent session, and logged
            self._log_load_error()
            return None
        else:
            try:
                if time.time() - state["_accessed"] <= state["_timeout"]:
                    # A fresh mtime keeps the cleanup away while this request works on it.
                    os.utime(descriptor)
            except (KeyError, TypeError, OSError):
                pass  # a malformed session is refused by load(); a file not ours stays as it is
        finally:
            os.close(descriptor)
        return state

    def _log_load_error(self) -> None:
        self._req.log_error(f"Error while loading a session : {traceback.format_exc()}",
                            APLOG_ERR)  # fmt: skip

    def do_save(self, state: dict) -> None:
        filename = self._filename()
        try:
            data = dump_state(state)
            try:
                write_atomically(filename, data, reuse_temporary=True)
            except FileNotFoundError:  # the first save: no session directory yet
                make_filesession_dirs(self._sessdir)
                write_atomically(filename, data, reuse_temporary=True)
        except Exception:  # noqa: BLE001 - mod_python logs a failed save and carries on
            self._req.log_error(f"Error while saving a session : {traceback.format_exc()}",
                                APLOG_ERR)  # fmt: skip

    def do_delete(self) -> None:
        filename = self._filename()
        for path in (filename, temporary_name(filename)):  # (this writer's emptied spare)
            try:
                os.unlink(path)
            except OSError:
                pass

    def do_cleanup(self) -> None:
        settings = FileCleanup(self._sessdir, self._fast_cleanup, self._verify_cleanup,
                               self._cleanup_timeout, self._grace_period,
                               self._cleanup_time_limit, self._req.server.log_error)  # fmt: skip
        start_cleanup(("file", self._sessdir), settings.run)
        self._req.log_error("FileSession: registered filesession cleanup.", APLOG_NOTICE)


class FileCleanup:
    """One run of mod_python's FileSession cleanup, resumable across runs and processes."""

    def __init__(self, sessdir: str, fast: bool, verify: bool, timeout: float,
                 grace_period: float, time_limit: float, log) -> None:  # fmt: skip
        self.sessdir, self.fast, self.verify = sessdir, fast, verify
        self.timeout, self.grace_period, self.time_limit = timeout, grace_period, time_limit
        self.log = log

    def run(self) -> None:
        self.log(f"FileSession cleanup: (fast={self.fast}, verify={self.verify}) ...",
                 APLOG_NOTICE)  # fmt: skip
        lock_file = os.path.join(self.sessdir, ".mp_sess.lck")
        try:
            descriptor = os.open(lock_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            self._another_run(lock_file)
            return
        except FileNotFoundError:  # no session directory yet: nothing to clean
            return
        try:
            self._sweep()
        finally:
            os.close(descriptor)
            try:
                os.unlink(lock_file)
            except OSError:
                pass

    def _another_run(self, lock_file: str) -> None:
        try:
            stale = os.stat(lock_file).st_mtime < time.time() - _STALE_CLEANUP_LOCK
        except OSError:
            return
        if stale:
            # Left by a run that died: removed now, the next run proceeds.
            self.log("FileSession cleanup: stale lockfile found - deleting it", APLOG_NOTICE)
            try:
                os.remove(lock_file)
            except OSError:
                pass
        else:
            self.log("FileSession cleanup: another process is already running", APLOG_NOTICE)

    def _read_status(self, status_path: str) -> tuple[int, int, int, float]:
        try:
            with open(status_path) as stream:
                fields = stream.readline().split()
            if fields[0] != FS_STAT_VERSION:
                raise ValueError("wrong status file version")
            return int(fields[1]) % 256, int(fields[2]), int(fields[3]), float(fields[4])
        except (OSError, ValueError, IndexError):
            return 0, 0, 0, 0.0

    def _sweep(self) -> None:
        status_path = os.path.join(self.sessdir, "fs_status.txt")
        next_index, expired, total, total_time = self._read_status(status_path)
        start = time.time()
        for index in range(next_index, 256):
            subdirectory = os.path.join(self.sessdir, f"{index:02x}")
            try:
                names = os.listdir(subdirectory)
            except OSError:
                names = []
            total += len(names)
            for name in names:
                try:
                    if self._remove_if_expired(os.path.join(subdirectory, name)):
                        expired += 1
                except Exception:  # noqa: BLE001 - one bad file must not stop the sweep
                    self.log(f"FileSession cleanup error: {traceback.format_exc()}",
                             APLOG_NOTICE)  # fmt: skip
            next_index = (index + 1) % 256
            if 0 < self.time_limit < time.time() - start:
                break
        total_time += time.time() - start
        if next_index == 0:
            self.log(f"FileSession cleanup: deleted {expired} of {total} in "
                     f"{total_time:.4f} seconds", APLOG_NOTICE)  # fmt: skip
            expired, total, total_time = 0, 0, 0.0
        else:
            self.log(f"FileSession cleanup incomplete: next cleanup will start at index "
                     f"{next_index} ({next_index:02x})", APLOG_NOTICE)  # fmt: skip
        write_atomically(status_path, (f"{FS_STAT_VERSION} {next_index} {expired} {total} "
                                       f"{total_time:f}\n").encode("ascii"))  # fmt: skip

    def _remove_if_expired(self, path: str) -> bool:
        now = time.time()
        age = now - os.stat(path).st_mtime
        if os.path.basename(path).startswith(_TEMP_PREFIX):
            if age > _STALE_TEMP_FILE:  # left by a save that died between write and rename
                os.unlink(path)
            return False
        if self.fast and age < self.timeout + self.grace_period:
            return False
        if not (self.fast and not self.verify):
            # Read outside any lock: the file is replaced whole, never changed in place.
            with open(path, "rb") as stream:
                state = load_state(stream.read())
            if now - state["_accessed"] <= state["_timeout"] + self.grace_period:
                return False
        os.unlink(path)
        return True


def filesession_cleanup(data: dict) -> None:
    """mod_python's cleanup entry point, run at once: ``data`` holds the same keys."""
    log = data["req"].log_error
    FileCleanup(data["sessdir"], data["fast_cleanup"], data["verify_cleanup"], data["timeout"],
                data["grace_period"], data["cleanup_time_limit"], log).run()  # fmt: skip
