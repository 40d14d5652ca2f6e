"""The trust payment ("Доверительный платёж"): the offer on a line, and taking it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

import models.trust
from i18n import translate
from models.trust import TrustOffer, TrustStatus
from resolvers import trust as trust_resolvers
from resolvers.context import Context
from schema.access.permissions import line_mutation
from schema.access.types import LineRef
from schema.mutation import line_and_request, run_payload
from schema.request import LineRequest
from schema.scalars import Money, UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(TrustStatus, description="Lent and not yet due, overdue, or repaid.")


@strawberry.type(description="A trust payment taken and not yet repaid.")
class TrustPayment:
    status: TrustStatus = strawberry.field(description="ACTIVE, or OVERDUE: the line is suspended.")
    taken_at: datetime = strawberry.field(description="When it was taken.")
    due_at: datetime = strawberry.field(description="When it must be repaid.")

    @strawberry.field(description="Lent.")
    def amount(self, root: strawberry.Parent[models.trust.TrustPayment]) -> Money:
        return Money.from_kopecks(root.amount)

    @strawberry.field(description="Paid back so far, from top-ups.")
    def repaid(self, root: strawberry.Parent[models.trust.TrustPayment]) -> Money:
        return Money.from_kopecks(root.repaid)

    @strawberry.field(description="Still owed; the next top-ups pay it first.")
    def outstanding(self, root: strawberry.Parent[models.trust.TrustPayment]) -> Money:
        return Money.from_kopecks(root.outstanding)


@strawberry.type(description="Whether a trust payment can be taken now, and on what terms.")
class TrustPaymentOffer:
    @strawberry.field(description="It can be taken now.")
    def eligible(self, root: strawberry.Parent[TrustOffer]) -> bool:
        return root.eligible

    @strawberry.field(description="Why not, in your language; null when eligible.")
    def reason(self, root: strawberry.Parent[TrustOffer], info: Info[Context, None]) -> str | None:
        return translate(root.reason, info.context.language) if root.reason else None

    @strawberry.field(description="What would be lent; zero when not eligible.")
    def amount(self, root: strawberry.Parent[TrustOffer]) -> Money:
        return Money.from_kopecks(root.amount)

    @strawberry.field(description="The fee, charged when it is taken.")
    def fee(self, root: strawberry.Parent[TrustOffer]) -> Money:
        return Money.from_kopecks(root.fee)

    @strawberry.field(description="When it would have to be repaid (3 days).")
    def due_at(self, root: strawberry.Parent[TrustOffer]) -> datetime | None:
        return root.due_at

    @strawberry.field(description="One is taken and not yet repaid.")
    def active(self, root: strawberry.Parent[TrustOffer]) -> bool:
        return root.active is not None

    @strawberry.field(
        description="The one taken, while it is not repaid.", graphql_type=TrustPayment | None
    )
    def current(self, root: strawberry.Parent[TrustOffer]) -> models.trust.TrustPayment | None:
        return root.active


@strawberry.input
class TakeTrustPaymentInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    idempotency_key: str = strawberry.field(
        description="Yours, e.g. a UUID: a retry with the same key takes nothing twice."
    )


@strawberry.type
class TakeTrustPaymentPayload:
    line: LineRef | None = None
    request: LineRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TrustMutations:
    @line_mutation(
        trust_resolvers.resolve_take_trust_payment,
        "Take the trust payment on offer: credited at once, repaid from the next top-ups.",
    )
    async def take_trust_payment(
        self, info: Info[Context, None], input: TakeTrustPaymentInput
    ) -> TakeTrustPaymentPayload:
        work = trust_resolvers.resolve_take_trust_payment(info, input.msisdn, input.idempotency_key)
        return await run_payload(info, TakeTrustPaymentPayload, work, line_and_request)
