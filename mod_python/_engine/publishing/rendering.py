"""Turning what a published object is, or returns, into the response body (SPEC 7.4).

A callable is called with the form fields (``util.apply_fs_data``, which decodes the
bytes names of POSTed fields so they bind) and its result published in turn; None writes
nothing; anything else is written. Differences from mod_python's Python 3 port, which
writes ``str(result)`` whatever it is:

* bytes are written as they are (the port writes ``b'...'``);
* generators, other iterators and dict views are streamed item by item, each item flushed
  (the port writes ``<generator object ...>``; mod_python 3.2 took iteration out meaning to
  bring it back). Lists, tuples, sets and dicts are still written with ``str()``, as the port does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, ItemsView, Iterator, KeysView, ValuesView
from typing import Any

from ..forms.binding import apply_fs_data
from .auth import is_callable

#: How many times a result may be a callable to call again (a loop would never end).
MAX_CALL_CHAIN = 64

# mod_python's guess: HTML when the output ends with a closing html tag.
_HTML_END = re.compile(r"</html\s*>\s*$", re.IGNORECASE)
# For a stream only the first piece is known when the type must be chosen.
_HTML_START = re.compile(r"\s*<(!doctype\s+html|html[\s>])", re.IGNORECASE)


def guess_content_type(req, text: str, streamed: bool = False) -> None:
    """Set text/html or text/plain unless handler code has already set a content type."""
    if req._content_type_set:
        return
    start = max(len(text) - 100, 0)
    looks_html = ("<" in text[start:] and _HTML_END.search(text, start)) or (
        streamed and _HTML_START.match(text)
    )
    req.content_type = "text/html" if looks_html else "text/plain"


def _as_text(value: Any) -> str | bytes:
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return str(value)


def _text_view(data: str | bytes) -> str:
    """Text to guess the type from: bytes as Latin-1, their head and tail when long."""
    if isinstance(data, str):
        return data
    if len(data) > 400:
        data = data[:200] + data[-200:]
    return data.decode("latin-1")


def _is_stream(obj: Any) -> bool:
    return isinstance(obj, (Iterator, KeysView, ValuesView, ItemsView))


def _write_stream(req, items: Any) -> bool:
    wrote = False
    for item in items:
        if item is None:
            continue
        data = _as_text(item)
        if not data:
            continue
        if not wrote:
            guess_content_type(req, _text_view(data), streamed=True)
            wrote = True
        req.write(data)
    return wrote


def publish_object(req, obj: Any, form_for: Callable[[Any], Any]) -> bool:
    """Publish ``obj``; True when something was written. ``form_for(req)`` builds the form."""
    calls = 0
    while type(obj) is not str and is_callable(obj):  # (no str is callable: the usual result)
        calls += 1
        if calls > MAX_CALL_CHAIN:
            # mod_python recursed until Python's recursion limit (a 500); so do we, sooner.
            raise RuntimeError(f"published object returned callables {MAX_CALL_CHAIN} times")
        # One FieldStorage per request: the body can only be read once. mod_python builds a
        # new one at each call; we keep one a handler before us may have left in req.form.
        form = req.__dict__.get("form")
        if form is None or not hasattr(form, "list"):
            form = req.form = form_for(req)
        obj = apply_fs_data(obj, form, req=req)
    if obj is None:
        return False
    if type(obj) is str:
        data: str | bytes = obj
        text = obj
    elif _is_stream(obj):
        return _write_stream(req, obj)
    else:
        data = _as_text(obj)
        text = _text_view(data)
    guess_content_type(req, text)
    # Not flushed: a body complete before the handler returns goes out with a
    # Content-Length, and HEAD output is dropped by the writer, not here.
    req.write(data, 0)
    return True
