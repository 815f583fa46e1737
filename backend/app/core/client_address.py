"""The client's address: the peer, or X-Forwarded-For's rightmost hop that is not a trusted proxy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address

UNKNOWN = "unknown"


def _parse(text: str) -> Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; one client, one spelling.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def _forwarded_hops(headers: Sequence[tuple[bytes, bytes]]) -> list[str]:
    values = [value.decode("latin-1") for name, value in headers if name.lower() == b"x-forwarded-for"]
    return [hop for hop in ",".join(values).split(",") if hop.strip()]


def client_address(scope: Mapping[str, Any], trusted_proxies: Sequence[Network]) -> str:
    """The address to rate-limit and log a request (HTTP or WebSocket scope) by.

    Without trusted proxies, or when the peer is not one, X-Forwarded-For is ignored: anyone can write it.
    Behind trusted proxies, each appends the address it saw, so the hops are read from the right and the
    first one that is not a trusted proxy is the client. A hop that is not an IP ends the walk (nothing
    left of it can be told apart from what the client wrote), and the last trusted hop is the answer.

    >>> from ipaddress import ip_network
    >>> scope = {"client": ("10.0.0.2", 1), "headers": [(b"x-forwarded-for", b"6.6.6.6, 203.0.113.7")]}
    >>> client_address(scope, [])
    '10.0.0.2'
    >>> client_address(scope, [ip_network("10.0.0.0/8")])
    '203.0.113.7'
    >>> client_address(scope, [ip_network("10.0.0.0/8"), ip_network("203.0.113.0/24")])
    '6.6.6.6'
    """
    peer = scope.get("client")
    address = _parse(peer[0]) if peer else None
    if address is None:
        return str(peer[0]) if peer else UNKNOWN
    if not _trusted(address, trusted_proxies):
        return str(address)
    for hop in reversed(_forwarded_hops(scope.get("headers", []))):
        forwarded = _parse(hop)
        if forwarded is None:
            break
        address = forwarded
        if not _trusted(address, trusted_proxies):
            break
    return str(address)
