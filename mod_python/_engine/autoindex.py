"""mod_autoindex's plain listing (``Options Indexes``), byte for byte as httpd 2.4 writes it
without FancyIndexing: a ``<ul>`` of entries sorted by name, ``?O=D`` reversing the order.
"""

from __future__ import annotations

import html
import os
import re
from urllib.parse import quote

from .constants import OK

_SAFE = "!$&'()*+,-.:;=@_~"
_HEX = re.compile(r"%[0-9A-F]{2}")

_HEAD = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n'
    "<html>\n <head>\n  <title>Index of {title}</title>\n </head>\n <body>\n"
    "<h1>Index of {title}</h1>\n<ul>"
)


def _href(name: str) -> str:
    return _HEX.sub(lambda found: found.group(0).lower(), quote(name, safe=_SAFE))


def _descending(args: str | None) -> bool:
    for part in re.split("[;&]", args or ""):
        key, _, value = part.partition("=")
        if key == "O" and value == "D":
            return True
    return False


def listing(req) -> int:
    """Write the index of the directory ``req.filename`` (the URI ends in "/")."""
    directory = req.filename
    try:
        names = [name for name in os.listdir(directory) if name not in (".", "..")]
    except OSError:
        req.log_error(f"AH01275: Can't open directory for index: {directory}")
        return 403
    entries = []
    for name in sorted(names, reverse=_descending(req.args)):
        slash = "/" if os.path.isdir(os.path.join(directory, name)) else ""
        href = html.escape(_href(name) + slash)
        entries.append(f'<li><a href="{href}"> {html.escape(name + slash, False)}</a></li>\n')
    title = html.escape(req.uri.rstrip("/") or "/", False)
    body = _HEAD.format(title=title)
    if req.uri != "/":
        parent = req.uri.rstrip("/").rpartition("/")[0] + "/"
        body += f'<li><a href="{html.escape(parent)}"> Parent Directory</a></li>\n'
    body += "".join(entries) + "</ul>\n</body></html>\n"
    req.content_type = "text/html;charset=ISO-8859-1"
    data = body.encode("latin-1", "xmlcharrefreplace")
    req.headers_out["Content-Length"] = str(len(data))
    req.write(data, 0)
    return OK


__all__ = ["listing"]
