"""httpd 2.4's built-in error documents (what ``ap_send_error_response`` writes).

The page is the same frame for every status, around a status-specific message. The
messages were captured from the real server (Apache 2.4 + mod_python 3.5, a handler
returning each code; ``tests/oracle/test_oracle_error_pages.py`` keeps them honest).

Placeholders in ``MESSAGES``: ``{method}`` and ``{location}`` are HTML-escaped the way
httpd's ``ap_escape_html`` does it (``< > & "``); ``{error_notes}`` and ``{variant_list}``
are the request notes of those names, inserted as they are (httpd does not escape them);
``{expectation}`` is the opening of the 417 text, which depends on the ``Expect`` header.
500 and every other status without an entry get the internal-error text (with the server
admin), as does every number httpd has no status line for.

What the real server showed: the method is quoted by 405, 411, 413 and 501; the Location
by 301, 302, 303, 307 and 308 (not 305); no page quotes the URI any more; the admin only
appears in the internal-error text, which 402, 409, 505 and any 1xx/2xx code returned as
a result get under their own status line, and every number without a line (418, 425, 299,
599...) gets under the 500 line. ``Connection: close`` follows 400, 408, 411, 413, 414,
500, 501 and 503 (the number the handler returned, so 299 keeps the connection).
"""

from __future__ import annotations

from collections.abc import Mapping

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

_MOVED = '<p>The document has moved <a href="{location}">here</a>.</p>\n'

_NOT_AUTHORIZED = (
    "<p>This server could not verify that you\n"
    "are authorized to access the document\n"
    "requested.  Either you supplied the wrong\n"
    "credentials (e.g., bad password), or your\n"
    "browser doesn't understand how to supply\n"
    "the credentials required.</p>\n"
)

MESSAGES: dict[int, str] = {
    300: "{variant_list}",
    301: _MOVED,
    302: _MOVED,
    303: '<p>The answer to your request is located <a href="{location}">here</a>.</p>\n',
    305: (
        "<p>This resource is only accessible through the proxy\n"
        "<br />\n"
        "You will need to configure your client to use that proxy.</p>\n"
    ),
    307: _MOVED,
    308: _MOVED,
    400: (
        "<p>Your browser sent a request that this server could not understand.<br />\n"
        "{error_notes}</p>\n"
    ),
    401: _NOT_AUTHORIZED,
    403: "<p>You don't have permission to access this resource.{error_notes}</p>\n",
    404: "<p>The requested URL was not found on this server.</p>\n",
    405: "<p>The requested method {method} is not allowed for this URL.</p>\n",
    406: (
        "<p>An appropriate representation of the requested resource could not be found "
        "on this server.</p>\n{variant_list}"
    ),
    407: _NOT_AUTHORIZED,
    408: "<p>Server timeout waiting for the HTTP request from the client.</p>\n",
    410: (
        "<p>The requested resource is no longer available on this server and there is no "
        "forwarding address.\nPlease remove all references to this resource.</p>\n"
    ),
    411: (
        "<p>A request of the requested method {method} requires a valid Content-length.<br />\n"
        "{error_notes}</p>\n"
    ),
    412: "<p>The precondition on the request for this URL evaluated to false.</p>\n",
    # No <p> here: httpd's own text.
    413: (
        "The requested resource does not allow request data with {method} requests, "
        "or the amount of data provided in\nthe request exceeds the capacity limit.\n"
    ),
    414: (
        "<p>The requested URL's length exceeds the capacity\n"
        "limit for this server.<br />\n{error_notes}</p>\n"
    ),
    415: (
        "<p>The supplied request data is not in a format\n"
        "acceptable for processing by this resource.</p>\n"
    ),
    416: (
        "<p>None of the range-specifier values in the Range\n"
        "request-header field overlap the current extent\n"
        "of the selected resource.</p>\n"
    ),
    417: "{expectation}{error_notes}</p><p>Only the 100-continue expectation is supported.</p>\n",
    421: (
        "<p>The client needs a new connection for this\n"
        "request as the requested host name does not match\n"
        "the Server Name Indication (SNI) in use for this\n"
        "connection.</p>\n"
    ),
    422: (
        "<p>The server understands the media type of the\n"
        "request entity, but was unable to process the\n"
        "contained instructions.</p>\n"
    ),
    423: (
        "<p>The requested resource is currently locked.\n"
        "The lock must be released or proper identification\n"
        "given before the method can be applied.</p>\n"
    ),
    424: (
        "<p>The method could not be performed on the resource\n"
        "because the requested action depended on another\n"
        "action and that other action failed.</p>\n"
    ),
    # Ends without </p>, as httpd's does.
    426: (
        "<p>The requested resource can only be retrieved\n"
        "using SSL.  The server is willing to upgrade the current\n"
        "connection to SSL, but your client doesn't support it.\n"
        "Either upgrade your client, or try requesting the page\n"
        "using https://\n"
    ),
    428: "<p>The request is required to be conditional.</p>\n",
    429: "<p>The user has sent too many requests\nin a given amount of time.</p>\n",
    431: (
        "<p>The server refused this request because\nthe request header fields are too large.</p>\n"
    ),
    451: "<p>Access to this URL has been denied for legal reasons.<br />\n{error_notes}</p>\n",
    501: "<p>{method} not supported for current URL.<br />\n{error_notes}</p>\n",
    # CRLF line ends here, as in httpd's source.
    502: (
        "<p>The proxy server received an invalid\r\n"
        "response from an upstream server.<br />\r\n{error_notes}</p>\n"
    ),
    503: (
        "<p>The server is temporarily unable to service your\n"
        "request due to maintenance downtime or capacity\n"
        "problems. Please try again later.</p>\n"
    ),
    504: (
        "<p>The gateway did not receive a timely response\n"
        "from the upstream server or application.</p>\n"
    ),
    # The <pre> block stays empty: httpd no longer shows the variant's URI.
    506: (
        "<p>A variant for the requested resource\n<pre>\n\n</pre>\n"
        "is itself a negotiable resource. This indicates a configuration error.</p>\n"
    ),
    507: (
        "<p>The method could not be performed on the resource\n"
        "because the server is unable to store the\n"
        "representation needed to successfully complete the\n"
        "request.  There is insufficient free space left in\n"
        "your storage allocation.</p>\n"
    ),
    508: "<p>The server terminated an operation because\nit encountered an infinite loop.</p>\n",
    510: (
        "<p>A mandatory extension policy in the request is not\n"
        "accepted by the server for this resource.</p>\n"
    ),
    511: "<p>The client needs to authenticate to gain\nnetwork access.</p>\n",
}

_NO_EXPECTATION = (
    "<p>No expectation was seen, the Expect request-header \n"
    "field was not presented by the client.\n"
)
_EXPECTATION_NOT_MET = (
    "<p>The expectation given in the Expect request-header\n"
    "field could not be met by this server.\n"
    "The client sent<pre>\n    Expect: {expect}\n</pre>\n"
)

# Statuses after which httpd closes the connection ("Connection: close"); decided on the
# status the handler gave, so an unknown number answered as 500 keeps the connection.
CLOSES_CONNECTION = frozenset({400, 408, 411, 413, 414, 500, 501, 503})

# Statuses whose error response keeps a Location from headers_out (ap_is_HTTP_REDIRECT,
# or 201); every other error response drops headers_out and sends err_headers_out only.
KEEPS_LOCATION = frozenset({201, *range(300, 400)})

# Statuses answered without a page and without touching the headers.
NO_BODY = frozenset({204, 304})


def escape_html(text: str) -> str:
    """``ap_escape_html``: only ``<``, ``>``, ``&`` and ``"`` (a ``'`` stays as it is)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def canonical_status(status: int) -> int:
    """httpd answers a status it has no line for as a 500."""
    return status if status in REASONS else 500


def error_page(status: int, method: str, location: str | None, admin: str, uri: str, *,
               notes: Mapping[str, str] | None = None, expect: str | None = None) -> str:  # fmt: skip
    """The canned page for ``status``; ``notes`` is the request's notes table."""
    status = canonical_status(status)
    notes = notes if notes is not None else {}
    template = MESSAGES.get(status)
    if template is None:
        # The internal-error text, unless a handler asked for its notes to be shown.
        error_notes = notes.get("error-notes")
        if error_notes is not None and notes.get("verbose-error-to") == "*":
            message = error_notes + "<p />\n"
        else:
            message = _INTERNAL_ERROR.format(admin=escape_html(admin))
    else:
        expectation = (
            _EXPECTATION_NOT_MET.format(expect=escape_html(expect)) if expect else _NO_EXPECTATION
        )
        message = template.format(
            method=escape_html(method), location=escape_html(location or ""),
            admin=escape_html(admin), uri=escape_html(uri),
            error_notes=notes.get("error-notes") or "", variant_list=notes.get("variant-list") or "",
            expectation=expectation,
        )  # fmt: skip
    return _FRAME.format(
        line=f"{status} {REASONS[status]}", reason=REASONS[status], message=message
    )
