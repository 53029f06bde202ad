"""httpd 2.4's built-in error documents (what ``ap_send_error_response`` writes).

The page is the same frame for every status, around a status-specific message. Messages
that quote the request use ``{method}``, ``{location}``, ``{admin}`` and ``{uri}``.
"""

from __future__ import annotations

import html

from .status_lines import REASONS

_FRAME = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n'
    "<html><head>\n<title>{line}</title>\n</head><body>\n<h1>{reason}</h1>\n{message}</body></html>\n"
)

_INTERNAL_ERROR = (
    "<p>The server encountered an internal error or\n"
    "misconfiguration and was unable to complete\n"
    "your request.</p>\n"
    "<p>Please contact the server administrator at \n"
    " {admin} to inform them of the time this error occurred,\n"
    " and the actions you performed just before this error.</p>\n"
    "<p>More information about this error may be available\n"
    "in the server error log.</p>\n"
)

MESSAGES: dict[int, str] = {
    301: '<p>The document has moved <a href="{location}">here</a>.</p>\n',
    302: '<p>The document has moved <a href="{location}">here</a>.</p>\n',
    303: '<p>The answer to your request is located <a href="{location}">here</a>.</p>\n',
    307: '<p>The document has moved <a href="{location}">here</a>.</p>\n',
    308: '<p>The document has moved <a href="{location}">here</a>.</p>\n',
    400: "<p>Your browser sent a request that this server could not understand.<br />\n</p>\n",
    401: (
        "<p>This server could not verify that you\n"
        "are authorized to access the document\n"
        "requested.  Either you supplied the wrong\n"
        "credentials (e.g., bad password), or your\n"
        "browser doesn't understand how to supply\n"
        "the credentials required.</p>\n"
    ),
    403: "<p>You don't have permission to access this resource.</p>\n",
    404: "<p>The requested URL was not found on this server.</p>\n",
    405: "<p>The requested method {method} is not allowed for this URL.</p>\n",
    411: "<p>A request of the requested method {method} requires a valid Content-length.<br />\n</p>\n",
    412: "<p>The precondition on the request\nfor this URL evaluated to false.</p>\n",
    413: (
        "The requested resource does not allow request data with {method} requests, "
        "or the amount of data provided in\nthe request exceeds the capacity limit.\n"
    ),
    500: _INTERNAL_ERROR,
    501: "<p>{method} not supported for current URL.<br />\n</p>\n",
    503: (
        "<p>The server is temporarily unable to service your\n"
        "request due to maintenance downtime or capacity\n"
        "problems. Please try again later.</p>\n"
    ),
}

# Statuses after which httpd closes the connection ("Connection: close").
CLOSES_CONNECTION = frozenset({400, 408, 411, 413, 414, 500, 501, 503})


def canonical_status(status: int) -> int:
    """httpd answers a status it has no line for as a 500."""
    return status if status in REASONS else 500


def error_page(status: int, method: str, location: str | None, admin: str, uri: str) -> str:
    status = canonical_status(status)
    message = MESSAGES.get(status, _INTERNAL_ERROR)
    message = message.format(
        method=html.escape(method), location=html.escape(location or ""), admin=admin,
        uri=html.escape(uri),
    )  # fmt: skip
    return _FRAME.format(
        line=f"{status} {REASONS[status]}", reason=REASONS[status], message=message
    )
