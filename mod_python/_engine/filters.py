"""Apache filters as mod_python shows them: chains, the ``mp_filter`` object, dispatch.

A request gets an :class:`OutputChain` or :class:`InputChain` only when a filter is added
to it, so a request without filters allocates nothing here. Data moves as *brigades*:
lists whose items are ``bytes`` chunks and the two markers :data:`FLUSH` and :data:`EOS`.

Output: ``req.write`` -> the chain's write buffer (Apache's OLD_WRITE, 8000 bytes) ->
each stage in order -> the ResponseWriter. A Python filter's function is called once per
brigade and sees the end of the response as ``filter.read()`` returning None.

Input: ``req.read`` asks the chain for up to N bytes; the first stage pulls from the next
one, the last one from the request body itself.
"""

from __future__ import annotations

import os
from collections import deque

from .errors import report_error
from .exceptions import SERVER_RETURN
from .importer import apply_python_path, import_module, prepend_handler_directory, resolve_object
from .interpreters import running_in
from .output import ClientGone
from .phases import interpreter_name


class _Marker:
    """A metadata bucket: FLUSH or EOS."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


FLUSH = _Marker("FLUSH")
EOS = _Marker("EOS")

# apr_brigade_write: unflushed writes gather in one 8000-byte heap bucket; a write that
# does not fit in what is left of it sends the bucket and the write downstream together.
WRITE_BUFFER_SIZE = 8000

# The name every filter added with req.register_*_filter runs under (mod_python's
# generic filter), as ``filter.name`` reports it.
GENERIC_FILTER_NAME = "mod_python"


def _as_bytes(data) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes):
        return data
    try:
        return memoryview(data).tobytes()
    except TypeError:
        raise TypeError("Argument to write() must be a string") from None


class PythonFilter:
    """One Python filter active in one request (Apache's ``ap_filter_t`` and its context)."""

    __slots__ = ("name", "handler", "directory", "is_input", "transparent", "leftover")

    def __init__(self, name: str, handler: str, directory: str | None, is_input: bool):
        self.name = name
        self.handler = handler
        self.directory = directory
        self.is_input = is_input
        self.transparent = False  # set by filter.disable(): data passes, Python is not called
        # Data the function left unread in its brigade: handed to it again next time
        # (httpd drops it; keeping it means a filter never loses bytes).
        self.leftover: deque = deque()

    # ---- output --------------------------------------------------------------------------

    def pass_brigade(self, chain: OutputChain, index: int, brigade: list) -> None:
        if self.transparent:
            chain.pass_from(index + 1, brigade)
            return
        incoming = self.leftover
        incoming.extend(brigade)
        self.leftover = deque()
        filter_object = Filter(self, chain, index, incoming)
        dispatch(filter_object, chain.req)
        # What the function did not read waits for its next call (flush markers excepted).
        rest = filter_object._incoming
        if rest and not (len(rest) == 1 and rest[0] is FLUSH):
            self.leftover = rest

    # ---- input ---------------------------------------------------------------------------

    def get_brigade(self, chain: InputChain, index: int, readbytes: int) -> list:
        if self.transparent:
            return chain.get_from(index + 1, readbytes)
        filter_object = Filter(self, chain, index, self.leftover, readbytes)
        self.leftover = deque()
        dispatch(filter_object, chain.req)
        self.leftover = filter_object._incoming
        return filter_object._outgoing


class Filter:
    """``mp_filter``: what a Python filter function receives, one per call (SPEC 5.3)."""

    __slots__ = ("_stage", "_chain", "_index", "_incoming", "_outgoing", "_closed",
                 "_readbytes", "req", "softspace")  # fmt: skip

    def __init__(self, stage: PythonFilter, chain, index: int, incoming: deque,
                 readbytes: int = -1):  # fmt: skip
        self._stage = stage
        self._chain = chain
        self._index = index
        self._incoming = incoming
        self._outgoing: list = []
        self._closed = 0
        self._readbytes = readbytes
        self.req = chain.req
        self.softspace = 0

    closed = property(lambda self: self._closed)
    name = property(lambda self: self._stage.name)
    is_input = property(lambda self: int(self._stage.is_input))
    handler = property(lambda self: self._stage.handler)
    dir = property(lambda self: self._stage.directory)

    @property
    def parent(self):
        """The filter's registration (Apache's filter record): what the chain holds."""
        return self._stage

    def __delattr__(self, name: str) -> None:
        raise AttributeError("can't delete filter attributes")

    def __repr__(self) -> str:
        return f"<mp_filter {self._stage.name!r} at {id(self):#x}>"

    # ---- reading -------------------------------------------------------------------------

    def _fetch(self) -> bool:
        """Input filters: pull the next brigade from upstream; False when it was empty."""
        brigade = self._chain.get_from(self._index + 1, self._readbytes)
        self._incoming.extend(brigade)
        return bool(brigade)

    def _read(self, length: int, line: bool):
        if self._closed:
            raise ValueError("I/O operation on closed filter")
        incoming = self._incoming
        is_input = self._stage.is_input
        if is_input and not incoming:
            self._fetch()
        if not incoming:
            return b""
        if incoming[0] is EOS:
            incoming.popleft()
            return None
        parts: list[bytes] = []
        have = 0
        while length < 0 or have < length:
            if not incoming:
                if not is_input or not self._fetch():
                    break
                continue
            item = incoming[0]
            if item is EOS:
                break
            if item is FLUSH:
                if not parts:
                    incoming.popleft()  # a flush ends what one read() returns
                break
            take = len(item) if length < 0 else min(len(item), length - have)
            if line:
                newline = item.find(b"\n", 0, take)
                if newline >= 0:
                    take = newline + 1
            if take < len(item):
                parts.append(item[:take])
                incoming[0] = item[take:]
            else:
                parts.append(item)
                incoming.popleft()
            have += take
            if line and parts[-1].endswith(b"\n"):
                break
        return b"".join(parts)

    def read(self, length: int = -1):
        """Bytes up to ``length`` (all up to the next flush by default); None at the end."""
        return self._read(length, False)

    def readline(self, length: int = -1):
        """Like ``read`` but stops after the first newline."""
        return self._read(length, True)

    # ---- writing -------------------------------------------------------------------------

    def write(self, data) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed filter")
        data = _as_bytes(data)
        if data:
            self._outgoing.append(data)

    def _send(self) -> None:
        if not self._stage.is_input:
            brigade, self._outgoing = self._outgoing, []
            self._chain.pass_from(self._index + 1, brigade)

    def flush(self) -> None:
        """Mark a flush; an output filter passes what it wrote downstream now."""
        self._outgoing.append(FLUSH)
        try:
            self._send()
        except ClientGone:
            raise  # the engine ends the request quietly
        except OSError:
            raise OSError("Flush failed.") from None

    def close(self) -> None:
        """End of stream: passed downstream (output) or to the reader (input). Idempotent."""
        if not self._closed:
            self._outgoing.append(EOS)
            self._send()
            self._closed = 1

    def pass_on(self) -> None:
        """Let the data through untouched."""
        if self._stage.is_input:
            self._outgoing.extend(self._chain.get_from(self._index + 1, self._readbytes))
        else:
            brigade = list(self._incoming)
            self._incoming.clear()
            self._chain.pass_from(self._index + 1, brigade)

    def disable(self) -> None:
        """Pass data through without calling Python any more (before an error page)."""
        self._stage.transparent = True


def dispatch(filter_object: Filter, req) -> None:
    """mod_python's FilterDispatch: import, call once, flush unless closed, report errors."""
    stage = filter_object._stage
    config = req._config if req._config is not None else req._vhost.config
    directives = config.directives
    debug = directives.get("PythonDebug") == "1"
    name = interpreter_name(req, config, stage.directory, "filter")
    with running_in(name):
        try:
            module_name, _, object_name = stage.handler.partition("::")
            if not object_name:
                object_name = "inputfilter" if stage.is_input else "outputfilter"
            python_path = directives.get("PythonPath")
            if python_path:
                apply_python_path(python_path)
            elif stage.directory:
                prepend_handler_directory(stage.directory)
            autoreload = directives.get("PythonAutoReload") != "0"
            module = import_module(module_name, autoreload=autoreload, log=debug)
            target = resolve_object(module, object_name, arg=filter_object)
            target(filter_object)
            if not filter_object._closed:
                filter_object.flush()
        except ClientGone:
            raise
        except SERVER_RETURN as returned:
            args = returned.args
            result = args[0] if args else None
            if len(args) == 2 and args[1]:
                req.status = args[1]
            if type(result) is not int:
                req.server.log_error(
                    "Value raised with SERVER_RETURN is invalid. It is a "
                    f"{type(result)}, but it must be a tuple or an int."
                )
        except Exception as error:  # noqa: BLE001 - filter errors go to the one reporter
            filter_object.disable()

            def show(text: str) -> None:
                if not filter_object._closed:
                    filter_object.write(text)
                    filter_object.flush()

            report_error(error, req, stage.name, stage.handler, debug, write=show)


class OutputChain:
    """A request's output filters, between ``req.write`` and the ResponseWriter."""

    __slots__ = ("req", "stages", "_buffer", "_buffered", "ended")

    def __init__(self, req):
        self.req = req
        self.stages: list = []
        self._buffer: list[bytes] = []
        self._buffered = 0
        self.ended = False

    def add(self, stage) -> None:
        self.stages.append(stage)

    def write(self, data: bytes, flush: bool) -> None:
        """``ap_rwrite`` (+ ``ap_rflush``): small writes gather, big ones go at once."""
        if len(data) > WRITE_BUFFER_SIZE - self._buffered:
            brigade = self._take_buffer()
            brigade.append(data)
            if flush:
                brigade.append(FLUSH)
            self.pass_from(0, brigade)
            return
        self._buffer.append(data)
        self._buffered += len(data)
        if flush:
            self.flush()

    def flush(self) -> None:
        brigade = self._take_buffer()
        brigade.append(FLUSH)
        self.pass_from(0, brigade)

    def finish(self) -> None:
        """The content is complete: what is buffered, then end of stream, go down the chain."""
        if self.ended:
            return
        brigade = self._take_buffer()
        brigade.append(EOS)
        self.pass_from(0, brigade)
        self.ended = True

    def discard(self) -> None:
        """An error page replaces what was written and not yet passed on (ap_die)."""
        self._take_buffer()

    def _take_buffer(self) -> list:
        brigade, self._buffer, self._buffered = self._buffer, [], 0
        return brigade

    def pass_from(self, index: int, brigade: list) -> None:
        """Hand ``brigade`` to stage ``index``; past the last stage it reaches the writer."""
        if not brigade:
            return
        if index < len(self.stages):
            self.stages[index].pass_brigade(self, index, brigade)
            return
        writer = self.req._writer
        for item in brigade:
            if item is FLUSH:
                writer.flush()
            elif item is EOS:
                self.ended = True
            elif not self.ended:
                writer.write(item, False)


class InputChain:
    """A request's input filters, between ``req.read`` and the request body."""

    __slots__ = ("req", "stages", "started", "ended")

    def __init__(self, req):
        self.req = req
        self.stages: list = []
        self.started = False
        self.ended = False

    def add(self, stage) -> None:
        self.stages.append(stage)

    def read(self, size: int) -> bytes:
        """Up to about ``size`` filtered bytes; b"" at the end (or when a call gave none)."""
        if self.ended:
            return b""
        if not self.started:
            self.started = True
            if self.req._remaining == 0:  # no body: ap_should_client_block says no read
                self.ended = True
                return b""
        brigade = self.get_from(0, size)
        data = []
        for item in brigade:
            if item is EOS:
                self.ended = True
                break
            if item is not FLUSH:
                data.append(item)
        return b"".join(data)

    def get_from(self, index: int, readbytes: int) -> list:
        if index < len(self.stages):
            return self.stages[index].get_brigade(self, index, readbytes)
        data = self.req._read_wire(readbytes if readbytes > 0 else 65536)
        return [data] if data else [EOS]


# ---- adding filters to a request ----------------------------------------------------------

# Apache's own filters that need no stage here: the writer computes Content-Length itself.
_BUILT_IN_NO_OPS = frozenset({"content_length"})


def register_filter(req, name: str, handler: str, directory: str | None, is_input: bool) -> None:
    """``req.register_*_filter``: a Python filter this request may add by ``name``."""
    if not isinstance(name, str) or not isinstance(handler, str):
        raise TypeError("filter name and handler must be strings")
    if directory is not None:  # canonical, with a trailing slash (as req.add_handler's)
        directory = os.path.normpath(directory).rstrip("/") + "/"
    if req._registered_filters is None:
        req._registered_filters = {}
    req._registered_filters[(is_input, name.lower())] = (handler, directory)


def add_filter(req, name: str, is_input: bool) -> None:
    """``req.add_*_filter`` and the filter directives: put filter ``name`` on the chain.

    A name registered in this request runs as the generic ``mod_python`` filter; then the
    PythonInputFilter/PythonOutputFilter names of the request's config; then Apache's
    INCLUDES. Anything else is logged and left out, as Apache does.
    """
    if not isinstance(name, str):
        raise TypeError("filter name must be a string")
    key = name.lower()
    stage = None
    registered = req._registered_filters
    if registered is not None and (is_input, key) in registered:
        handler, directory = registered[(is_input, key)]
        stage = PythonFilter(GENERIC_FILTER_NAME, handler, directory, is_input)
    else:
        config = req._config if req._config is not None else req._vhost.config
        entry = (config.input_filters if is_input else config.output_filters).get(key)
        if entry is not None:
            stage = PythonFilter(entry.name, entry.handler, entry.directory, is_input)
        elif key == "includes" and not is_input:
            from .ssi import IncludesFilter  # only pages with server-side includes need it

            stage = IncludesFilter(req)
        elif key in _BUILT_IN_NO_OPS:
            return
    if stage is None:
        req.log_error(f"AH00082: an unknown filter was not added: {name}")
        return
    if is_input:
        if req._input_chain is None:
            req._input_chain = InputChain(req)
        req._input_chain.add(stage)
    else:
        if req._output_chain is None:
            req._output_chain = OutputChain(req)
        req._output_chain.add(stage)


def insert_configured_filters(req, config) -> None:
    """The insert_filter hook, just before the content handler: SetOutputFilter and
    SetInputFilter (core), then AddOutputFilter/AddInputFilter by file extension (mod_mime)."""
    for is_input, by_extension in ((False, config.add_output_filters),
                                   (True, config.add_input_filters)):  # fmt: skip
        if not by_extension:
            continue
        names = list(by_extension.get("*", ()))
        filename = req.filename
        if filename:
            suffix = filename.rpartition("/")[2].partition(".")[2].lower()
            for part in suffix.split(".") if suffix else ():
                names.extend(by_extension.get("." + part, ()))
        for name in names:
            add_filter(req, name, is_input)
