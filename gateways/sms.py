"""SMS out: printed (console), appended as JSON lines (file), or POSTed to a gateway (http)."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import httpx

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
        self.path = Path(path)
        self._lock = asyncio.Lock()

    async def send(self, to: str, text: str) -> None:
        line = json.dumps(
            {"to": to, "text": text, "sent_at": datetime.now(UTC).isoformat()},
            ensure_ascii=False,
        )
        async with self._lock:
            await asyncio.to_thread(self._append, line)

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")


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
