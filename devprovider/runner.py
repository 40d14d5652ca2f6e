"""Run the provider for real: uvicorn on a loopback port, in a background thread.

A thread, not a subprocess, on purpose: the test and the server share one `Behaviour`
object, so a test flips a switch with a plain assignment and the server's next answer
changes. The socket is bound before the app is built, so the issuer URL (which must name
the real port) is known without racing another process for a "free" port.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import uvicorn

from devprovider.app import create_provider_app
from devprovider.config import Behaviour, ProviderConfig

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


@dataclass(frozen=True)
class RunningProvider:
    """A provider listening on loopback.

    Args:
        issuer: the issuer URL, e.g. `http://127.0.0.1:54321`.
        config: the configuration it serves (with `issuer` filled in).
    """

    issuer: str
    config: ProviderConfig

    @property
    def behaviour(self) -> Behaviour:
        return self.config.behaviour

    @property
    def metadata_url(self) -> str:
        """Where relying parties discover it (authlib's `server_metadata_url`)."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def url(self, path: str) -> str:
        return self.issuer.rstrip("/") + path


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


@contextmanager
def run_provider(
    config: ProviderConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningProvider]:
    """Serve the provider on `host:port` (0: any free port) until the block ends.

    Args:
        config: what to serve. Its `issuer` is filled in from the bound address when
            `None`; the `behaviour` object is shared with the returned provider.
        host: the interface; keep loopback for tests.
        port: the port, 0 for one the OS picks.

    Example:
        >>> with run_provider(ProviderConfig(clients=[client])) as provider:
        ...     provider.behaviour.user_cancels = True
        ...     httpx.get(provider.metadata_url)
    """
    config = config or ProviderConfig()
    sock = _bind(host, port)
    try:
        bound_port = sock.getsockname()[1]
        issuer = config.issuer or f"http://{host}:{bound_port}"
        config = dataclasses.replace(config, issuer=issuer)
        server = uvicorn.Server(
            uvicorn.Config(
                create_provider_app(config),
                log_level="warning",
                access_log=False,
                # Nothing here needs websockets or lifespan; not loading them keeps the
                # thread free of their import-time deprecation warnings.
                ws="none",
                lifespan="off",
                http="h11",
            )
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="devprovider", daemon=True
        )
        thread.start()
        try:
            _wait_started(server, thread)
            yield RunningProvider(issuer=issuer, config=config)
        finally:
            server.should_exit = True
            thread.join(SHUTDOWN_TIMEOUT)
    finally:
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("devprovider: uvicorn exited during startup")
        if time.monotonic() > deadline:
            raise RuntimeError("devprovider: uvicorn did not start in time")
        time.sleep(0.01)


@asynccontextmanager
async def serve_provider(
    config: ProviderConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningProvider]:
    """`run_provider` for async code: start and stop without blocking the event loop.

    Example:
        >>> async with serve_provider(ProviderConfig(clients=[client])) as provider:
        ...     metadata = (await http.get(provider.metadata_url)).json()
    """
    manager = run_provider(config, host=host, port=port)
    provider = await asyncio.to_thread(manager.__enter__)
    try:
        yield provider
    except BaseException as exc:
        if not await asyncio.to_thread(manager.__exit__, type(exc), exc, exc.__traceback__):
            raise
    else:
        await asyncio.to_thread(manager.__exit__, None, None, None)
