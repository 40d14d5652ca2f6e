"""The ledger of a line: payments in and charges out."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from models import EntryKind
from schema.scalars import Money

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(EntryKind, description="Top-up, charge, refund, adjustment.")


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
