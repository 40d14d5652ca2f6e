"""A small, real OpenID Connect provider for developing and testing social login.

Built on authlib's authorization-server side and served by Starlette. It speaks the
authorization code flow with PKCE (S256) and signs RS256 ID tokens; what it must not do in
production (keep everything in memory, log users in without a password) is what makes it
useful on loopback. `Behaviour` switches make it misbehave on demand.

Example (a pytest fixture for a relying party's tests):
    >>> @pytest.fixture(scope="session")
    ... def oidc_provider() -> Iterator[RunningProvider]:
    ...     callback = "http://testserver/auth/social/dev/callback"
    ...     config = ProviderConfig(clients=[Client("linehub", "s3cret", (callback,))])
    ...     with run_provider(config) as provider:  # uvicorn on 127.0.0.1, a free port
    ...         yield provider
    >>> provider.metadata_url  # give this to authlib's OAuth().register(server_metadata_url=)
    >>> provider.behaviour.expired_id_token = True  # the next ID token is stale
    >>> provider.behaviour.reset()  # honest again

Async code can use `async with serve_provider(config) as provider:` instead. The provider
runs in its own thread and event loop, so an app under test (even one driven in-process
through httpx's ASGITransport) can call it synchronously or asynchronously.

From a shell: `python -m devprovider --port 9000` (see `python -m devprovider --help`).
"""

from devprovider.app import create_provider_app
from devprovider.config import (
    DEFAULT_USERS,
    FOREIGN_AUDIENCE,
    WRONG_NONCE,
    Behaviour,
    Client,
    NonceMode,
    ProviderConfig,
    User,
    wrong_issuer_for,
)
from devprovider.runner import RunningProvider, run_provider, serve_provider

__all__ = [
    "DEFAULT_USERS",
    "FOREIGN_AUDIENCE",
    "WRONG_NONCE",
    "Behaviour",
    "Client",
    "NonceMode",
    "ProviderConfig",
    "RunningProvider",
    "User",
    "create_provider_app",
    "run_provider",
    "serve_provider",
    "wrong_issuer_for",
]
