"""Running one WSGI application for a request: the response goes out through ``req.write``.

Shared by ``PythonHandler mod_python.wsgi`` and mod_wsgi's ``wsgi-script`` handler, so
both stream the same way: each item of the iterable is written and flushed as it comes
(chunked unless the application set a Content-Length), and ``close()`` is always called.
"""

from __future__ import annotations

import threading

_FILE_BLOCK = 8192


class FileWrapper:
    """``wsgi.file_wrapper``: iterates a file-like object in blocks (PEP 3333)."""

    def __init__(self, filelike, blksize: int = _FILE_BLOCK):
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, "close"):
            self.close = filelike.close

    def __iter__(self):
        read = self.filelike.read
        while True:
            block = read(self.blksize)
            if not block:
                return
            yield block


class RequestInput:
    """``wsgi.input`` of a WSGI script: the request body through ``req.read``."""

    __slots__ = ("_req",)

    def __init__(self, req):
        self._req = req

    def read(self, size: int = -1) -> bytes:
        return self._req.read(-1 if size is None else size)

    def readline(self, size: int = -1) -> bytes:
        return self._req.readline(-1 if size is None else size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        return self._req.readlines(-1 if hint is None else hint)

    def __iter__(self):
        while True:
            line = self._req.readline()
            if not line:
                return
            yield line


class ErrorStream:
    """``wsgi.errors``: text written here lands in the error log, one entry per line."""

    def __init__(self, log_line):
        self._log_line = log_line
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            lines = (self._pending + text).split("\n")
            self._pending = lines.pop()
        for line in lines:
            self._log_line(line)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, ""
        if pending:
            self._log_line(pending)

    def close(self) -> None:
        self.flush()


def serving_flags(server_environ: dict) -> tuple[bool, bool]:
    """(wsgi.multithread, wsgi.multiprocess): what the serving back-end says, else the
    process model it recorded at start-up (Apache's MPM query in mod_python)."""
    from .. import process_model

    multithread = server_environ.get("wsgi.multithread")
    multiprocess = server_environ.get("wsgi.multiprocess")
    if multithread is None:
        multithread = process_model.threads > 1
    if multiprocess is None:
        multiprocess = process_model.processes > 1
    return bool(multithread), bool(multiprocess)


def run_application(req, application, environ: dict, start_response, started=None) -> None:
    """Call the application and write what it returns; ``close()`` runs whatever happens.

    With ``started`` (a callable saying whether start_response was called), PEP 3333 is
    enforced as mod_wsgi does: byte strings only, and nothing written before the status.
    """
    response = None
    allowed = None  # mod_wsgi: bytes past the declared Content-Length are not sent
    try:
        response = application(environ, start_response)
        for chunk in response:
            if started is not None:
                _check_chunk(chunk, started)
                if allowed is None:
                    allowed = _declared_length(req)
                if allowed >= 0:
                    chunk = chunk[:allowed]
                    allowed -= len(chunk)
            if chunk:
                req.write(chunk)
            if allowed == 0:
                break
        if started is not None and not started():
            raise RuntimeError("response has not been started")
    finally:
        # PEP 3333: close() is called even when the iteration failed part-way.
        if type(response) not in (list, tuple):
            close = getattr(response, "close", None)
            if close is not None:
                close()


def _declared_length(req) -> int:
    """The application's Content-Length, or -1 when it declared none (or nonsense)."""
    value = req.headers_out.get("Content-Length")
    try:
        return int(value) if value is not None else -1
    except ValueError:
        return -1


def _check_chunk(chunk, started) -> None:
    if not isinstance(chunk, bytes):
        raise TypeError(
            f"sequence of byte string values expected, value of type {type(chunk).__name__} found"
        )
    if not started():
        raise RuntimeError("response has not been started")


__all__ = ["ErrorStream", "FileWrapper", "RequestInput", "run_application", "serving_flags"]
