"""Tariff types and the public `tariffs` query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from models import TariffKind
from resolvers.context import Context
from resolvers.filters import price_bound
from resolvers.pagination import PageArgs
from resolvers.tariff import TariffFilter as TariffQuery
from resolvers.tariff import resolve_tariffs
from schema.fields import computed
from schema.node import load_by_int_ids
from schema.pagination import Connection
from schema.scalars import Decimal, Money

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(TariffKind, description="What a tariff is for.")


@strawberry.type(description="A price plan with its monthly fee and allowances.")
class Tariff(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable short code, e.g. `family-max`.")
    name: str = strawberry.field(description="Name shown to people.")
    description: str = strawberry.field(description="What the tariff gives.")
    kind: TariffKind = strawberry.field(description="Mobile, home internet or TV.")
    minutes: int | None = strawberry.field(description="Minutes a month; null if none.")
    sms: int | None = strawberry.field(description="SMS a month; null if none.")
    data_mb: int | None = strawberry.field(description="Megabytes a month; null if none.")
    unlimited_data: bool = strawberry.field(description="Mobile data without a cap.")
    speed_mbps: int | None = strawberry.field(description="Home internet speed, Mbit/s.")
    tv_channels: int | None = strawberry.field(description="TV channels included.")

    monthly_fee: Money = computed(
        lambda row: Money.from_kopecks(row.monthly_fee), "The monthly fee."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.Tariff | cls)

    # rows, not instances of this class (Node.resolve_nodes is typed as returning Self)
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await load_by_int_ids(info.context.loaders.tariff_by_id, node_ids)


@strawberry.input(description="Narrow the tariff catalogue. Every field is optional.")
class TariffFilter:
    kind: TariffKind | None = strawberry.field(default=None, description="Only this kind.")
    price_min: Decimal | None = strawberry.field(
        default=None, description="Monthly fee at least this, roubles."
    )
    price_max: Decimal | None = strawberry.field(
        default=None, description="Monthly fee at most this, roubles."
    )
    unlimited_data: bool | None = strawberry.field(
        default=None, description="true: only unlimited data; false: only capped."
    )
    search: str | None = strawberry.field(
        default=None, description="Words in the name or description, any case."
    )

    def to_query(self) -> TariffQuery:
        return TariffQuery(
            kind=self.kind,
            price_min=price_bound(self.price_min, "priceMin"),
            price_max=price_bound(self.price_max, "priceMax"),
            unlimited_data=self.unlimited_data,
            search=self.search,
        )


@strawberry.type
class TariffQueries:
    @strawberry.field(description="The tariff catalogue, cheapest first. Needs no login.")
    async def tariffs(
        self,
        filter: TariffFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Tariff]:
        args = PageArgs(first=first, after=after, last=last, before=before)
        page = await resolve_tariffs((filter or TariffFilter()).to_query(), args)
        return Connection.from_page(page)
