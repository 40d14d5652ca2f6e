"""Payments by card: the Payment node, a line's payments, topUp."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from models import PaymentStatus
from resolvers import payment as payment_resolvers
from resolvers.context import Context
from resolvers.ids import db_id
from schema.access.permissions import line_mutation
from schema.card import Card, card_db_id
from schema.mutation import run_payload
from schema.scalars import Decimal, Money, UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(PaymentStatus, description="Where a payment stands.")


@strawberry.type(description="A payment by card: a top-up of a line.")
class Payment(relay.Node):
    id: relay.NodeID[int]
    status: PaymentStatus = strawberry.field(description="Pending, succeeded, failed ...")
    created_at: datetime = strawberry.field(description="When it was asked for.")
    failure_code: str | None = strawberry.field(
        description="The acquirer's reason for a decline, e.g. insufficient_funds."
    )

    @strawberry.field(description="How much.")
    def amount(self, root: strawberry.Parent[models.Payment]) -> Money:
        return Money.from_kopecks(root.amount)

    @strawberry.field(description="The bound card it was paid with; shown to its owner only.")
    async def card(
        self, root: strawberry.Parent[models.Payment], info: Info[Context, None]
    ) -> Card | None:
        found = await payment_resolvers.resolve_payment_card(info, root)
        return found  # type: ignore[return-value]  # a row, read by the Card type

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.Payment | cls)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await payment_resolvers.resolve_payment_nodes(info, [db_id(i) for i in node_ids])


@strawberry.input(description="Narrow a line's payments. Every field is optional.")
class PaymentFilter:
    from_: datetime | None = strawberry.field(default=None, name="from", description="At or after.")
    to: datetime | None = strawberry.field(default=None, description="Before.")
    statuses: list[PaymentStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )

    def to_query(self) -> payment_resolvers.PaymentFilter:
        return payment_resolvers.PaymentFilter(self.from_, self.to, self.statuses)


@strawberry.input
class TopUpInput:
    msisdn: str = strawberry.field(description="The number to top up, any format.")
    amount: Decimal = strawberry.field(description='10.00 to 15000.00 roubles, e.g. "300.00".')
    idempotency_key: str = strawberry.field(
        description="Yours, e.g. a UUID: a retry with the same key gets the first answer."
    )
    card_id: strawberry.ID | None = strawberry.field(
        default=None, description="Pay at once with one of your bound cards."
    )
    return_url: str | None = strawberry.field(
        default=None,
        description="Without a card: where the acquirer's page sends the browser back "
        "(one of PAYMENT_RETURN_URIS).",
    )


@strawberry.type
class TopUpPayload:
    payment: Payment | None = None
    confirmation_url: str | None = strawberry.field(
        default=None, description="Open it to pay by a card typed in; null when paid at once."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


def _top_up_fields(payment: models.Payment) -> dict[str, Any]:
    return {"payment": payment, "confirmation_url": payment_resolvers.confirmation_url(payment)}


@strawberry.type
class PaymentMutations:
    @line_mutation(payment_resolvers.resolve_top_up, "Top up a number by card.")
    async def top_up(self, info: Info[Context, None], input: TopUpInput) -> TopUpPayload:
        work = payment_resolvers.resolve_top_up(
            info,
            input.msisdn,
            input.amount,
            card_db_id(input.card_id) if input.card_id is not None else None,
            input.card_id is not None,
            input.return_url,
            input.idempotency_key,
        )
        return await run_payload(info, TopUpPayload, work, _top_up_fields)
