"""Run the acquirer for real: uvicorn on a loopback port, in a background thread.

A thread, not a subprocess, on purpose: the test and the server share one `Behaviour`
object and one store, so a test flips a switch with a plain assignment and the server's
next answer changes. The socket is bound before the app is built, so the base URL (which
confirmation URLs name) is known without racing another process for a "free" port.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from devacquirer.acquirer import Acquirer
from devacquirer.app import create_acquirer_app
from devacquirer.config import AcquirerConfig, Behaviour
from devacquirer.notifier import Notifier
from devacquirer.store import AcquirerStore

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


@dataclass(frozen=True)
class RunningAcquirer:
    """An acquirer listening on loopback.

    Args:
        base_url: where it is reached, e.g. `http://127.0.0.1:54321`.
        config: the configuration it serves (with `base_url` filled in).
        acquirer: the state machine behind it (store, notifier).
    """

    base_url: str
    config: AcquirerConfig
    acquirer: Acquirer

    @property
    def api_url(self) -> str:
        """The API root a YooKassa client is given, e.g. `http://127.0.0.1:54321/v3`."""
        return self.base_url.rstrip("/") + "/v3"

    @property
    def auth(self) -> tuple[str, str]:
        """The main shop's Basic credentials, as httpx takes them."""
        return (self.config.shop_id, self.config.secret_key)

    @property
    def behaviour(self) -> Behaviour:
        return self.config.behaviour

    @property
    def store(self) -> AcquirerStore:
        return self.acquirer.store

    @property
    def notifier(self) -> Notifier:
        return self.acquirer.notifier

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def save_method(self, card_number: str, expiry_month: str, expiry_year: str) -> str:
        """Save a card for the main shop; its `payment_method_id`."""
        return self.store.save_method(
            card_number, expiry_month, expiry_year, shop_id=self.config.shop_id
        )

    def wait_notifications(self, timeout: float = 10.0) -> None:
        """Block until every notification sent so far is delivered (or given up on)."""
        self.notifier.wait_settled(timeout)

    async def notifications_settled(self, within: float = 10.0) -> None:
        """`wait_notifications` for async code."""
        await self.notifier.settled(within)


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
def run_asgi(
    build: Callable[[str], ASGIApp],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    name: str = "devacquirer",
) -> Iterator[str]:
    """Serve `build(base_url)` with uvicorn in a thread until the block ends; the base URL.

    Also what the tests serve their webhook receiver with.
    """
    sock = _bind(host, port)
    try:
        base_url = f"http://{host}:{sock.getsockname()[1]}"
        server = uvicorn.Server(
            uvicorn.Config(
                build(base_url),
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
            target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True
        )
        thread.start()
        try:
            _wait_started(server, thread, name)
            yield base_url
        finally:
            server.should_exit = True
            thread.join(SHUTDOWN_TIMEOUT)
    finally:
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, name: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"{name}: uvicorn exited during startup")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: uvicorn did not start in time")
        time.sleep(0.01)


@contextmanager
def run_acquirer(
    config: AcquirerConfig | None = None,
    *,
    store: AcquirerStore | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[RunningAcquirer]:
    """Serve the acquirer on `host:port` (0: any free port) until the block ends.

    Args:
        config: what to serve. Its `base_url` is filled in from the bound address when
            `None`; the `behaviour` object is shared with the returned handle.
        store: a store to serve (seeded beforehand, or shared with a later run); a new
            one on `config.store_path` when `None`.
        host: the interface; keep loopback for tests.
        port: the port, 0 for one the OS picks.

    Example:
        >>> with run_acquirer(AcquirerConfig(webhook_url=receiver_url)) as acquirer:
        ...     acquirer.behaviour.duplicate_rate = 1.0
        ...     httpx.get(acquirer.api_url + "/me", auth=acquirer.auth)
    """
    config = config or AcquirerConfig()
    built: list[tuple[AcquirerConfig, Acquirer]] = []

    def build(bound_url: str) -> ASGIApp:
        served = dataclasses.replace(config, base_url=config.base_url or bound_url)
        app = create_acquirer_app(served, store)
        built.append((served, app.state.acquirer))
        return app

    with run_asgi(build, host=host, port=port) as bound_url:
        served, acquirer = built[0]
        yield RunningAcquirer(
            base_url=served.base_url or bound_url, config=served, acquirer=acquirer
        )


@asynccontextmanager
async def serve_acquirer(
    config: AcquirerConfig | None = None,
    *,
    store: AcquirerStore | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> AsyncIterator[RunningAcquirer]:
    """`run_acquirer` for async code: start and stop without blocking the event loop.

    Example:
        >>> async with serve_acquirer(AcquirerConfig()) as acquirer:
        ...     await http.get(acquirer.api_url + "/me", auth=acquirer.auth)
    """
    manager = run_acquirer(config, store=store, host=host, port=port)
    running = await asyncio.to_thread(manager.__enter__)
    try:
        yield running
    except BaseException as exc:
        if not await asyncio.to_thread(manager.__exit__, type(exc), exc, exc.__traceback__):
            raise
    else:
        await asyncio.to_thread(manager.__exit__, None, None, None)
