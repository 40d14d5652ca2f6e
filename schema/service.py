"""Service catalogue types and the public `serviceCatalog` query."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from models import ChargePeriod, ServiceKind
from resolvers import service as service_resolvers
from resolvers.context import Context
from resolvers.filters import price_bound
from resolvers.pagination import PageArgs
from resolvers.service import ServiceFilter as ServiceQuery
from resolvers.service import compatible_ids, resolve_service_catalog
from schema.access.permissions import line_mutation
from schema.access.types import LineRef
from schema.fields import computed
from schema.mutation import line_and_request, run_payload
from schema.node import load_by_int_ids, typed_db_id
from schema.pagination import Connection
from schema.request import LineRequest
from schema.scalars import Decimal, Money, UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(ServiceKind, description="What a service is for.")
strawberry.enum(ChargePeriod, description="How often a service is charged.")


@strawberry.type(name="Service", description="An option a line can connect.")
class ServiceType(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable short code.")
    name: str = strawberry.field(description="Name shown to people.")
    description: str = strawberry.field(description="What the service does.")
    kind: ServiceKind = strawberry.field(description="Mobile, home internet or TV.")
    period: ChargePeriod = strawberry.field(description="How often it is charged.")
    is_subscription: bool = strawberry.field(description="A recurring paid subscription.")

    price: Money = computed(
        lambda row: Money.from_kopecks(row.price), "Price per charge period (zero when free)."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.Service | cls)

    # rows, not instances of this class (Node.resolve_nodes is typed as returning Self)
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return await load_by_int_ids(info.context.loaders.service_by_id, node_ids)


@strawberry.input(description="Narrow the service catalogue. Every field is optional.")
class ServiceFilter:
    kind: ServiceKind | None = strawberry.field(default=None, description="Only this kind.")
    price_min: Decimal | None = strawberry.field(
        default=None, description="Price at least this, roubles."
    )
    price_max: Decimal | None = strawberry.field(
        default=None, description="Price at most this, roubles."
    )
    subscription: bool | None = strawberry.field(
        default=None, description="true: only recurring subscriptions."
    )
    free: bool | None = strawberry.field(default=None, description="true: only free services.")
    search: str | None = strawberry.field(
        default=None, description="Words in the name or description, any case."
    )
    compatible_with: str | None = strawberry.field(
        default=None,
        description="Only services that could be connected to this number of yours now "
        "(not connected, allowed by its tariff, no conflict); nothing for a number you "
        "do not see.",
    )

    def to_query(self, compatible: list[int] | None = None) -> ServiceQuery:
        return ServiceQuery(
            kind=self.kind,
            price_min=price_bound(self.price_min, "priceMin"),
            price_max=price_bound(self.price_max, "priceMax"),
            subscription=self.subscription,
            free=self.free,
            search=self.search,
            compatible=compatible,
        )


@strawberry.type
class ServiceQueries:
    @strawberry.field(description="Every service a line can connect, cheapest first.")
    async def service_catalog(
        self,
        info: Info[Context, None],
        filter: ServiceFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ServiceType]:
        args = PageArgs(first=first, after=after, last=last, before=before)
        given = filter or ServiceFilter()
        compatible = None
        if given.compatible_with is not None:
            compatible = await compatible_ids(info, given.compatible_with) or []
        page = await resolve_service_catalog(given.to_query(compatible), args)
        return Connection.from_page(page)


@strawberry.type(description="A service connected to a line.")
class LineService:
    connected_at: datetime = strawberry.field(description="When it was connected.")
    # computed: basic fields read off the row, with no resolver call per service
    service: ServiceType = strawberry.field(description="The catalogue entry.")
    price: Money = computed(
        lambda row: Money.from_kopecks(row.price), "Price per period as connected (zero when free)."
    )
    paid: bool = computed(
        lambda row: row.price > 0, "Whether it costs money: the forgotten subscription shows here."
    )


@strawberry.input
class ServiceChangeInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    service_id: strawberry.ID = strawberry.field(description="Service.id")


@strawberry.type
class ConnectServicePayload:
    line: LineRef | None = None
    request: LineRequest | None = strawberry.field(
        default=None, description="Null when it was connected already (nothing charged)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DisconnectServicePayload:
    line: LineRef | None = None
    request: LineRequest | None = strawberry.field(
        default=None, description="Null when it was not connected."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ServiceMutations:
    @line_mutation(
        service_resolvers.resolve_connect_service,
        "Connect a service; a paid subscription's first period is charged at once.",
    )
    async def connect_service(
        self, info: Info[Context, None], input: ServiceChangeInput
    ) -> ConnectServicePayload:
        work = service_resolvers.resolve_connect_service(
            info, input.msisdn, typed_db_id(input.service_id, "Service")
        )
        return await run_payload(info, ConnectServicePayload, work, line_and_request)

    @line_mutation(service_resolvers.resolve_disconnect_service, "Disconnect a service.")
    async def disconnect_service(
        self, info: Info[Context, None], input: ServiceChangeInput
    ) -> DisconnectServicePayload:
        work = service_resolvers.resolve_disconnect_service(
            info, input.msisdn, typed_db_id(input.service_id, "Service")
        )
        return await run_payload(info, DisconnectServicePayload, work, line_and_request)
