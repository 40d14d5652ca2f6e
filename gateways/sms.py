"""SMS out: printed (console), appended as JSON lines (file), or POSTed to a gateway (http)."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import httpx

from gateways.deferred import Deferred
from gateways.outbox import JsonLinesOutbox

log = logging.getLogger("linehub.sms")


class SmsGateway(Protocol):
    async def send(self, to: str, text: str) -> None:
        """Hand over an SMS from the operator; the answer never waits for delivery."""

    async def deliver(self, to: str, text: str, *, sender: str | None = None) -> None:
        """Hand over an SMS and wait until the gateway took it; raises if it did not (a
        job, which retries). `sender` is the subscriber's number for a free SMS."""


class ConsoleSms:
    async def send(self, to: str, text: str) -> None:
        # development only: the text holds a secret, so it never goes to a production log
        log.info("SMS to %s: %s", to, text)

    async def deliver(self, to: str, text: str, *, sender: str | None = None) -> None:
        log.info("SMS from %s to %s: %s", sender or "the operator", to, text)


class FileSms:
    """One JSON object a line: {to, text, sent_at}; tests and developers read it back."""

    def __init__(self, path: str) -> None:
        self.outbox = JsonLinesOutbox(path)

    async def send(self, to: str, text: str) -> None:
        await self.outbox.append(to=to, text=text)

    async def deliver(self, to: str, text: str, *, sender: str | None = None) -> None:
        if sender is None:
            await self.outbox.append(to=to, text=text)
        else:
            await self.outbox.append(to=to, text=text, sender=sender)


class HttpSms:
    """POST {to, text} as JSON to the operator's SMS gateway, in the background.

    The request that caused the SMS answers at once: waiting for the gateway would make a
    known number answer slower than an unknown one. Failures are logged; `close()` waits
    for what is still in flight, so a graceful shutdown loses no SMS.
    """

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = timeout
        self._client = httpx.AsyncClient(timeout=timeout)
        self._in_flight = Deferred()

    async def send(self, to: str, text: str) -> None:
        self._in_flight.start(self._post(to, text))

    async def deliver(self, to: str, text: str, *, sender: str | None = None) -> None:
        body = (
            {"to": to, "text": text} if sender is None else {"to": to, "text": text, "from": sender}
        )
        response = await self._client.post(self.url, json=body)
        response.raise_for_status()

    async def _post(self, to: str, text: str) -> None:
        try:
            await self.deliver(to, text)
        except httpx.HTTPStatusError as exc:
            # never the URL: it may carry the gateway's credentials
            log.error("SMS gateway answered %s for %s", exc.response.status_code, to)
        except httpx.HTTPError as exc:
            log.error("SMS gateway failed for %s: %s", to, type(exc).__name__)

    async def close(self) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await self._in_flight.settle()
        except TimeoutError:
            log.error("SMS still in flight at shutdown were given up")
        await self._client.aclose()


def sms_gateway(backend: str, *, outbox: str, url: str | None) -> SmsGateway:
    if backend == "file":
        return FileSms(outbox)
    if backend == "http" and url:
        return HttpSms(url)
    return ConsoleSms()
