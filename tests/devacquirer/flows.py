"""What a shop and its customer do against the dev acquirer, and a webhook to catch its calls.

The shop's side is a plain httpx client with Basic auth on the API root; the customer's is
a second client that does not follow redirects, so where the acquirer sends the browser
(303 to the shop's return_url) is read off the answer.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devacquirer import CARD_SUCCESS, Shop

RETURN_URL = "http://shop.test/payments/return"
OTHER_SHOP = Shop("other-shop", "test_other-secret")
# Valid Luhn, but none of the numbers with a special meaning: these simply succeed.
VISA = "4111111111111111"
MIR = "2200000000000004"
FUTURE = f"12/{(date.today().year + 4) % 100:02d}"
PAST = "01/20"


def new_key() -> str:
    return str(uuid.uuid4())


def payment_body(**overrides: Any) -> dict[str, Any]:
    """A redirect payment of 150 roubles, as linehub would ask for a top-up."""
    body: dict[str, Any] = {
        "amount": {"value": "150.00", "currency": "RUB"},
        "capture": True,
        "confirmation": {"type": "redirect", "return_url": RETURN_URL},
        "description": "Top-up +7 900 000-00-00",
        "metadata": {"line": "79000000000"},
    }
    body.update(overrides)
    return body


def method_body(method_id: str, value: str = "99.00") -> dict[str, Any]:
    return {
        "amount": {"value": value, "currency": "RUB"},
        "capture": True,
        "payment_method_id": method_id,
    }


async def create(
    api: httpx.AsyncClient, body: dict[str, Any] | None = None, *, key: str | None = None
) -> dict[str, Any]:
    answer = await api.post(
        "payments", json=body or payment_body(), headers={"Idempotence-Key": key or new_key()}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def fetch(api: httpx.AsyncClient, payment_id: str) -> dict[str, Any]:
    answer = await api.get(f"payments/{payment_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


async def pay(
    browser: httpx.AsyncClient,
    payment: dict[str, Any],
    number: str = CARD_SUCCESS,
    *,
    expiry: str = FUTURE,
    cvc: str = "123",
) -> httpx.Response:
    """Type the card into the confirmation page and submit it."""
    url = payment["confirmation"]["confirmation_url"]
    return await browser.post(url, data={"card_number": number, "expiry": expiry, "cvc": cvc})


async def refund(
    api: httpx.AsyncClient, payment_id: str, value: str, *, key: str | None = None
) -> httpx.Response:
    return await api.post(
        "refunds",
        json={"payment_id": payment_id, "amount": {"value": value, "currency": "RUB"}},
        headers={"Idempotence-Key": key or new_key()},
    )


class Receiver:
    """The shop's webhook: records every notification; can fail the next few calls.

    `url` is set once it is served (see conftest).
    """

    def __init__(self) -> None:
        self.url = ""
        self.fail_next = 0
        self.attempts = 0
        self._received: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.fail_next, self.attempts = 0, 0
            self._received.clear()

    @property
    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._received)

    def events_for(self, object_id: str) -> list[str]:
        return [n["event"] for n in self.received if n["object"]["id"] == object_id]

    def objects_for(self, object_id: str) -> list[dict[str, Any]]:
        return [n["object"] for n in self.received if n["object"]["id"] == object_id]

    def app(self) -> Starlette:
        async def webhook(request: Request) -> Response:
            body = await request.json()
            with self._lock:
                self.attempts += 1
                if self.fail_next > 0:
                    self.fail_next -= 1
                    return Response("try later", status_code=500)
                self._received.append(body)
            return JSONResponse({})

        return Starlette(routes=[Route("/webhook", webhook, methods=["POST"])])
