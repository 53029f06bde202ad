"""The environ mod_wsgi gives a WSGI script, and the names its directives expand.

CGI variables as Apache's ``ap_add_cgi_vars`` makes them (without PATH), the ``wsgi.*``
keys of PEP 3333, mod_wsgi's own ``mod_wsgi.*`` keys, the Authorization header only with
WSGIPassAuthorization On, and the proxy headers of WSGITrustedProxyHeaders applied - or
removed when they cannot be trusted.
"""

from __future__ import annotations

import base64
import ipaddress
import itertools
import os
import threading
import time

from ..constants import APLOG_ERR
from .running import ErrorStream, FileWrapper, RequestInput, serving_flags

MOD_WSGI_VERSION = (4, 9, 4)
_request_counts = itertools.count()
_thread_numbers = itertools.count()
_this_thread = threading.local()
APACHE_VERSION = (2, 4, 0)

# The proxy headers mod_wsgi knows, by what they carry. Once one header of a kind is
# trusted, its synonyms are removed (4.9.3 added X-Client-IP to them: CVE-2022-2255).
_CLIENT_ADDRESS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_CLIENT_IP", "HTTP_X_REAL_IP")
_HOST = ("HTTP_X_FORWARDED_HOST", "HTTP_X_HOST")
_SERVER = ("HTTP_X_FORWARDED_SERVER",)
_PORT = ("HTTP_X_FORWARDED_PORT",)
_SCHEME = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_SCHEME", "HTTP_X_SCHEME")
_HTTPS_FLAG = ("HTTP_X_FORWARDED_HTTPS", "HTTP_X_FORWARDED_SSL")
_SCRIPT_NAME = ("HTTP_X_SCRIPT_NAME", "HTTP_X_FORWARDED_SCRIPT_NAME")
# X-Forwarded-Proto and X-Forwarded-SSL say the same thing: one kind.
PROXY_HEADER_KINDS = (_CLIENT_ADDRESS, _HOST, _SERVER, _PORT, _SCHEME + _HTTPS_FLAG, _SCRIPT_NAME)


def env_lookup(req, name: str) -> str:
    """%{ENV:name}: request notes, then subprocess_env, then the process environment."""
    for table in (req.notes, req.subprocess_env):
        value = table.get(name)
        if value is not None:
            return value
    return os.environ.get(name, "")


def server_group_name(req) -> str:
    """%{SERVER}: the host name, with ":port" unless the port is 80 or 443."""
    host = (req._vhost.server_name or req.hostname or "").rsplit(":", 1)[0]
    port = str(req._environ.get("SERVER_PORT", "80"))
    return host if port in ("80", "443") else f"{host}:{port}"


def expand_name(req, text: str, script_name: str) -> str:
    """A WSGIApplicationGroup / WSGIProcessGroup / WSGICallableObject value for this request."""
    if not text.startswith("%{"):
        return text
    if text == "%{GLOBAL}":
        return ""
    if text == "%{SERVER}":
        return server_group_name(req)
    if text == "%{RESOURCE}":
        return f"{server_group_name(req)}|{script_name}"
    return env_lookup(req, text[6:-1])  # %{ENV:name}


def script_environ(req, settings: dict, *, group: str, process_group: str, callable_name: str,
                   script_file: str) -> dict:  # fmt: skip
    """The environ for a script's application or its auth hooks; the caller has run
    ``req.add_cgi_vars()`` (once: it is the costly part)."""
    env = dict(req.subprocess_env.items())
    env.pop("PATH", None)  # mod_wsgi leaves the server's PATH out
    env.pop("HTTP_PROXY", None)  # httpoxy: a "Proxy:" request header is never a variable
    env.setdefault("PATH_INFO", "")
    if env["PATH_INFO"]:
        env["PATH_TRANSLATED"] = req.document_root().rstrip("/") + env["PATH_INFO"]
    if req.notes.get("mod_wsgi.pass_authorization", "") == "1" or (
        "mod_wsgi.pass_authorization" not in req.notes and settings.get("pass_authorization")
    ):
        authorization = req.headers_in.get("Authorization")
        if authorization is not None:
            env["HTTP_AUTHORIZATION"] = authorization
    if req.method == "HEAD" and settings.get("map_head_to_get") == "on":
        env["REQUEST_METHOD"] = "GET"
    env["mod_wsgi.script_name"] = env.get("SCRIPT_NAME", "")
    env["mod_wsgi.path_info"] = env["PATH_INFO"]
    if settings.get("trusted_proxy_headers"):
        apply_proxy_headers(env, settings, req.useragent_ip)
    multithread, multiprocess = serving_flags(req._environ)
    now = str(int(time.time() * 1_000_000))
    env.update({
        "wsgi.version": (1, 0),
        "wsgi.multithread": multithread,
        "wsgi.multiprocess": multiprocess,
        "wsgi.run_once": False,
        "wsgi.url_scheme": env.pop("wsgi.url_scheme", None) or _scheme(env),
        "wsgi.input": RequestInput(req),
        "wsgi.input_terminated": True,
        "wsgi.errors": ErrorStream(lambda line: log_wsgi(req, line)),
        "wsgi.file_wrapper": FileWrapper,
        "apache.version": APACHE_VERSION,
        "mod_wsgi.version": MOD_WSGI_VERSION,
        "mod_wsgi.process_group": process_group,
        "mod_wsgi.application_group": group,
        "mod_wsgi.callable_object": callable_name,
        "mod_wsgi.request_handler": "wsgi-script",
        "mod_wsgi.handler_script": "",
        "mod_wsgi.script_reloading": "1" if settings.get("script_reloading", True) else "0",
        "mod_wsgi.listener_host": env.get("SERVER_ADDR", ""),
        "mod_wsgi.listener_port": str(req._environ.get("SERVER_PORT", "")),
        "mod_wsgi.enable_sendfile": "0",
        "mod_wsgi.ignore_activity": "0",
        "mod_wsgi.request_start": str(int(req.request_time * 1_000_000)),
        "mod_wsgi.script_start": now,
        "mod_wsgi.request_id": base64.b64encode(os.urandom(8), b"@-").decode()[:11],
        **_request_counters(),
    })  # fmt: skip
    if script_file:
        env["SCRIPT_FILENAME"] = script_file
    return env


def _request_counters() -> dict:
    """mod_wsgi's thread number and request counts: of this thread, of the process."""
    if not hasattr(_this_thread, "number"):
        _this_thread.number, _this_thread.requests = next(_thread_numbers), 0
    else:
        _this_thread.requests += 1
    return {
        "mod_wsgi.thread_id": _this_thread.number,
        "mod_wsgi.thread_requests": _this_thread.requests,
        "mod_wsgi.total_requests": next(_request_counts),
    }


def _scheme(env: dict) -> str:
    https = env.get("HTTPS", "")
    return "https" if https and https.lower() not in ("off", "0") else "http"


def apply_proxy_headers(env: dict, settings: dict, client_ip: str) -> None:
    """WSGITrustedProxyHeaders: use the trusted headers when the client is a trusted proxy
    (any client when WSGITrustedProxies is not set); of every kind of header one is trusted
    for, the others are removed - and all of them when the client is not trusted."""
    trusted_headers = settings["trusted_proxy_headers"]
    proxies = settings.get("trusted_proxies")
    client_trusted = proxies is None or _address_in(client_ip, proxies)
    if client_trusted:
        for name in trusted_headers:
            value = env.get(name)
            if value:
                _apply_one(env, name, value.strip(), proxies)
    for kind in PROXY_HEADER_KINDS:
        if any(name in trusted_headers for name in kind):
            for name in kind:
                if not client_trusted or name not in trusted_headers:
                    env.pop(name, None)


def _apply_one(env: dict, name: str, value: str, proxies) -> None:
    if name in _CLIENT_ADDRESS:
        env["REMOTE_ADDR"] = _client_address(value, proxies)
    elif name in _HOST:
        env["HTTP_HOST"] = value
    elif name in _SERVER:
        env["SERVER_NAME"] = value
    elif name in _PORT:
        env["SERVER_PORT"] = value
    elif name in _SCHEME:
        if value.lower() in ("http", "https"):
            env["wsgi.url_scheme"] = value.lower()
            if value.lower() == "https":
                env["HTTPS"] = "1"
            else:
                env.pop("HTTPS", None)
    elif name in _HTTPS_FLAG:
        if value.lower() in ("on", "1", "true"):
            env["wsgi.url_scheme"] = "https"
            env["HTTPS"] = "1"
        elif value.lower() in ("off", "0", "false"):
            env["wsgi.url_scheme"] = "http"
            env.pop("HTTPS", None)
    elif name in _SCRIPT_NAME:
        env["SCRIPT_NAME"] = value


def _client_address(value: str, proxies) -> str:
    """X-Forwarded-For "client, proxy1, proxy2": the first address; with WSGITrustedProxies,
    the rightmost one that is not a trusted proxy (the rest could be forged)."""
    addresses = [part.strip() for part in value.split(",") if part.strip()]
    if not addresses:
        return value
    if proxies is None:
        return addresses[0]
    for address in reversed(addresses):
        if not _address_in(address, proxies):
            return address
    return addresses[0]


def _address_in(address: str, networks) -> bool:
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return any(network.contains(parsed) for network in networks)


def log_wsgi(req, message: str, level: int = APLOG_ERR) -> None:
    """A line in the error log as mod_wsgi writes it: module "wsgi", with the client."""
    req._engine.error_log_for(req._vhost).write(
        message, level, client=f"{req.useragent_ip}:{req.useragent_addr[1]}", module="wsgi"
    )


__all__ = ["MOD_WSGI_VERSION", "PROXY_HEADER_KINDS", "apply_proxy_headers", "env_lookup",
           "expand_name", "log_wsgi", "script_environ", "server_group_name"]  # fmt: skip
