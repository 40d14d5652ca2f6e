"""The dev acquirer as linehub mounts it in development (`PAYMENTS_BACKEND=dev` with no
`PAYMENTS_API_URL`).

The app then serves the loopback acquirer at `/dev-acquirer`, talks to it with the same
YooKassa client production uses, receives its notifications at `/payments/webhook`, and
adds a landing page (`/payments/return`) to the allowed return URLs, so a top-up can be
clicked through in a browser with nothing else running. Saved cards are kept in a SQLite
file beside the database, so the demo's bound card survives a restart. Only `app.py`
(in development) and the demo command import this: the production path never does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route

from config import ConfigError, Settings
from devacquirer.app import create_acquirer_app
from devacquirer.config import AcquirerConfig
from gateways.acquirer import DEV_MOUNT, acquirer_credentials
from web.payments import payment_landing

DEV_LANDING = "/payments/return"


def dev_landing_uri(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + DEV_LANDING


def dev_store_path(settings: Settings) -> str | None:
    """Beside a SQLite database file, or in var/ (PostgreSQL); in memory for tests."""
    url = settings.database_url
    if settings.env == "test" or ":memory:" in url:
        return None
    if not url.startswith("sqlite://"):
        return "var/dev-acquirer.sqlite3"
    return str(Path(url.removeprefix("sqlite://")).with_name("dev-acquirer.sqlite3"))


def dev_acquirer_config(settings: Settings) -> AcquirerConfig:
    _, shop_id, secret = acquirer_credentials(settings)
    public = settings.public_url.rstrip("/")
    return AcquirerConfig(
        shop_id=shop_id,
        secret_key=secret,
        webhook_url=public + "/payments/webhook",
        base_url=public + DEV_MOUNT,
        store_path=dev_store_path(settings),
    )


def mount_dev_acquirer(settings: Settings) -> tuple[Settings, list[BaseRoute]]:
    """The settings with the landing page allowed as a return URL, and the routes that
    serve the acquirer and the page. Refused in production, whatever the flag says."""
    if settings.production:
        raise ConfigError("PAYMENTS_BACKEND=dev takes any card number: never in production")
    landing = dev_landing_uri(settings)
    payments = settings.payments
    if landing not in payments.return_uris:
        payments = replace(payments, return_uris=(*payments.return_uris, landing))
    settings = replace(settings, payments=payments)
    routes: list[BaseRoute] = [
        Route(DEV_LANDING, payment_landing, methods=["GET"]),
        Mount(DEV_MOUNT, create_acquirer_app(dev_acquirer_config(settings))),
    ]
    return settings, routes
