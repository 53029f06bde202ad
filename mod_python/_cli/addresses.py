"""Listening addresses: ``[HOST:]PORT`` text and the ``Listen`` lines of a config."""

from __future__ import annotations

from collections.abc import Sequence

from .._engine.config.server import ServerSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
ALL_INTERFACES = "0.0.0.0"

Address = tuple[str, int]


def parse_listen(text: str, bare_port_host: str = DEFAULT_HOST) -> Address:
    """``[HOST:]PORT`` (IPv6 hosts in brackets) -> (host, port); ValueError when malformed."""
    text = text.strip()
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"bad address {text!r}")
        port_text = rest[1:]
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
    else:
        host, port_text = "", text
    # Apache's "Listen 8080 https": a protocol after the address is allowed and ignored.
    port_text = port_text.split()[0] if port_text.split() else port_text
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port in {text!r} (expected [HOST:]PORT)")
    return host or bare_port_host, int(port_text)


def config_addresses(settings: ServerSettings) -> list[Address]:
    """Every ``Listen`` of the config (a bare port: all interfaces, as in Apache), deduplicated.

    ValueError names the bad ``Listen`` value.
    """
    addresses: list[Address] = []
    for text in settings.listen:
        try:
            address = parse_listen(text, bare_port_host=ALL_INTERFACES)
        except ValueError as error:
            raise ValueError(f"Listen {text}: {error}") from None
        if address not in addresses:
            addresses.append(address)
    return addresses


def listen_addresses(settings: ServerSettings, requested: Sequence[Address] = ()) -> list[Address]:
    """--listen addresses if given, else the config's Listen lines, else 127.0.0.1:8080."""
    if requested:
        return list(dict.fromkeys(requested))
    return config_addresses(settings) or [(DEFAULT_HOST, DEFAULT_PORT)]


def url_for(address: Address) -> str:
    host, port = address
    if host in ("", ALL_INTERFACES, "::"):
        host = DEFAULT_HOST
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/"
