"""Two real `linehub serve` processes on the test database and a real OIDC provider.

The dev provider runs in this process (uvicorn on 127.0.0.1, its own thread), so a test
flips `provider.behaviour` and the provider's next answer changes. Hub A and hub B are
two workers of one deployment: same database, same PUBLIC_URL (A's), so the provider
sends the browser to A's callback, and a test may deliver it to B instead. The browser
is an httpx client that follows redirects; the app at `http://app.test` is a mock
transport that only records the query it was sent to.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from devprovider import Client, ProviderConfig, RunningProvider, User, run_provider
from tests.servers import free_port, start_hub, stop_hub
from tests.social.flows import APP, CLIENTS, PLAIN_SCOPE, USERS, Hub


@pytest.fixture(scope="session")
def ports() -> tuple[int, int]:
    return free_port(), free_port()


@pytest.fixture(scope="session")
def public_url(ports: tuple[int, int]) -> str:
    return f"http://127.0.0.1:{ports[0]}"


@pytest.fixture(scope="session")
def provider(public_url: str) -> Iterator[RunningProvider]:
    clients = [
        Client(client_id, secret, (f"{public_url}/auth/social/{pid}/callback",))
        for pid, (client_id, secret) in CLIENTS.items()
    ]
    config = ProviderConfig(clients=clients, users=[User(*u) for u in USERS])
    with run_provider(config) as running:
        yield running


@pytest.fixture(autouse=True)
def _honest_provider(provider: RunningProvider) -> Iterator[None]:
    provider.behaviour.reset()
    yield
    provider.behaviour.reset()


def hub_environment(
    database_url: str, public_url: str, provider: RunningProvider
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SOCIAL_", "PUBLIC_URL", "TRUSTED_PROXY"))
    }
    env.update(
        DATABASE_URL=database_url,
        ENV="test",
        SECRET_KEY="social-tests-secret-" + "x" * 32,
        PUBLIC_URL=public_url,
        LOG_FORMAT="text",
        LOG_LEVEL="INFO",
        # cheap hashing, as in the in-process tests
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_KIB="1024",
        ARGON2_PARALLELISM="1",
        # lets a test open a LIMITED mobile-network session from this machine
        TRUSTED_PROXY_CIDRS="127.0.0.1/32",
        SOCIAL_REDIRECT_URIS=f"{APP},http://app.test/other",
    )
    for pid, (client_id, secret) in CLIENTS.items():
        prefix = f"SOCIAL_{pid.upper()}_"
        env[prefix + "CLIENT_ID"] = client_id
        if secret:
            env[prefix + "CLIENT_SECRET"] = secret
        if pid == "plain":  # OAuth 2.0 only: explicit endpoints, userinfo mapped
            env[prefix + "AUTHORIZE_URL"] = provider.url("/authorize")
            env[prefix + "TOKEN_URL"] = provider.url("/token")
            env[prefix + "USERINFO_URL"] = provider.url("/userinfo")
            env[prefix + "SCOPE"] = PLAIN_SCOPE
        else:
            env[prefix + "METADATA_URL"] = provider.metadata_url
    env["SOCIAL_IDP_NAME_EN"] = "Test IdP"
    env["SOCIAL_IDP_NAME_RU"] = "Тестовый IdP"
    # configured, but nobody listens there: the provider is down before the flow starts
    env["SOCIAL_GONE_CLIENT_ID"] = "linehub"
    env["SOCIAL_GONE_METADATA_URL"] = (
        f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    )
    return env


@pytest.fixture(scope="session")
async def hubs(
    database_url: str,
    public_url: str,
    ports: tuple[int, int],
    provider: RunningProvider,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Hub, Hub]]:
    logs = tmp_path_factory.mktemp("hubs")
    env = hub_environment(database_url, public_url, provider)
    processes = []
    try:
        for name, port in zip("ab", ports, strict=True):
            processes.append(await start_hub(env, port, logs / f"hub-{name}.log"))
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[0]}", timeout=30) as a,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[1]}", timeout=30) as b,
        ):
            yield Hub(a, logs / "hub-a.log"), Hub(b, logs / "hub-b.log")
    finally:
        for process in processes:
            await stop_hub(process)


@pytest.fixture
def hub(hubs: tuple[Hub, Hub]) -> Hub:
    return hubs[0]


def _app(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="app reached")


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """Follows redirects like a browser, up to the app at `http://app.test`."""
    async with httpx.AsyncClient(
        follow_redirects=True, timeout=30, mounts={"http://app.test": httpx.MockTransport(_app)}
    ) as client:
        yield client
