"""`linehub serve`: uvicorn with the app factory, proxy headers handled by linehub itself."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from typing import TYPE_CHECKING

import uvicorn

from config import Settings
from web.logs import configure_logging

if TYPE_CHECKING:
    # what "auto" picks at run time is httptools when installed, else h11; both have the
    # same connection_made, so the type checker sees one of them
    from uvicorn.protocols.http.h11_impl import H11Protocol as _AutoHTTPProtocol
else:
    from uvicorn.protocols.http.auto import AutoHTTPProtocol as _AutoHTTPProtocol


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Turn Nagle's algorithm off on a TCP connection (a no-op for any other transport)."""
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    # an option that cannot be set must not cost the connection (e.g. the peer already left)
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(_AutoHTTPProtocol):
    """uvicorn's own HTTP protocol, with TCP_NODELAY set on every accepted connection.

    asyncio sets TCP_NODELAY only on connections whose socket says IPPROTO_TCP. With
    `--workers N` uvicorn binds the shared socket itself as `socket.socket(family)`, whose
    proto is 0, and so are the connections accepted from it: Nagle stays on and every
    keep-alive answer written in two parts waits ~40 ms for the client's delayed ACK.
    Setting it here covers every way uvicorn listens (one worker, many, a passed fd).
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)


def served_url(host: str, port: int) -> str:
    """Where a browser on this machine reaches a server listening on `host:port`."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(settings: Settings, *, host: str, port: int, workers: int) -> int:
    configure_logging(settings.log_level, settings.log_format)
    if "PUBLIC_URL" not in os.environ and not settings.production:
        # development: links in e-mails and the dev provider's redirects must point where
        # this server is, on any --port; the workers read it with the rest of the settings
        os.environ["PUBLIC_URL"] = served_url(host, port)
    uvicorn.run(
        "app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=NoDelayHTTPProtocol,
        # forwarded headers are trusted only from TRUSTED_PROXY_CIDRS (web.client), so
        # uvicorn must not rewrite the peer address from them on its own
        proxy_headers=False,
        server_header=False,
        log_config=None,
        timeout_graceful_shutdown=20,
    )
    return 0
