"""Contracts: the agreement a line belongs to."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import ContractKind

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(ContractKind, description="Mobile or home internet.")


@strawberry.type(description="A contract: its holder owns every line on it.")
class Contract:
    number: str = strawberry.field(description="Contract number.")
    kind: ContractKind = strawberry.field(description="Mobile or home internet.")
    login: str | None = strawberry.field(description="Home internet login (089...).")
    signed_at: datetime = strawberry.field(description="When it was signed.")
