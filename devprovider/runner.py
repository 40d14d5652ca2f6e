"""Run the provider for real: uvicorn on a loopback port, in a background thread
(devprovider.loopback); the test and the server share one `Behaviour` object."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from starlette.types import ASGIApp

from devprovider.app import create_provider_app
from devprovider.config import Behaviour, ProviderConfig
from devprovider.loopback import in_thread, run_asgi


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
    served: list[ProviderConfig] = []

    def build(base_url: str) -> ASGIApp:
        served.append(dataclasses.replace(config, issuer=config.issuer or base_url))
        return create_provider_app(served[0])

    with run_asgi(build, host=host, port=port, name="devprovider"):
        yield RunningProvider(issuer=served[0].issuer or "", config=served[0])


@asynccontextmanager
async def serve_provider(
    config: ProviderConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningProvider]:
    """`run_provider` for async code: start and stop without blocking the event loop.

    Example:
        >>> async with serve_provider(ProviderConfig(clients=[client])) as provider:
        ...     metadata = (await http.get(provider.metadata_url)).json()
    """
    async with in_thread(run_provider(config, host=host, port=port)) as provider:
        yield provider
