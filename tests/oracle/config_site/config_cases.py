"""Handlers for the configuration oracle tests (see site.conf beside this file).

Each handler prints the part of the request the configuration decided, so the body shows
what the merged config was. Runs under the oracle's Python 3.11 as well as ours, so it only
uses what mod_python 3.5 offers.
"""

from mod_python import apache

# Keys of req.subprocess_env and req.headers_in the handlers report (the full tables hold
# values that differ between any two HTTP servers, such as SERVER_SOFTWARE).
ENV_KEYS = ("SITE_VAR", "LOC_VAR", "REMOVED_VAR", "REDIRECT_STATUS")
HEADER_KEYS = ("X-Req-Set", "X-Req-Append", "X-Req-Unset", "X-Req-Add")


def _lines(req, pairs):
    req.content_type = "text/plain"
    for name, value in pairs:
        req.write("%s=%r\n" % (name, value))
    return apache.OK


def where(req):
    """Which virtual host answered."""
    return _lines(
        req,
        [
            ("server_hostname", req.server.server_hostname),
            ("is_virtual", bool(req.server.is_virtual)),
            ("hostname", req.hostname),
            ("document_root", req.document_root()),
            ("interpreter", req.interpreter),
        ],
    )


def show_options(req):
    """The merged PythonOptions, without the oracle's mod_python.* plumbing options.

    Called twice: mod_python 3.5's get_options() deletes the emptied options while iterating
    and so can leave the one after a deleted one (SPEC section 13); the second call finishes.
    """
    req.get_options()
    options = req.get_options()
    pairs = [(key, options[key]) for key in sorted(options.keys())]
    return _lines(req, [(key, value) for key, value in pairs if not key.startswith("mod_python.")])


def show_env(req):
    return _lines(req, [(key, req.subprocess_env.get(key)) for key in ENV_KEYS])


def show_headers_in(req):
    return _lines(req, [(key, req.headers_in.get(key)) for key in HEADER_KEYS])


def who(req):
    """The authenticated user, once auth has let the request through."""
    return _lines(
        req, [("user", req.user), ("auth_type", req.ap_auth_type), ("method", req.method)]
    )


def index_page(req):
    """Reached through DirectoryIndex: the URI and file after mod_dir's redirect."""
    return _lines(req, [("uri", req.uri), ("file", req.filename.rsplit("/", 2)[-2:])])


def error_page(req):
    """An ErrorDocument target: what the failed request was."""
    prev = req.prev
    return _lines(
        req,
        [
            ("uri", req.uri),
            ("prev_uri", prev and prev.uri),
            ("prev_status", prev and prev.status),
            ("redirect_status", req.subprocess_env.get("REDIRECT_STATUS")),
            ("redirect_url", req.subprocess_env.get("REDIRECT_URL")),
        ],
    )


def set_headers(req):
    """Headers for mod_headers to edit on the way out."""
    req.headers_out["X-Handler-Unset"] = "should be removed"
    req.headers_out["X-Handler-Edit"] = "from handler"
    return _lines(req, [("handler", "set_headers")])


def status_gone(req):
    """A 410 with headers: only `Header always` reaches the client."""
    return apache.HTTP_GONE


def typed(req):
    """A handler that leaves the content type to the configuration."""
    req.write("typed\n")
    return apache.OK
