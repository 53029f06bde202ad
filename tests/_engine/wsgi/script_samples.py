"""Script texts and helpers shared by the WSGI script tests."""

from __future__ import annotations

# A script that answers with the environ keys a test names in the query string.
ENVIRON_SCRIPT = """
def application(environ, start_response):
    names = environ.get("QUERY_STRING", "").split("&")
    body = "\\n".join(f"{name}={environ.get(name)!r}" for name in names if name)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]
"""


def environ_of(response) -> dict:
    """The ``name=repr`` lines ENVIRON_SCRIPT answered, as a dict of repr strings."""
    return dict(line.split("=", 1) for line in response.text.splitlines() if "=" in line)
