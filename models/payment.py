"""Payments by card through the acquirer: a top-up of a line, or the small payment that
binds a card. A payment's row is written before the acquirer hears of it, so a crash in
between loses nothing; the line is credited only from what the acquirer's API says
(`apply_state`), exactly once however often that is told."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, translate
from models.card import CardFacts, save_card
from models.errors import DomainError, ErrorCode
from models.ledger import EntryKind, credit
from models.money import to_kopecks
from models.topup import after_top_up

if TYPE_CHECKING:
    from models.card import Card
    from models.line import Line
    from models.person import User

# API.md section 10: what one top-up may be
TOP_UP_MIN = 10_00
TOP_UP_MAX = 15_000_00
# binding a card is a payment the acquirer refunds at once
BINDING_AMOUNT = 1_00
# a client's key: a UUID or the like. System keys (autopay) contain ":", which no
# client key may, so a client can never take one
CLIENT_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class PaymentStatus(StrEnum):
    PENDING = "PENDING"  # written, or sent and not yet decided
    REQUIRES_ACTION = "REQUIRES_ACTION"  # the payer must confirm at confirmationUrl
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # declined
    CANCELLED = "CANCELLED"  # not confirmed in time
    REFUNDED = "REFUNDED"


OPEN = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)


class PaymentPurpose(StrEnum):
    TOP_UP = "TOP_UP"
    CARD_BINDING = "CARD_BINDING"


class Payment(Model):
    id = fields.BigIntField(primary_key=True)
    payer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="payments", on_delete=fields.RESTRICT
    )
    payer_id: int
    purpose = fields.CharEnumField(PaymentPurpose, max_length=12)
    line: fields.ForeignKeyNullableRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="payments", null=True, on_delete=fields.RESTRICT
    )
    line_id: int | None
    card: fields.ForeignKeyNullableRelation[Card] = fields.ForeignKeyField(
        "linehub.Card", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    card_id: int | None
    amount = fields.BigIntField(description="kopecks")
    status = fields.CharEnumField(PaymentStatus, max_length=16, default=PaymentStatus.PENDING)
    # the payer's key; with the fingerprint of what was asked, a retry gets the first answer
    idempotency_key = fields.CharField(max_length=80)
    fingerprint = fields.CharField(max_length=64)
    # ours to the acquirer (random: unique across databases, as the acquirer needs)
    acquirer_key = fields.CharField(max_length=64, unique=True)
    acquirer_id = fields.CharField(max_length=64, null=True, unique=True)
    return_url = fields.CharField(max_length=500, null=True)
    confirmation_url = fields.CharField(max_length=1000, null=True)
    failure_code = fields.CharField(max_length=40, null=True)
    autopay_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment"
        ordering = ("-created_at", "-id")
        unique_together = (("payer", "idempotency_key"),)
        indexes = (
            Index(fields=("line_id", "created_at", "id"), name="payment_line_idx"),
            Index(fields=("status", "created_at"), name="payment_open_idx"),
            Index(fields=("card_id",), name="payment_card_idx"),
        )

    @property
    def open(self) -> bool:
        return self.status in OPEN


@dataclass(frozen=True)
class AcquirerState:
    """A payment as the acquirer's API reports it (never as a notification claims)."""

    acquirer_id: str
    status: str  # pending | waiting_for_capture | succeeded | canceled
    amount: int
    confirmation_url: str | None = None
    cancel_reason: str | None = None
    refunded: int = 0
    saved_card: CardFacts | None = None
    reference: str | None = None  # our acquirer_key, from the payment's metadata


def top_up_amount(amount: Decimal) -> int:
    """10.00 to 15 000.00 roubles, at most two decimals."""
    return check_top_up(to_kopecks(amount))


def check_top_up(kopecks: int) -> int:
    """A top-up's size in kopecks, within TOP_UP_MIN and TOP_UP_MAX."""
    if not TOP_UP_MIN <= kopecks <= TOP_UP_MAX:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "top_up_out_of_range",
            field=["amount"],
            min=f"{TOP_UP_MIN // 100}",
            max=f"{TOP_UP_MAX // 100}",
        )
    return kopecks


def check_client_key(key: str) -> str:
    if not CLIENT_KEY.fullmatch(key):
        raise DomainError(
            ErrorCode.INVALID_INPUT, "invalid_idempotency_key", field=["idempotencyKey"]
        )
    return key


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


async def open_payment(
    payer_id: int,
    key: str,
    purpose: PaymentPurpose,
    amount: int,
    *,
    line_id: int | None = None,
    card_id: int | None = None,
    return_url: str | None = None,
    autopay_id: int | None = None,
) -> Payment:
    """The payment for (payer, key): written now, or the one written before when the
    same thing was asked; another request under the same key is IDEMPOTENCY_KEY_REUSED.
    Concurrent submits of one key meet at the unique constraint and get one payment."""
    mark = fingerprint(purpose, line_id, amount, card_id, return_url)
    try:
        return await Payment.create(
            payer_id=payer_id,
            idempotency_key=key,
            fingerprint=mark,
            purpose=purpose,
            amount=amount,
            line_id=line_id,
            card_id=card_id,
            return_url=return_url,
            autopay_id=autopay_id,
            acquirer_key=secrets.token_hex(16),
        )
    except IntegrityError:
        existing = await Payment.get_or_none(payer_id=payer_id, idempotency_key=key)
        if existing is None:  # pragma: no cover - the key's row cannot vanish
            raise
        if existing.fingerprint != mark:
            raise DomainError(
                ErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotency_key_reused", field=["idempotencyKey"]
            ) from None
        return existing


def status_of(state: AcquirerState, amount: int) -> tuple[PaymentStatus, str | None]:
    """Our status for the acquirer's, with the reason of a failure."""
    if state.status == "succeeded":
        if state.refunded and state.refunded >= amount:
            return PaymentStatus.REFUNDED, None
        return PaymentStatus.SUCCEEDED, None
    if state.status == "canceled":
        reason = state.cancel_reason or "canceled"
        if reason in {"expired_on_confirmation", "canceled_by_merchant"}:
            return PaymentStatus.CANCELLED, reason
        return PaymentStatus.FAILED, reason
    if state.confirmation_url:
        return PaymentStatus.REQUIRES_ACTION, None
    return PaymentStatus.PENDING, None


async def apply_state(payment: Payment, state: AcquirerState) -> tuple[Payment, bool]:
    """Bring the payment to what the acquirer says, and act on a success exactly once:
    the line credited (top-up) or the card kept (binding). The move out of an open
    status is a conditional UPDATE, so of two deliveries racing only one makes it;
    decided payments never move back, whatever order notifications come in. Answers the
    payment as it is now and whether this call decided it."""
    if state.amount != payment.amount or (
        state.reference and state.reference != payment.acquirer_key
    ):
        # the acquirer answered for another payment: never credit on it
        raise ValueError(f"acquirer state {state.acquirer_id} does not match payment {payment.id}")
    status, reason = status_of(state, payment.amount)
    decided = False
    async with in_transaction() as conn:
        if status in OPEN:
            await (
                Payment.filter(id=payment.id, status__in=OPEN)
                .using_db(conn)
                .update(
                    status=status,
                    acquirer_id=state.acquirer_id,
                    confirmation_url=state.confirmation_url,
                )
            )
        else:
            now = datetime.now(UTC)
            first_status = PaymentStatus.SUCCEEDED if status is PaymentStatus.REFUNDED else status
            decided = bool(
                await Payment.filter(id=payment.id, status__in=OPEN)
                .using_db(conn)
                .update(
                    status=first_status,
                    acquirer_id=state.acquirer_id,
                    failure_code=reason,
                    decided_at=now,
                )
            )
            if decided and first_status is PaymentStatus.SUCCEEDED:
                await _on_success(conn, payment, state)
            if status is PaymentStatus.REFUNDED:
                refunded = await (
                    Payment.filter(id=payment.id, status=PaymentStatus.SUCCEEDED)
                    .using_db(conn)
                    .update(status=PaymentStatus.REFUNDED)
                )
                if refunded and payment.purpose is PaymentPurpose.TOP_UP and payment.line_id:
                    # money given back by the acquirer leaves the line's balance with it
                    await credit(
                        conn,
                        payment.line_id,
                        -payment.amount,
                        EntryKind.REFUND,
                        translate("entry_refund", OPERATOR_LANGUAGE),
                        idempotency_key=f"refund:{payment.id}",
                        restore=False,
                    )
    return await Payment.get(id=payment.id), decided


async def _on_success(conn: BaseDBAsyncClient, payment: Payment, state: AcquirerState) -> None:
    # only a binding saves a card: a payment by a card saved before reports it saved as
    # well, and saving it again would bring back a card its owner has since removed
    if payment.purpose is PaymentPurpose.CARD_BINDING and state.saved_card is not None:
        card = await save_card(conn, payment.payer_id, state.saved_card)
        await Payment.filter(id=payment.id).using_db(conn).update(card_id=card.id)
    if payment.purpose is PaymentPurpose.TOP_UP and payment.line_id is not None:
        await after_top_up(
            conn, payment.line_id, payment.amount, f"pay:{payment.id}", EntryKind.TOP_UP
        )


async def open_payments(older_than: datetime, limit: int = 500) -> list[Payment]:
    """Payments still open since before `older_than`: the reconciler asks about them."""
    return list(
        await Payment.filter(status__in=OPEN, created_at__lt=older_than)
        .order_by("created_at", "id")
        .limit(limit)
    )


async def unrefunded_bindings(decided_before: datetime, limit: int = 500) -> list[Payment]:
    """Card bindings that succeeded a while ago and still hold the payer's rouble."""
    return list(
        await Payment.filter(
            purpose=PaymentPurpose.CARD_BINDING,
            status=PaymentStatus.SUCCEEDED,
            decided_at__lt=decided_before,
        )
        .order_by("decided_at", "id")
        .limit(limit)
    )
