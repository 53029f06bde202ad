"""``util.redirect``: answer with a redirect from inside any phase, then stop the request."""

from __future__ import annotations

import html

from .constants import DONE, HTTP_MOVED_PERMANENTLY, HTTP_MOVED_TEMPORARILY
from .exceptions import SERVER_RETURN

# Browsers treat a backslash like a slash and ignore leading spaces/controls, so "/\evil"
# and " //evil" also leave the site.
_SCHEME_RELATIVE = ("//", "/\\", "\\/", "\\\\")


def check_location(location: str) -> None:
    """Refuse a Location that would inject headers or silently send the client elsewhere.

    Control characters (CR/LF split the header) are never allowed. A scheme-relative
    location (``//host/...``) leaves the site; a caller who means that writes the
    absolute URL (``https://host/...``).
    """
    if any(ord(char) < 32 or ord(char) == 127 for char in location):
        raise ValueError(f"redirect location contains a control character: {location!r}")
    if location.lstrip(" ").startswith(_SCHEME_RELATIVE):
        raise ValueError(
            f"redirect location {location!r} is scheme-relative and would leave the site;"
            " pass an absolute URL if that is meant"
        )


def redirect(req, location, permanent=0, text=None):
    """Send a 302 (301 if ``permanent``) to ``location`` and end the request (DONE)."""
    if not isinstance(location, str):
        raise TypeError("location must be of type str")
    if req.sent_bodyct:
        raise OSError("Cannot redirect after headers have already been sent.")
    check_location(location)
    req.err_headers_out["Location"] = location
    req.status = HTTP_MOVED_PERMANENTLY if permanent else HTTP_MOVED_TEMPORARILY
    if text is None:
        # mod_python put the location in the page unescaped; a quote in it broke out of href.
        href = html.escape(location)
        text = f'<p>The document has moved <a href="{href}">here</a></p>\n'
    req.write(text)
    raise SERVER_RETURN(DONE)
