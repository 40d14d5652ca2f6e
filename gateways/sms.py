"""SMS out: printed (console), appended as JSON lines (file), or POSTed to a gateway (http)."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from gateways.outbox import JsonLinesOutbox

log = logging.getLogger("linehub.sms")


class SmsGateway(Protocol):
    async def send(self, to: str, text: str) -> None: ...


class ConsoleSms:
    async def send(self, to: str, text: str) -> None:
        # development only: the text holds a secret, so it never goes to a production log
        log.info("SMS to %s: %s", to, text)


class FileSms:
    """One JSON object a line: {to, text, sent_at}; tests and developers read it back."""

    def __init__(self, path: str) -> None:
        self.outbox = JsonLinesOutbox(path)

    async def send(self, to: str, text: str) -> None:
        await self.outbox.append(to=to, text=text)


class HttpSms:
    """POST {to, text} as JSON to the operator's SMS gateway; a failure is logged, not raised
    to the person asking, so the answer cannot reveal whether an SMS was sent."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = timeout

    async def send(self, to: str, text: str) -> None:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(self.url, json={"to": to, "text": text})
                response.raise_for_status()
        except httpx.HTTPError as exc:
            log.error("SMS gateway failed for %s: %r", to, exc)


def sms_gateway(backend: str, *, outbox: str, url: str | None) -> SmsGateway:
    if backend == "file":
        return FileSms(outbox)
    if backend == "http" and url:
        return HttpSms(url)
    return ConsoleSms()
