"""Bank cards a person bound through the acquirer: only its method id and what a person
needs to recognise the card (mask, brand, expiry). The number never reaches linehub."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from models.person import User


@dataclass(frozen=True)
class CardFacts:
    """A saved payment method as the acquirer describes it."""

    method_id: str
    first6: str
    last4: str
    expiry_month: int
    expiry_year: int
    brand: str

    @property
    def mask(self) -> str:
        return f"{self.first6[:4]} {self.first6[4:6]}** **** {self.last4}"

    @property
    def expires_on(self) -> date:
        last_day = calendar.monthrange(self.expiry_year, self.expiry_month)[1]
        return date(self.expiry_year, self.expiry_month, last_day)


class Card(Model):
    """A bound card. Removed cards stay (payments name them) but pay for nothing."""

    id = fields.BigIntField(primary_key=True)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="cards", on_delete=fields.CASCADE
    )
    owner_id: int
    method_id = fields.CharField(max_length=64)
    mask = fields.CharField(max_length=24)
    brand = fields.CharField(max_length=20)
    expires_on = fields.DateField()
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    removed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "card"
        ordering = ("created_at", "id")
        unique_together = (("owner", "method_id"),)
        indexes = (Index(fields=("owner_id", "removed_at"), name="card_owner_idx"),)

    @property
    def active(self) -> bool:
        return self.removed_at is None and self.expires_on >= datetime.now(UTC).date()


async def save_card(conn: BaseDBAsyncClient, owner_id: int, facts: CardFacts) -> Card:
    """Keep a method the acquirer saved; binding the same card again brings it back. The
    first active card is the default one."""
    has_default = (
        await Card.filter(owner_id=owner_id, removed_at=None, is_default=True)
        .using_db(conn)
        .exists()
    )
    card = await Card.get_or_none(owner_id=owner_id, method_id=facts.method_id, using_db=conn)
    values = {
        "mask": facts.mask,
        "brand": facts.brand,
        "expires_on": facts.expires_on,
        "removed_at": None,
    }
    if card is None:
        return await Card.create(
            owner_id=owner_id,
            method_id=facts.method_id,
            is_default=not has_default,
            using_db=conn,
            **values,
        )
    await (
        Card.filter(id=card.id)
        .using_db(conn)
        .update(is_default=card.is_default or not has_default, **values)
    )
    return await Card.get(id=card.id, using_db=conn)


async def cards_of(owner_id: int) -> list[Card]:
    return list(await Card.filter(owner_id=owner_id, removed_at=None).order_by("created_at", "id"))


async def own_card(owner_id: int, card_id: int | None, field: str = "cardId") -> Card:
    """The owner's active card; anyone else's, a removed or an expired one is NOT_FOUND
    alike, so a card id tells a stranger nothing."""
    card = (
        await Card.get_or_none(id=card_id, owner_id=owner_id, removed_at=None)
        if card_id is not None
        else None
    )
    if card is None or not card.active:
        raise DomainError(ErrorCode.NOT_FOUND, "card_not_found", field=[field])
    return card


async def remove_card(owner_id: int, card_id: int | None) -> Card:
    """Unbind: the card pays for nothing more (autopays on it stop); the next card
    becomes the default."""
    card = await own_card(owner_id, card_id)
    async with in_transaction() as conn:
        now = datetime.now(UTC)
        await Card.filter(id=card.id).using_db(conn).update(removed_at=now, is_default=False)
        if card.is_default:
            following = (
                await Card.filter(owner_id=owner_id, removed_at=None)
                .using_db(conn)
                .order_by("created_at", "id")
                .first()
            )
            if following is not None:
                await Card.filter(id=following.id).using_db(conn).update(is_default=True)
    card.removed_at, card.is_default = now, False
    return card


async def make_default(owner_id: int, card_id: int | None) -> Card:
    card = await own_card(owner_id, card_id)
    async with in_transaction() as conn:
        await Card.filter(owner_id=owner_id).using_db(conn).update(is_default=False)
        await Card.filter(id=card.id).using_db(conn).update(is_default=True)
    card.is_default = True
    return card
