"""Autopay: a line topped up from a bound card below a threshold, or monthly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models.autopay
from models.autopay import AutopayMode
from resolvers import autopay as autopay_resolvers
from resolvers.context import Context
from resolvers.ids import db_id
from schema.access.permissions import line_mutation
from schema.card import Card, card_db_id
from schema.mutation import run_payload
from schema.node import typed_db_id
from schema.scalars import Decimal, Money, UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(AutopayMode, description="THRESHOLD: below a balance; MONTHLY: on a day.")


def _money(kopecks: int | None) -> Money | None:
    return Money.from_kopecks(kopecks) if kopecks is not None else None


@strawberry.type(description="A line topped up automatically from its payer's card.")
class Autopay(relay.Node):
    id: relay.NodeID[int]
    mode: AutopayMode = strawberry.field(description="Below a threshold, or monthly.")
    day_of_month: int | None = strawberry.field(description="MONTHLY: the day, 1 to 28.")
    active: bool = strawberry.field(description="False once removed, or stopped after failures.")
    stopped_reason: str | None = strawberry.field(
        description="Why it stopped: removed, card_removed, or the bank's reason."
    )

    @strawberry.field(description="Added each time.")
    def amount(self, root: strawberry.Parent[models.autopay.Autopay]) -> Money:
        return Money.from_kopecks(root.amount)

    @strawberry.field(description="THRESHOLD: when the balance falls below this.")
    def threshold(self, root: strawberry.Parent[models.autopay.Autopay]) -> Money | None:
        return _money(root.threshold)

    @strawberry.field(description="At most this much a calendar month; null: no cap.")
    def monthly_limit(self, root: strawberry.Parent[models.autopay.Autopay]) -> Money | None:
        return _money(root.monthly_limit)

    @strawberry.field(description="The card it pays with; shown to its owner only.")
    async def card(
        self, root: strawberry.Parent[models.autopay.Autopay], info: Info[Context, None]
    ) -> Card | None:
        found = await autopay_resolvers.resolve_autopay_card(info, root)
        return found  # type: ignore[return-value]  # a row, read by the Card type

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.autopay.Autopay | cls)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        ids = [db_id(i) for i in node_ids]
        return await autopay_resolvers.resolve_autopay_nodes(info, ids)


@strawberry.input
class SetAutopayInput:
    msisdn: str = strawberry.field(description="The number to keep topped up, any format.")
    card_id: strawberry.ID = strawberry.field(description="One of your bound cards.")
    mode: AutopayMode = strawberry.field(description="THRESHOLD or MONTHLY.")
    amount: Decimal = strawberry.field(description="Added each time: 10.00 to 15000.00.")
    threshold: Decimal | None = strawberry.field(
        default=None, description="THRESHOLD: top up when the balance falls below this."
    )
    day_of_month: int | None = strawberry.field(default=None, description="MONTHLY: 1 to 28.")
    monthly_limit: Decimal | None = strawberry.field(
        default=None, description="At most this much a calendar month."
    )


@strawberry.type
class SetAutopayPayload:
    autopay: Autopay | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RemoveAutopayInput:
    autopay_id: strawberry.ID = strawberry.field(description="The autopay to stop.")


@strawberry.type
class RemoveAutopayPayload:
    autopay: Autopay | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AutopayMutations:
    @line_mutation(
        autopay_resolvers.resolve_set_autopay,
        "Top the number up from your card automatically (replaces your autopay of that mode).",
    )
    async def set_autopay(
        self, info: Info[Context, None], input: SetAutopayInput
    ) -> SetAutopayPayload:
        work = autopay_resolvers.resolve_set_autopay(
            info,
            input.msisdn,
            card_db_id(input.card_id),
            input.mode,
            input.amount,
            input.threshold,
            input.day_of_month,
            input.monthly_limit,
        )
        return await run_payload(info, SetAutopayPayload, work, "autopay")

    @line_mutation(autopay_resolvers.resolve_remove_autopay, "Stop an autopay.")
    async def remove_autopay(
        self, info: Info[Context, None], input: RemoveAutopayInput
    ) -> RemoveAutopayPayload:
        work = autopay_resolvers.resolve_remove_autopay(
            info, typed_db_id(input.autopay_id, "Autopay")
        )
        return await run_payload(info, RemoveAutopayPayload, work, "autopay")
