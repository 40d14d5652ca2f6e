"""The card acquirer: YooKassa's API v3, the subset linehub uses.

https://yookassa.ru/developers/api: payments created with an `Idempotence-Key` (a
redirect confirmation for a card typed in the browser, or a saved `payment_method_id`),
read back by id, refunded. The `dev` backend is the same client pointed at the loopback
acquirer (devacquirer), so what tests exercise is what production runs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

import httpx

from config import YOOKASSA_API_URL, Settings
from models.card import CardFacts
from models.money import to_decimal
from models.payment import AcquirerState

log = logging.getLogger("linehub.payments")

# an acquirer's payment id as YooKassa writes them (a UUID); anything else never reaches
# a URL we build
ACQUIRER_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
BRANDS = {"MasterCard": "MASTERCARD", "Visa": "VISA", "Mir": "MIR"}


class AcquirerUnavailable(Exception):
    """The acquirer did not answer, or answered 5xx: the call may be repeated as it was."""


class AcquirerRefused(Exception):
    """The acquirer refused the request (4xx): repeating it changes nothing."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(f"{status} {code}: {description}")
        self.status, self.code = status, code


class YooKassa:
    """A YooKassa API v3 client: HTTP Basic auth with the shop id and secret key.

    Example:
        acquirer = YooKassa("https://api.yookassa.ru/v3", "123456", "live_...")
        state = await acquirer.create_payment("key-1", 500_00, "Top-up", {"ref": "..."},
                                              return_url="https://app.example.ru/paid")
    """

    def __init__(self, api_url: str, shop_id: str, secret_key: str, timeout: float = 15.0) -> None:
        self.api_url = api_url.rstrip("/")
        self._client = httpx.AsyncClient(
            auth=(shop_id, secret_key),
            timeout=timeout,
            headers={"Accept": "application/json"},
            # idle connections are dropped before the acquirer's side would close them,
            # or a call sometimes lands on one that is closing (a ReadError)
            limits=httpx.Limits(keepalive_expiry=2.0),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def create_payment(
        self,
        idempotence_key: str,
        amount: int,
        description: str,
        reference: str,
        *,
        return_url: str | None = None,
        method_id: str | None = None,
        save_method: bool = False,
    ) -> AcquirerState:
        """One payment; the same key and body return it again, whatever happened before."""
        body: dict[str, Any] = {
            "amount": _amount(amount),
            "capture": True,
            "description": description[:128],
            "metadata": {"linehub_ref": reference},
        }
        if method_id is not None:
            body["payment_method_id"] = method_id
        else:
            body["confirmation"] = {"type": "redirect", "return_url": return_url}
        if save_method:
            body["save_payment_method"] = True
        answer = await self._call("POST", "/payments", body, idempotence_key)
        return state_from(answer)

    async def get_payment(self, acquirer_id: str) -> AcquirerState:
        if not ACQUIRER_ID.fullmatch(acquirer_id):
            raise AcquirerRefused(404, "not_found", "not a payment id")
        return state_from(await self._call("GET", f"/payments/{acquirer_id}"))

    async def refund(self, idempotence_key: str, acquirer_id: str, amount: int) -> None:
        body = {"payment_id": acquirer_id, "amount": _amount(amount)}
        await self._call("POST", "/refunds", body, idempotence_key)

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, key: str | None = None
    ) -> dict[str, Any]:
        headers = {"Idempotence-Key": key} if key else {}
        try:
            response = await self._request(method, path, body, headers)
        except httpx.HTTPError as exc:
            raise AcquirerUnavailable(f"{method} {path}: {exc!r}") from exc
        # 409: the same key is still being worked on; 429: slow down. Both are answers
        # to ask again later, never a refusal of the payment
        if response.status_code >= 500 or response.status_code in (409, 429):
            raise AcquirerUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise AcquirerUnavailable(f"{method} {path}: not JSON") from exc
        if response.status_code >= 400 or not isinstance(answer, dict):
            error = answer if isinstance(answer, dict) else {}
            raise AcquirerRefused(
                response.status_code,
                str(error.get("code", "error")),
                str(error.get("description", "")),
            )
        return answer

    async def _request(
        self, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
    ) -> httpx.Response:
        """One call, sent again once when the connection broke before any answer: every
        call is a GET or carries its Idempotence-Key, so sending it twice is safe."""
        url = self.api_url + path
        try:
            return await self._client.request(method, url, json=body, headers=headers)
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
            return await self._client.request(method, url, json=body, headers=headers)


def _amount(kopecks: int) -> dict[str, str]:
    return {"value": format(to_decimal(kopecks), "f"), "currency": "RUB"}


def _kopecks(amount: Any) -> int:
    value = str((amount or {}).get("value", "0"))
    whole, _, part = value.partition(".")
    return int(whole) * 100 + int((part + "00")[:2])


def state_from(payment: dict[str, Any]) -> AcquirerState:
    """Our view of YooKassa's payment object."""
    confirmation = payment.get("confirmation") or {}
    cancellation = payment.get("cancellation_details") or {}
    method = payment.get("payment_method") or {}
    card = method.get("card") or {}
    saved = None
    if method.get("saved") and card:
        saved = CardFacts(
            method_id=str(method["id"]),
            first6=str(card.get("first6", "")),
            last4=str(card.get("last4", "")),
            expiry_month=int(card.get("expiry_month", 12)),
            expiry_year=int(card.get("expiry_year", 2099)),
            brand=BRANDS.get(str(card.get("card_type")), "OTHER"),
        )
    metadata = payment.get("metadata") or {}
    return AcquirerState(
        acquirer_id=str(payment["id"]),
        status=str(payment.get("status", "pending")),
        amount=_kopecks(payment.get("amount")),
        confirmation_url=confirmation.get("confirmation_url"),
        cancel_reason=cancellation.get("reason"),
        refunded=_kopecks(payment.get("refunded_amount")) if payment.get("refunded_amount") else 0,
        saved_card=saved,
        reference=metadata.get("linehub_ref"),
    )


DEV_SHOP_ID = "linehub-dev"
DEV_MOUNT = "/dev-acquirer"


def acquirer_credentials(settings: Settings) -> tuple[str, str, str]:
    """(API URL, shop id, secret key). The `dev` backend's are derived from SECRET_KEY,
    so the mounted loopback acquirer and this client agree without a file."""
    payments = settings.payments
    if payments.backend == "yookassa":
        return (
            payments.api_url or YOOKASSA_API_URL,
            payments.shop_id or "",
            payments.secret_key or "",
        )
    secret = hashlib.sha256(f"devacquirer:{settings.secret_key}".encode()).hexdigest()[:32]
    return (
        payments.api_url or settings.public_url.rstrip("/") + DEV_MOUNT + "/v3",
        payments.shop_id or DEV_SHOP_ID,
        payments.secret_key or secret,
    )


def acquirer_for(settings: Settings) -> YooKassa:
    return YooKassa(*acquirer_credentials(settings))
