"""Webhooks, sent the way a real acquirer sends them: late, sometimes twice, retried.

Each notification is a background task on the server's event loop, so the API answer
that caused it is never held up by the merchant's webhook. `Behaviour` may ask for a
random delay and for duplicates; the random choices come from one seedable generator.

The count of notifications not yet settled (delivered or given up on) is kept under a
threading condition, not an asyncio one: tests wait for it from their own thread or
their own event loop, never the server's.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Coroutine
from typing import Any

import httpx

from devacquirer.config import AcquirerConfig, Shop

log = logging.getLogger("devacquirer.notifier")

REQUEST_TIMEOUT = 10.0
# one TLS context for every delivery's client: building one loads the certificate
# bundle, 30 ms of CPU on the acquirer's only event loop, which two thousand deliveries
# turned into a minute's stall
_TLS = httpx.create_ssl_context()


class Notifier:
    """Sends `{"type": "notification", "event": ..., "object": ...}` to shops' webhooks.

    Args:
        config: the shops' webhook URLs, the retry delays, the seed, and the `Behaviour`
            read when each event happens.

    Example:
        >>> notifier.notify(shop, "payment.succeeded", payment.to_json(base_url))
        >>> notifier.wait_settled(timeout=5)  # from a test's thread
    """

    def __init__(self, config: AcquirerConfig) -> None:
        self._config = config
        self._random = random.Random(config.seed)
        self._settled = threading.Condition()
        self._in_flight = 0
        # strong references: the event loop keeps only weak ones to running tasks
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        with self._settled:
            return self._in_flight

    def notify(self, shop: Shop, event: str, obj: dict[str, Any]) -> None:
        """Schedule the notification; call it on the server's event loop.

        `obj` is sent as it is now: a later change to the payment sends its own event.
        """
        behaviour = self._config.behaviour.snapshot()
        if not behaviour.notifications or not shop.webhook_url:
            return
        body = {"type": "notification", "event": event, "object": obj}
        copies = 2 if self._random.random() < behaviour.duplicate_rate else 1
        for _ in range(copies):
            delay = self._random.uniform(0.0, max(behaviour.max_delay_seconds, 0.0))
            self._start(self._deliver(shop.webhook_url, body, delay))

    def wait_settled(self, timeout: float = 10.0) -> None:
        """Block until every scheduled notification is delivered or given up on.

        Raises:
            TimeoutError: some are still being sent (or retried) after `timeout` seconds.
        """
        with self._settled:
            if not self._settled.wait_for(lambda: self._in_flight == 0, timeout):
                raise TimeoutError(f"{self._in_flight} notification(s) still in flight")

    async def settled(self, within: float = 10.0) -> None:
        """`wait_settled` for async code, on any event loop but the server's own.

        Raises:
            TimeoutError: some are still in flight after `within` seconds.
        """
        deadline = time.monotonic() + within
        # A poll: the waiter's event loop is not the server's, so no asyncio.Event can
        # be shared, and a thread blocked on the condition would outlive a cancellation.
        while self.in_flight:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.in_flight} notification(s) still in flight")
            await asyncio.sleep(0.01)

    def _start(self, delivery: Coroutine[Any, Any, None]) -> None:
        with self._settled:
            self._in_flight += 1
        task = asyncio.get_running_loop().create_task(delivery)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        with self._settled:
            self._in_flight -= 1
            self._settled.notify_all()

    async def _deliver(self, url: str, body: dict[str, Any], delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        event, object_id = body["event"], body["object"].get("id")
        waits = (0.0, *self._config.retry_delays)
        async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, verify=_TLS) as client:
            for attempt, wait in enumerate(waits, start=1):
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    answer = await client.post(
                        url, json=body, headers={"User-Agent": "devacquirer"}
                    )
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                else:
                    if answer.is_success:
                        return
                    problem = f"HTTP {answer.status_code}"
                log.info(
                    "notification %s %s to %s failed (attempt %d of %d): %s",
                    event,
                    object_id,
                    url,
                    attempt,
                    len(waits),
                    problem,
                )
        log.warning("notification %s %s to %s: gave up", event, object_id, url)
