"""A small loopback payment acquirer speaking a subset of YooKassa API v3.

Served by Starlette, it answers `/v3/payments`, `/v3/refunds` and `/v3/me` with HTTP
Basic auth, idempotence keys and YooKassa's JSON objects and errors, shows a confirmation
page where the test card typed decides the outcome (see devacquirer.cards), and posts
notifications to the shop's webhook, late and now and then twice if asked to. What it must
not do in production (take any card, keep it in a dev file) is what makes it useful on
loopback. `Behaviour` switches make it misbehave on demand.

Example (a pytest fixture for a YooKassa client's tests):
    >>> @pytest.fixture(scope="session")
    ... def acquirer() -> Iterator[RunningAcquirer]:
    ...     config = AcquirerConfig(webhook_url="http://127.0.0.1:8000/payments/webhook")
    ...     with run_acquirer(config) as running:  # uvicorn on 127.0.0.1, a free port
    ...         yield running
    >>> acquirer.api_url, acquirer.auth  # give these to the client (shopId, secret key)
    >>> acquirer.save_method(CARD_SUCCESS, "12", "30")  # a payment_method_id to pay with
    >>> acquirer.behaviour.down = 503  # every /v3 call answers 503
    >>> acquirer.wait_notifications()  # every webhook so far delivered
    >>> acquirer.behaviour.reset()  # healthy again

Async code can use `async with serve_acquirer(config) as acquirer:` instead. The acquirer
runs in its own thread and event loop, so an app under test (even one driven in-process
through httpx's ASGITransport) can call it synchronously or asynchronously.

From a shell: `python -m devacquirer --port 9100` (see `python -m devacquirer --help`).
"""

from devacquirer.app import create_acquirer_app
from devacquirer.cards import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_INSUFFICIENT_FUNDS,
    CARD_SUCCESS,
    CARD_TIMEOUT,
    THREE_DS_CODE,
)
from devacquirer.config import (
    DEFAULT_SECRET_KEY,
    DEFAULT_SHOP_ID,
    AcquirerConfig,
    Behaviour,
    Shop,
)
from devacquirer.runner import RunningAcquirer, run_acquirer, serve_acquirer
from devacquirer.store import AcquirerStore

__all__ = [
    "CARD_3DS",
    "CARD_DECLINED",
    "CARD_INSUFFICIENT_FUNDS",
    "CARD_SUCCESS",
    "CARD_TIMEOUT",
    "DEFAULT_SECRET_KEY",
    "DEFAULT_SHOP_ID",
    "THREE_DS_CODE",
    "AcquirerConfig",
    "AcquirerStore",
    "Behaviour",
    "RunningAcquirer",
    "Shop",
    "create_acquirer_app",
    "run_acquirer",
    "serve_acquirer",
]
