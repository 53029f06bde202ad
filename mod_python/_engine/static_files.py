"""Apache's default handler: what answers when no content handler takes the request."""

from __future__ import annotations

from .constants import (
    APR_DIR,
    APR_NOFILE,
    APR_REG,
    HTTP_FORBIDDEN,
    HTTP_METHOD_NOT_ALLOWED,
    HTTP_NOT_FOUND,
    OK,
)  # fmt: skip

_CHUNK = 256 * 1024


def serve_static(req) -> int:
    """Serve ``req.filename`` as a file, or the status Apache's default handler returns."""
    info = req.finfo
    if req.filename is None or info.filetype == APR_NOFILE:
        req.log_error(f"AH00128: File does not exist: {req.filename}", 3)
        return HTTP_NOT_FOUND
    if info.filetype == APR_DIR:
        return HTTP_NOT_FOUND
    if info.filetype != APR_REG:
        return HTTP_FORBIDDEN
    if req.path_info:
        return HTTP_NOT_FOUND  # AcceptPathInfo Default: the default handler refuses path info
    if req.method not in ("GET", "HEAD", "POST"):  # httpd's default handler serves POST too
        req.allow_methods(["OPTIONS", "HEAD", "GET", "POST"], reset=1)
        return HTTP_METHOD_NOT_ALLOWED
    req.update_mtime(info._st.st_mtime)  # the stat result the directory walk made
    req.set_last_modified()
    req.set_etag()
    req.headers_out["Accept-Ranges"] = "bytes"
    size = info.size
    condition = req.meets_conditions()
    if condition != OK:
        return condition
    # Sent with the file's length; a large file streams in chunks after the headers.
    req.headers_out["Content-Length"] = str(size)
    stream = size > _CHUNK
    left = size  # no more than announced (a file growing meanwhile), and no extra read
    with open(req.filename, "rb") as handle:
        while left > 0:
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            req.write(chunk, stream)
    return OK
