"""The ledger of a line: payments in and charges out."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from schema.scalars import Money

EntryKind = strawberry.enum(models.EntryKind, description="Top-up, charge, refund, adjustment.")


@strawberry.type(description="One movement of money on a line.")
class LedgerEntry:
    kind: EntryKind = strawberry.field(description="What kind of movement.")  # type: ignore[valid-type]
    description: str = strawberry.field(description="As shown on the statement.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(description="Signed: positive in, negative out.")
    def amount(self) -> Money:
        return Money.from_kopecks(self.amount)  # type: ignore[arg-type]

    @strawberry.field(description="The balance right after it.")
    def balance_after(self) -> Money:
        return Money.from_kopecks(self.balance_after)  # type: ignore[arg-type]
