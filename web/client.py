"""Who is on the other end: the TCP peer, and forwarded headers only from trusted proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted(address: str | None, trusted: Sequence[Network]) -> bool:
    ip = _parse(address or "")
    return ip is not None and any(ip in net for net in trusted)


def client_address(conn: HTTPConnection, trusted: Sequence[Network]) -> tuple[str | None, bool]:
    """(client address, whether the TCP peer is a trusted proxy).

    X-Forwarded-For is read right to left, skipping trusted hops, and only when the TCP
    peer itself is trusted; otherwise the peer is the client, whatever the headers say.
    """
    peer = conn.client.host if conn.client else None
    if not is_trusted(peer, trusted):
        return peer, False
    forwarded = conn.headers.get("x-forwarded-for", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        if _parse(hop) is None:
            break
        if not is_trusted(hop, trusted):
            return hop.strip(), True
    return peer, True
