"""The ledger of a line: payments in and charges out."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from models import EntryKind
from resolvers import line as line_resolvers
from schema.scalars import Money

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(
    EntryKind, description="Top-up, charge, refund, adjustment, trust payment, bonuses."
)


@strawberry.type(description="One movement of money on a line.")
class LedgerEntry:
    kind: EntryKind = strawberry.field(description="What kind of movement.")
    description: str = strawberry.field(description="As shown on the statement.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(description="Signed: positive in, negative out.")
    def amount(self, root: strawberry.Parent[models.LedgerEntry]) -> Money:
        return Money.from_kopecks(root.amount)

    @strawberry.field(description="The balance right after it.")
    def balance_after(self, root: strawberry.Parent[models.LedgerEntry]) -> Money:
        return Money.from_kopecks(root.balance_after)

    @strawberry.field(description="Bonuses it gave (positive) or spent (negative).")
    def bonus(self, root: strawberry.Parent[models.LedgerEntry]) -> Money:
        return Money.from_kopecks(root.bonus)

    @strawberry.field(description="The bonus balance right after it.")
    def bonus_after(self, root: strawberry.Parent[models.LedgerEntry]) -> Money:
        return Money.from_kopecks(root.bonus_after)


@strawberry.input(description="Narrow a line's payments and charges. Every field is optional.")
class LedgerFilter:
    from_: datetime | None = strawberry.field(default=None, name="from", description="At or after.")
    to: datetime | None = strawberry.field(default=None, description="Before.")
    kinds: list[EntryKind] | None = strawberry.field(default=None, description="Only these kinds.")

    def to_query(self) -> line_resolvers.LedgerFilter:
        return line_resolvers.LedgerFilter(self.from_, self.to, self.kinds)
