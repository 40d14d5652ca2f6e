"""The acquirer's records and the JSON a YooKassa client sees of them.

Records are frozen: a state change is a new record put back in the store, so a reader in
another thread never sees a half-changed payment. Amounts are kept as the canonical
two-decimal strings YooKassa answers with; timestamps as the ISO strings it answers with.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, TypeAlias

from devacquirer.cards import Card

Status: TypeAlias = Literal["pending", "succeeded", "canceled"]
# Where a pending payment stands: waiting for a card, for a 3-D Secure code, or for a bank
# that never answers. Internal; the client sees `status` only.
Stage: TypeAlias = Literal["card", "3ds", "processing", "done"]

# The second group of YooKassa's ids tells the kind of object.
_PAYMENT_KIND = "000f"
_REFUND_KIND = "0015"


def _new_id(kind: str) -> str:
    return f"{secrets.token_hex(4)}-{kind}-5000-{secrets.choice('89ab')}000-{secrets.token_hex(6)}"


def new_payment_id() -> str:
    return _new_id(_PAYMENT_KIND)


def new_refund_id() -> str:
    return _new_id(_REFUND_KIND)


def timestamp(moment: datetime | None = None) -> str:
    """`2024-05-01T10:00:00.123Z`: UTC, milliseconds, as YooKassa writes times."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def amount_json(value: str, currency: str) -> dict[str, str]:
    return {"value": value, "currency": currency}


@dataclass(frozen=True)
class SavedMethod:
    """A card saved for a shop's later payments (`payment_method_id`)."""

    id: str
    shop_id: str
    # The only place a card number is kept; repr=False keeps it out of logs and tracebacks.
    number: str = field(repr=False)
    expiry_month: str
    expiry_year: str
    created_at: str

    @property
    def card(self) -> Card:
        return Card.of(self.number, self.expiry_month, self.expiry_year)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SavedMethod:
        return cls(**row)


@dataclass(frozen=True)
class Payment:
    """One payment, in whatever state it is in."""

    id: str
    shop_id: str
    status: Status
    amount: str
    currency: str
    description: str | None
    metadata: dict[str, str]
    created_at: str
    # seconds since the epoch after which a pending payment is canceled
    expires_at: float
    return_url: str | None
    save_method: bool
    stage: Stage
    method_id: str | None = None
    method_saved: bool = False
    card: Card | None = None
    # Held only between a card form and its 3-D Secure step, for a payment that saves
    # the card; dropped once the payment is decided.
    card_number: str | None = field(default=None, repr=False)
    three_ds: bool = False
    captured_at: str | None = None
    cancel_party: str | None = None
    cancel_reason: str | None = None
    refunded: str = "0.00"

    def saved_method(self, created_at: str) -> SavedMethod:
        """The card this payment was made with, saved under the payment's id (as YooKassa
        names a method after the payment that saved it)."""
        if self.card is None or self.card_number is None:
            raise ValueError(f"payment {self.id} holds no card to save")
        card = self.card
        return SavedMethod(
            self.id, self.shop_id, self.card_number, card.expiry_month, card.expiry_year, created_at
        )

    @property
    def refundable_left(self) -> Decimal:
        return Decimal(self.amount) - Decimal(self.refunded)

    def to_json(self, base_url: str) -> dict[str, Any]:
        """The payment object of YooKassa API v3."""
        body: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "paid": self.status == "succeeded",
            "amount": amount_json(self.amount, self.currency),
        }
        if self.description is not None:
            body["description"] = self.description
        body["metadata"] = dict(self.metadata)
        body["created_at"] = self.created_at
        if self.status == "pending" and self.return_url and self.stage in ("card", "3ds"):
            body["confirmation"] = {
                "type": "redirect",
                "confirmation_url": f"{base_url.rstrip('/')}/confirm/{self.id}",
                "return_url": self.return_url,
            }
        if self.card is not None and self.method_id is not None:
            body["payment_method"] = {
                "type": "bank_card",
                "id": self.method_id,
                "saved": self.method_saved,
                "title": f"Bank card *{self.card.last4}",
                "card": self.card.to_json(),
            }
        if self.status == "succeeded":
            # made-up but stable, and digits like the real ones
            digits = str(int(self.id.replace("-", ""), 16))
            body["captured_at"] = self.captured_at
            body["authorization_details"] = {
                "rrn": digits[-12:],
                "auth_code": digits[:6],
                "three_d_secure": {"applied": self.three_ds},
            }
        if self.status == "canceled":
            body["cancellation_details"] = {
                "party": self.cancel_party,
                "reason": self.cancel_reason,
            }
        body["refundable"] = self.status == "succeeded" and self.refundable_left > 0
        if Decimal(self.refunded) > 0:
            body["refunded_amount"] = amount_json(self.refunded, self.currency)
        body["test"] = True
        return body

    def to_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Payment:
        card = row.get("card")
        return cls(**{**row, "card": Card(**card) if card else None})


@dataclass(frozen=True)
class Refund:
    """A refund; the dev acquirer only makes succeeded ones."""

    id: str
    shop_id: str
    payment_id: str
    amount: str
    currency: str
    description: str | None
    created_at: str

    def to_json(self) -> dict[str, Any]:
        """The refund object of YooKassa API v3."""
        body: dict[str, Any] = {
            "id": self.id,
            "payment_id": self.payment_id,
            "status": "succeeded",
            "amount": amount_json(self.amount, self.currency),
            "created_at": self.created_at,
        }
        if self.description is not None:
            body["description"] = self.description
        return body

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Refund:
        return cls(**row)


@dataclass(frozen=True)
class IdempotenceRecord:
    """What a shop's idempotence key was first used for, and what it made."""

    shop_id: str
    key: str
    # the endpoint and the canonical JSON of the body: a replay must match it exactly
    request: str
    object_id: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> IdempotenceRecord:
        return cls(**row)
