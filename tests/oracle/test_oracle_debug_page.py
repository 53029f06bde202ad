"""PythonDebug On: the traceback page.

The frames inside each server's own dispatcher differ (the oracle's name its apache.py and
its line numbers), so the page is compared around them: everything before the first frame,
the frames in the handler file, the exception line and the end of the page.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.oracle


def page_outline(body: bytes, handler_file: str) -> dict:
    """The page cut into the traceback chunks mod_python writes (each followed by "\\n")."""
    head, marker, rest = body.decode("utf-8").partition("Traceback (most recent call last):\n")
    chunks = rest.split("\n\n")
    return {
        "head": head + marker,
        "handler_frames": [c for c in chunks if c.startswith(f"  File &quot;{handler_file}&quot;")],
        "exception": chunks[-2],
        "end": chunks[-1],
    }


def test_exception_with_debug_on_sends_the_traceback_page(servers):
    ours, oracle = servers.exchange("GET", "/debug_error")
    assert ours.status_line == oracle.status_line == "HTTP/1.1 500 Internal Server Error"
    assert ours.header("Content-Type") == oracle.header("Content-Type") == "text/html"
    assert ours.header("Content-Length") is oracle.header("Content-Length") is None
    assert ours.framing == oracle.framing == "chunked"
    handler_file = str(servers.docroot / "oracle_cases.py")
    mine = page_outline(ours.body, handler_file)
    assert mine == page_outline(oracle.body, handler_file), servers.logs_tail()
    assert mine["head"] == (
        '\n<pre>\nMod_python error: "PythonHandler oracle_cases::raise_error"\n\n'
        "Traceback (most recent call last):\n"
    )
    assert len(mine["handler_frames"]) == 1
    # html.escape as apache.py calls it: quotes are escaped too.
    assert mine["exception"] == (
        "ValueError: boom &lt;&amp;&gt; &quot;quoted&quot; &#x27;single&#x27;"
    )
    assert mine["end"] == "</pre>\n"
