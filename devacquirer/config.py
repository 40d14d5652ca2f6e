"""What the dev acquirer knows: its shops, where it is reached, and how it misbehaves.

Everything here is plain data. `Behaviour` is the one mutable piece: tests hold the same
object the running acquirer reads on every request, so flipping a switch takes effect on
the very next request without restarting the server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from pathlib import Path

DEFAULT_SHOP_ID = "linehub-dev"
# A well-known key for a test acquirer on loopback, like the shop id: not a secret.
DEFAULT_SECRET_KEY = "test_linehub-dev-secret"  # noqa: S105


@dataclass(frozen=True)
class Shop:
    """A merchant account at the acquirer: HTTP Basic credentials and a webhook.

    Args:
        shop_id: the Basic auth user name (YooKassa's `shopId`).
        secret_key: the Basic auth password.
        webhook_url: where this shop's notifications are POSTed; `None` sends none.

    Example:
        >>> Shop("competitor", "test_other-secret")
    """

    shop_id: str
    secret_key: str
    webhook_url: str | None = None


@dataclass
class Behaviour:
    """Switches that make the acquirer behave like a real one on a bad day.

    Read on every request (and when a notification is sent), so a test flips a field and
    the next request sees it. Call `reset()` between tests when one acquirer serves several.

    Args:
        notifications: send webhooks at all.
        duplicate_rate: the probability (0..1) that a notification is sent twice.
        max_delay_seconds: each notification waits a random 0..this before it is sent, so
            two of them may arrive out of order.
        pending_expiry_seconds: a payment still pending this long after it was created is
            canceled with reason `expired_on_confirmation` (read when it is created).
        down: an HTTP status (500, 503, ...) that every /v3 call answers with instead of
            working; `None` is healthy. The confirmation pages keep working.
        slow_seconds: every /v3 call does its work, then waits this long before it answers,
            so a client that times out has still created what it asked for.

    Example:
        >>> behaviour = Behaviour()
        >>> behaviour.down = 503
        >>> behaviour.reset()
    """

    notifications: bool = True
    duplicate_rate: float = 0.0
    max_delay_seconds: float = 0.0
    pending_expiry_seconds: float = 900.0
    down: int | None = None
    slow_seconds: float = 0.0
    # Not a switch: keeps reset() from interleaving with a request reading the fields.
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def reset(self) -> None:
        """Back to a healthy acquirer that notifies once, at once."""
        fresh = Behaviour()
        with self._lock:
            for item in fields(self):
                if item.name != "_lock":
                    setattr(self, item.name, getattr(fresh, item.name))

    def snapshot(self) -> Behaviour:
        """A consistent copy, so one request is served under one set of switches."""
        with self._lock:
            copy = Behaviour()
            for item in fields(self):
                if item.name != "_lock":
                    setattr(copy, item.name, getattr(self, item.name))
            return copy


@dataclass
class AcquirerConfig:
    """Everything `create_acquirer_app` needs.

    Args:
        shop_id: the main shop's id (the Basic auth user name).
        secret_key: the main shop's secret key (the Basic auth password).
        webhook_url: where the main shop's notifications go; `None` sends none. Read at
            send time, so it may be changed while the acquirer runs.
        base_url: the URL the app is reached at, mount prefix included (confirmation URLs
            are built from it). The loopback runner fills it in when left `None`.
        other_shops: more merchants, to check that one shop never sees another's payments,
            saved cards or idempotence keys.
        behaviour: the misbehaviour switches (shared, mutable).
        store_path: a SQLite file that keeps payments and saved cards across restarts;
            `None` keeps everything in memory.
        seed: seeds the random choices (duplicates, delays) for reproducible runs.
        retry_delays: seconds to wait before each retry of a notification that failed
            (non-2xx or no connection); its length is the number of retries.

    Example:
        >>> config = AcquirerConfig(webhook_url="http://127.0.0.1:8000/payments/webhook")
        >>> config.behaviour.duplicate_rate = 0.2
    """

    shop_id: str = DEFAULT_SHOP_ID
    secret_key: str = DEFAULT_SECRET_KEY
    webhook_url: str | None = None
    base_url: str | None = None
    other_shops: tuple[Shop, ...] = ()
    behaviour: Behaviour = field(default_factory=Behaviour)
    store_path: str | Path | None = None
    seed: int | None = None
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)

    def shops(self) -> tuple[Shop, ...]:
        """The main shop first, then the others."""
        return (Shop(self.shop_id, self.secret_key, self.webhook_url), *self.other_shops)

    def shop(self, shop_id: str) -> Shop | None:
        return next((s for s in self.shops() if s.shop_id == shop_id), None)
