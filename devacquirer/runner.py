"""Run the acquirer for real: uvicorn on a loopback port, in a background thread
(devprovider.loopback); the test and the server share one `Behaviour` and one store."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from starlette.types import ASGIApp

from devacquirer.acquirer import Acquirer
from devacquirer.app import create_acquirer_app
from devacquirer.config import AcquirerConfig, Behaviour
from devacquirer.notifier import Notifier
from devacquirer.store import AcquirerStore
from devprovider.loopback import in_thread, run_asgi

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

    with run_asgi(build, host=host, port=port, name="devacquirer") as bound_url:
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
    async with in_thread(run_acquirer(config, store=store, host=host, port=port)) as running:
        yield running
