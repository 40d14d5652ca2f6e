"""The payment state machine behind the API and the confirmation pages.

pending -> succeeded | canceled, decided by the card (see devacquirer.cards) when the
customer submits it, by a 3-D Secure code, or by the clock when nobody answers. One
asyncio lock serialises every change: the idempotence check and the payment it creates
are one step (twenty concurrent requests with one key make one payment), and two refunds
racing for the same payment cannot both fit.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from devacquirer.cards import (
    THREE_DS_CODE,
    Card,
    Verdict,
    check_cvc,
    decide,
    normalise_number,
    parse_expiry,
)
from devacquirer.config import AcquirerConfig
from devacquirer.errors import invalid
from devacquirer.notifier import Notifier
from devacquirer.objects import (
    IdempotenceRecord,
    Payment,
    Refund,
    money,
    new_payment_id,
    new_refund_id,
    timestamp,
)
from devacquirer.store import AcquirerStore
from devacquirer.validation import parse_payment, parse_refund


def _request_key(endpoint: str, body: Any) -> str:
    # Canonical JSON: a replay must be the same request, not the same bytes.
    return endpoint + "\n" + json.dumps(body, sort_keys=True, separators=(",", ":"))


class Acquirer:
    """Creates, decides, expires and refunds payments; notifies the shops.

    Args:
        config: shops, base URL and behaviour.
        store: where payments and saved cards live.
        notifier: sends the webhooks.
        clock: seconds since the epoch; injectable for expiry.
    """

    def __init__(
        self,
        config: AcquirerConfig,
        store: AcquirerStore,
        notifier: Notifier,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not config.base_url:
            raise ValueError("AcquirerConfig.base_url must be set (where the app is reached)")
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        self.store = store
        self.notifier = notifier
        self._clock = clock
        self._lock = asyncio.Lock()
        self._timers: set[asyncio.Task[None]] = set()

    # -- the API -------------------------------------------------------------------------

    async def create_payment(self, shop_id: str, key: str, body: Any) -> Payment:
        """`POST /v3/payments`: a new payment, or the one this key already made."""
        request_key = _request_key("POST /v3/payments", body)
        async with self._lock:
            replayed = self._replay(shop_id, key, request_key)
            if replayed is not None:
                payment = self.store.payment(replayed, shop_id)
                assert payment is not None
                return await self._expire_if_due(payment)
            request = parse_payment(body)
            method = None
            if request.method_id is not None:
                method = self.store.method(request.method_id, shop_id)
                if method is None:
                    raise invalid("payment_method_id", "Payment method is not saved or unknown")
            now = self._clock()
            payment = Payment(
                id=new_payment_id(),
                shop_id=shop_id,
                status="pending",
                amount=request.amount,
                currency=request.currency,
                description=request.description,
                metadata=request.metadata,
                created_at=timestamp(datetime.fromtimestamp(now, UTC)),
                expires_at=now + self.config.behaviour.snapshot().pending_expiry_seconds,
                return_url=request.return_url,
                save_method=request.save_method,
                stage="card",
            )
            if method is None:
                await self.store.put_payment(payment)
            else:
                payment = replace(payment, card=method.card, method_id=method.id, method_saved=True)
                verdict = decide(
                    method.number,
                    method.expiry_month,
                    method.expiry_year,
                    saved=True,
                    today=self._today(),
                )
                payment = await self._apply(payment, verdict)
            await self.store.put_idempotence(
                IdempotenceRecord(shop_id, key, request_key, payment.id)
            )
            if payment.status == "pending":
                self._schedule_expiry(payment)
            return payment

    async def payment(self, payment_id: str, shop_id: str | None = None) -> Payment | None:
        """The payment as it is now (a pending one past its time is expired first)."""
        payment = self.store.payment(payment_id, shop_id)
        if payment is None or payment.status != "pending" or payment.expires_at > self._clock():
            return payment
        async with self._lock:
            current = self.store.payment(payment_id, shop_id)
            return None if current is None else await self._expire_if_due(current)

    async def create_refund(self, shop_id: str, key: str, body: Any) -> Refund:
        """`POST /v3/refunds`: refund (part of) a succeeded payment, at once."""
        request_key = _request_key("POST /v3/refunds", body)
        async with self._lock:
            replayed = self._replay(shop_id, key, request_key)
            if replayed is not None:
                refund = self.store.refund(replayed, shop_id)
                assert refund is not None
                return refund
            request = parse_refund(body)
            payment = self.store.payment(request.payment_id, shop_id)
            if payment is None:
                raise invalid("payment_id", "Payment doesn't exist or access denied")
            if payment.status != "succeeded":
                raise invalid("payment_id", f"Payment is {payment.status}, not succeeded")
            if request.currency != payment.currency:
                raise invalid("amount.currency", "Refund currency differs from the payment's")
            if Decimal(request.amount) > payment.refundable_left:
                left = money(payment.refundable_left)
                raise invalid("amount.value", f"Refund exceeds what is left to refund ({left})")
            refund = Refund(
                id=new_refund_id(),
                shop_id=shop_id,
                payment_id=payment.id,
                amount=request.amount,
                currency=request.currency,
                description=request.description,
                created_at=timestamp(),
            )
            refunded = money(Decimal(payment.refunded) + Decimal(request.amount))
            await self.store.put_refund(refund)
            await self.store.put_payment(replace(payment, refunded=refunded))
            await self.store.put_idempotence(
                IdempotenceRecord(shop_id, key, request_key, refund.id)
            )
            self._notify(shop_id, "refund.succeeded", refund.to_json())
            return refund

    # -- the customer's browser ----------------------------------------------------------

    async def submit_card(self, payment_id: str, number: str, expiry: str, cvc: str) -> Payment:
        """The confirmation form was sent; nothing changes unless the card is well-formed.

        Raises:
            LookupError: no such payment.
            CardError: a malformed number, expiry or CVC (the payment is left as it was).
        """
        async with self._lock:
            payment = await self._expire_if_due(self._known(payment_id))
            if payment.status != "pending" or payment.stage != "card":
                return payment
            digits = normalise_number(number)
            month, year = parse_expiry(expiry)
            check_cvc(cvc)
            payment = replace(
                payment,
                card=Card.of(digits, month, year),
                method_id=payment.id,
                card_number=digits if payment.save_method else None,
            )
            verdict = decide(digits, month, year, saved=False, today=self._today())
            return await self._apply(payment, verdict)

    async def submit_code(self, payment_id: str, code: str) -> Payment:
        """The 3-D Secure form was sent: the right code pays, any other cancels."""
        async with self._lock:
            payment = await self._expire_if_due(self._known(payment_id))
            if payment.status != "pending" or payment.stage != "3ds":
                return payment
            if code.strip() == THREE_DS_CODE:
                return await self._apply(replace(payment, three_ds=True), Verdict("succeed"))
            return await self._apply(payment, Verdict("decline", "3d_secure_failed"))

    # -- state changes (under the lock) --------------------------------------------------

    def _replay(self, shop_id: str, key: str, request_key: str) -> str | None:
        record = self.store.idempotence(shop_id, key)
        if record is None:
            return None
        if record.request != request_key:
            raise invalid("Idempotence-Key", "Idempotence key duplicated")
        return record.object_id

    def _known(self, payment_id: str) -> Payment:
        payment = self.store.payment(payment_id)
        if payment is None:
            raise LookupError(payment_id)
        return payment

    async def _apply(self, payment: Payment, verdict: Verdict) -> Payment:
        if verdict.action == "succeed":
            if payment.save_method and payment.card_number:
                await self.store.put_method(payment.saved_method(timestamp()))
                payment = replace(payment, method_saved=True)
            payment = replace(
                payment, status="succeeded", stage="done", captured_at=timestamp(), card_number=None
            )
        elif verdict.action == "decline":
            payment = self._canceled(
                payment, "payment_network", verdict.reason or "general_decline"
            )
        elif verdict.action == "challenge":
            payment = replace(payment, stage="3ds")
        else:  # "hang": the bank never answers; only the expiry ends it
            payment = replace(payment, stage="processing", card_number=None)
        await self.store.put_payment(payment)
        if payment.status != "pending":
            self._notify(
                payment.shop_id, f"payment.{payment.status}", payment.to_json(self.base_url)
            )
        return payment

    @staticmethod
    def _canceled(payment: Payment, party: str, reason: str) -> Payment:
        return replace(
            payment,
            status="canceled",
            stage="done",
            cancel_party=party,
            cancel_reason=reason,
            card_number=None,
        )

    async def _expire_if_due(self, payment: Payment) -> Payment:
        if payment.status != "pending" or payment.expires_at > self._clock():
            return payment
        payment = self._canceled(payment, "yoo_money", "expired_on_confirmation")
        await self.store.put_payment(payment)
        self._notify(payment.shop_id, "payment.canceled", payment.to_json(self.base_url))
        return payment

    def _schedule_expiry(self, payment: Payment) -> None:
        # A timer, so the canceled notification goes out on time even if nobody asks. The
        # loop's clock is not the wall clock: a little late is fine, early re-arms.
        delay = max(payment.expires_at - self._clock(), 0.0) + 0.01
        asyncio.get_running_loop().call_later(delay, self._start_expiry, payment.id)

    def _start_expiry(self, payment_id: str) -> None:
        task = asyncio.get_running_loop().create_task(self._expire(payment_id))
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def _expire(self, payment_id: str) -> None:
        async with self._lock:
            payment = self.store.payment(payment_id)
            if payment is None or payment.status != "pending":
                return
            if payment.expires_at > self._clock():
                self._schedule_expiry(payment)
            else:
                await self._expire_if_due(payment)

    def _notify(self, shop_id: str, event: str, obj: dict[str, Any]) -> None:
        shop = self.config.shop(shop_id)
        if shop is not None:
            self.notifier.notify(shop, event, obj)

    def _today(self) -> date:
        return datetime.fromtimestamp(self._clock(), UTC).date()
