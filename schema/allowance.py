"""What is left of a line's package this period."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models

AllowanceKind = strawberry.enum(models.AllowanceKind, description="Minutes, SMS or data.")


@strawberry.type(description="Remaining minutes, SMS or megabytes until the period resets.")
class Allowance:
    kind: AllowanceKind = strawberry.field(description="What it counts.")  # type: ignore[valid-type]
    total: int = strawberry.field(description="The whole package this period.")
    left: int = strawberry.field(description="What is left.")
    unit: str = strawberry.field(description="min, sms or MB.")
    unlimited: bool = strawberry.field(description="No cap: `left` is informational.")
    resets_at: datetime = strawberry.field(description="When the period starts again.")
