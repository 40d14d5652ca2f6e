"""A dev provider on loopback for the whole directory, and a scripted browser to drive it.

The provider is real (uvicorn on 127.0.0.1), started once; each test gets it honest again.
The relying party's callback lives at `http://app.test`, served by an httpx mock transport
mounted in the browser client, so redirects are genuinely followed to the callback and the
query it received is read back from the final URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from devprovider import Client, ProviderConfig, RunningProvider, run_provider
from tests.devprovider.flows import CALLBACK, CLIENT_ID, CLIENT_SECRET, PUBLIC_CLIENT_ID


@pytest.fixture(scope="session")
def provider() -> Iterator[RunningProvider]:
    config = ProviderConfig(
        clients=[
            Client(CLIENT_ID, CLIENT_SECRET, (CALLBACK,)),
            Client(PUBLIC_CLIENT_ID, None, (CALLBACK,)),
        ]
    )
    with run_provider(config) as running:
        yield running


@pytest.fixture(autouse=True)
def _honest_provider(provider: RunningProvider) -> Iterator[None]:
    provider.behaviour.reset()
    yield
    provider.behaviour.reset()


@pytest.fixture(scope="session")
def metadata(provider: RunningProvider) -> dict[str, Any]:
    return httpx.get(provider.metadata_url).json()


@pytest.fixture(scope="session")
def jwks(metadata: dict[str, Any]) -> dict[str, Any]:
    return httpx.get(metadata["jwks_uri"]).json()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _callback(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="callback reached")


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """Follows redirects like a browser; `app.test` is the relying party's callback."""
    async with httpx.AsyncClient(
        follow_redirects=True, mounts={"http://app.test": httpx.MockTransport(_callback)}
    ) as client:
        yield client


@dataclass(frozen=True)
class Rig:
    """The running provider, what it publishes, and the relying party's two clients.

    `browser` follows redirects to the callback at `app.test`; `http` is the relying
    party's back channel (token and userinfo requests). A test that needs several of
    these takes `rig`; one that needs one or two takes those fixtures directly.
    """

    provider: RunningProvider
    metadata: dict[str, Any]
    jwks: dict[str, Any]
    browser: httpx.AsyncClient
    http: httpx.AsyncClient


@pytest.fixture
def rig(
    provider: RunningProvider,
    metadata: dict[str, Any],
    jwks: dict[str, Any],
    browser: httpx.AsyncClient,
    http: httpx.AsyncClient,
) -> Rig:
    return Rig(provider, metadata, jwks, browser, http)
