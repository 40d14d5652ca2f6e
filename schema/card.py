"""Bank cards a person bound: the Card node, binding and unbinding."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from resolvers import card as card_resolvers
from resolvers.context import Context
from resolvers.ids import db_id
from schema.mutation import run_payload
from schema.node import typed_db_id
from schema.scalars import UserError


@strawberry.type(description="A bank card you bound; the number stays with the acquirer.")
class Card(relay.Node):
    id: relay.NodeID[int]
    mask: str = strawberry.field(
        description='First six and last four digits, "5555 55** **** 4477".'
    )
    brand: str = strawberry.field(description="MASTERCARD, VISA, MIR or OTHER.")
    is_default: bool = strawberry.field(description="Offered first when you pay.")

    @strawberry.field(description="The last day the card is valid.")
    def expires_at(self, root: strawberry.Parent[models.Card]) -> date:
        return root.expires_on

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.Card | cls)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        cards = {card.id: card for card in await card_resolvers.resolve_cards(info)}
        return [cards.get(db_id(i) or 0) for i in node_ids]


def card_db_id(raw: strawberry.ID) -> int | None:
    return typed_db_id(raw, "Card")


@strawberry.input
class BindCardInput:
    return_url: str = strawberry.field(
        description="Where the acquirer sends the browser back; one of PAYMENT_RETURN_URIS."
    )


@strawberry.type
class BindCardPayload:
    confirmation_url: str | None = strawberry.field(
        default=None, description="Open it to enter the card; one rouble is taken and returned."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CardInput:
    card_id: strawberry.ID = strawberry.field(description="One of your cards.")


@strawberry.type
class UnbindCardPayload:
    card: Card | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetDefaultCardPayload:
    card: Card | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CardMutations:
    @strawberry.mutation(description="Bind a bank card through the acquirer's page.")
    async def bind_card(self, info: Info[Context, None], input: BindCardInput) -> BindCardPayload:
        work = card_resolvers.resolve_bind_card(info, input.return_url)
        return await run_payload(
            info, BindCardPayload, work, lambda p: {"confirmation_url": p.confirmation_url}
        )

    @strawberry.mutation(
        description="Unbind a card: it pays for nothing more, autopays on it stop."
    )
    async def unbind_card(self, info: Info[Context, None], input: CardInput) -> UnbindCardPayload:
        work = card_resolvers.resolve_unbind_card(info, card_db_id(input.card_id))
        return await run_payload(info, UnbindCardPayload, work, "card")

    @strawberry.mutation(description="Make a card the one offered first.")
    async def set_default_card(
        self, info: Info[Context, None], input: CardInput
    ) -> SetDefaultCardPayload:
        work = card_resolvers.resolve_set_default_card(info, card_db_id(input.card_id))
        return await run_payload(info, SetDefaultCardPayload, work, "card")
