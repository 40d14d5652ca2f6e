"""What is left of a line's package this period."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import AllowanceKind
from models.allowance import shown
from schema.fields import computed

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(AllowanceKind, description="Minutes, SMS or data.")


@strawberry.type(description="Remaining minutes, SMS or megabytes until the period resets.")
class Allowance:
    kind: AllowanceKind = strawberry.field(description="What it counts.")
    # an unlimited package has no size: null, not a 0 a client would show as "nothing left"
    total: int | None = computed(
        lambda row: None if row.unlimited else shown(row.kind, row.total),
        "The whole package this period; null when unlimited.",
    )
    left: int | None = computed(
        lambda row: None if row.unlimited else shown(row.kind, row.left),
        "What is left (data in whole MB, rounded down); null when unlimited.",
    )
    unit: str = strawberry.field(description="min, sms or MB.")
    unlimited: bool = strawberry.field(description="No cap: `left` is informational.")
    resets_at: datetime = strawberry.field(description="When the period starts again.")
