"""Form parsing: util.FieldStorage against multipart, Werkzeug and legacy cgi, in one process.

Two workloads, each parser reading the body from a stream as a WSGI server hands it over:

* a 100 MiB file upload (multipart/form-data, body in a file on disk): throughput in MiB/s
  (best of ``--runs``, tracing off) and peak Python memory (tracemalloc, one more run);
  targets for ours: >= 200 MiB/s and < 32 MiB peak;
* small urlencoded forms (five fields, ~100 bytes): forms parsed per second; target for
  ours: >= 10,000/s.

    python benchmarks/forms.py [--size-mib 100] [--runs 3] [--forms 20000]

Times are CPU time of this process (``time.process_time``), so other load on the machine
disturbs the comparison less. Ours is ``util.FieldStorage`` over a minimal request (``read`` from the stream, options,
cleanups), so the figures are the parser's and not the engine's request cycle.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import tempfile
import time
import tracemalloc
import warnings

from mod_python._engine.forms.storage import FieldStorage
from mod_python._engine.table import table

BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
SMALL_FORM = b"name=John+Doe&email=john%40example.com&age=42&comment=Hello%2C+world%21&submit=Send"


class StreamRequest:
    """What FieldStorage needs of a request: headers, ``read`` and cleanups."""

    def __init__(self, stream, content_type: str, length: int) -> None:
        self.args = None
        self.method = "POST"
        self.headers_in = table._from_pairs(
            [("Content-Type", content_type), ("Content-Length", str(length))]
        )
        self._stream = stream
        self._options = table()
        self.cleanups = []

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def get_options(self) -> table:
        return self._options

    def register_cleanup(self, function, data=None) -> None:
        self.cleanups.append((function, data))

    def log_error(self, message, level=None) -> None:
        pass

    def end(self) -> None:
        for function, data in self.cleanups:
            function(data)


def environ_for(stream, content_type: str, length: int) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(length),
        "wsgi.input": stream,
    }


# ---- one parse of a body per parser: returns the uploaded size (checked by the caller) ----


def ours(stream, content_type, length):
    req = StreamRequest(stream, content_type, length)
    form = FieldStorage(req)
    size = sum(_file_size(field.file) for field in form.list if field.filename)
    fields = len(form.list)
    req.end()
    return size, fields


def multipart_pypi(stream, content_type, length):
    import multipart

    forms, files = multipart.parse_form_data(
        environ_for(stream, content_type, length), strict=True,
        disk_limit=1 << 40, memory_limit=1 << 40, partsize_limit=1 << 40,
    )  # fmt: skip
    size = sum(part.size for part in files.values())
    count = len(forms) + len(files)
    for part in files.values():
        part.close()
    return size, count


def werkzeug_parser(stream, content_type, length):
    from werkzeug.formparser import parse_form_data

    _, form, files = parse_form_data(environ_for(stream, content_type, length))
    size = sum(_file_size(storage.stream) for storage in files.values())
    count = len(form) + len(files)
    for storage in files.values():
        storage.close()
    return size, count


def legacy_cgi(stream, content_type, length):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import cgi

        environ = environ_for(stream, content_type, length)
        form = cgi.FieldStorage(fp=stream, environ=environ, keep_blank_values=True)
    items = form.list or []
    size = sum(_file_size(item.file) for item in items if item.filename)
    count = len(items)
    for item in items:
        if item.file is not None:
            item.file.close()
    return size, count


PARSERS = [
    ("mod_python util.FieldStorage (ours)", ours),
    ("multipart (PyPI)", multipart_pypi),
    ("Werkzeug formparser", werkzeug_parser),
    ("legacy cgi.FieldStorage", legacy_cgi),
]


def _file_size(file) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


# ---- workloads -------------------------------------------------------------------------------


def upload_body_file(size: int) -> tuple[str, int]:
    """A file holding a multipart body with one ``size``-byte upload and a text field."""
    handle = tempfile.NamedTemporaryFile(prefix="forms-bench-", delete=False)  # noqa: SIM115
    with handle:
        handle.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nholiday\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; '
            f'filename="video.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        block = os.urandom(1 << 20)
        written = 0
        while written < size:
            chunk = block[: size - written]
            handle.write(chunk)
            written += len(chunk)
        handle.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return handle.name, os.path.getsize(handle.name)


def time_upload(parser, path: str, length: int, expected: int) -> float:
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    with open(path, "rb") as stream:
        gc.collect()
        started = time.process_time()
        size, fields = parser(stream, content_type, length)
        elapsed = time.process_time() - started
    if size != expected or fields != 2:
        raise AssertionError(f"{parser.__name__}: got {size} bytes in {fields} fields")
    return elapsed


def peak_upload_memory(parser, path: str, length: int) -> int:
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    with open(path, "rb") as stream:
        gc.collect()
        tracemalloc.start()
        try:
            parser(stream, content_type, length)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def small_forms_round(parser, count: int) -> float:
    """Forms per second over one round of ``count`` forms."""
    content_type = "application/x-www-form-urlencoded"
    length = len(SMALL_FORM)
    started = time.process_time()
    for _ in range(count):
        _, fields = parser(io.BytesIO(SMALL_FORM), content_type, length)
    rate = count / (time.process_time() - started)
    if fields != 5:
        raise AssertionError(f"{parser.__name__}: {fields} fields")
    return rate


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size-mib", type=int, default=100)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--forms", type=int, default=20_000)
    args = options.parse_args()
    size = args.size_mib << 20
    per_round = max(args.forms // 10, 1)
    path, length = upload_body_file(size)
    # Rounds go round-robin over the parsers and each keeps its best, so a burst of other
    # load on the machine does not favour whichever parser ran at a quiet moment.
    upload_times: dict[str, list[float]] = {label: [] for label, _ in PARSERS}
    form_rates: dict[str, list[float]] = {label: [] for label, _ in PARSERS}
    peaks = {}
    try:
        for _ in range(args.runs):
            for label, parser in PARSERS:
                upload_times[label].append(time_upload(parser, path, length, size))
        for label, parser in PARSERS:
            peaks[label] = peak_upload_memory(parser, path, length)
        for _ in range(10):
            for label, parser in PARSERS:
                form_rates[label].append(small_forms_round(parser, per_round))
    finally:
        os.unlink(path)
    print(
        f"{args.size_mib} MiB upload (best of {args.runs}) and small urlencoded forms"
        f" (best of 10 rounds of {per_round})"
    )
    print(f"{'parser':<38} {'upload MiB/s':>13} {'peak MiB':>9} {'small forms/s':>14}")
    for label, _ in PARSERS:
        throughput = size / (1 << 20) / min(upload_times[label])
        peak, rate = peaks[label] / (1 << 20), max(form_rates[label])
        print(f"{label:<38} {throughput:>13.0f} {peak:>9.1f} {rate:>14,.0f}")
    print("targets for ours: >= 200 MiB/s, < 32 MiB peak, >= 10,000 forms/s")


if __name__ == "__main__":
    main()
