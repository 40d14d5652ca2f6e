"""Service catalogue queries: every option a line can connect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tortoise.expressions import Q

from auth.policy import Capability
from models import LineService, Service, ServiceKind, Tariff
from models.errors import DomainError
from models.request import LineRequest
from models.service import connect, disconnect, refusal
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import LineView, line_for_mutation
from resolvers.filters import range_q, search_q
from resolvers.pagination import Keyset, Page, PageArgs, paginate

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context

# cheapest first; the id orders services of one price
SERVICE_ORDER = Keyset("serviceCatalog", (("price", int), ("id", int)))


@dataclass(frozen=True)
class ServiceFilter:
    """Narrowing of the catalogue; prices are kopecks per charge period."""

    kind: ServiceKind | None = None
    price_min: int | None = None
    price_max: int | None = None
    subscription: bool | None = None
    free: bool | None = None
    search: str | None = None
    # only what could be connected to this line (ids from compatible_ids)
    compatible: list[int] | None = None


async def resolve_service_catalog(filter: ServiceFilter, args: PageArgs) -> Page[Service]:
    query = Q(archived=False) & range_q(
        "price", filter.price_min, filter.price_max, ["filter", "priceMin"]
    )
    if filter.kind is not None:
        query &= Q(kind=filter.kind)
    if filter.subscription is not None:
        query &= Q(is_subscription=filter.subscription)
    if filter.free is not None:
        query &= Q(price=0) if filter.free else Q(price__gt=0)
    query &= search_q(filter.search)
    if filter.compatible is not None:
        query &= Q(id__in=filter.compatible) if filter.compatible else Q(id__lt=0)
    return await paginate(Service.filter(query), SERVICE_ORDER, args)


async def compatible_ids(info: Info[Context, None], msisdn: str) -> list[int] | None:
    """The catalogue services that could be connected to one of the viewer's lines, or
    None when the viewer does not see that number (the filter then matches nothing, as
    for a number that does not exist)."""
    try:
        line, _, _ = await line_for_mutation(info, msisdn, Capability.VIEW_SERVICES)
    except DomainError:
        return None
    rows = await LineService.filter(line_id=line.id).select_related("service")
    connected = [row.service for row in rows]
    taken = {service.id for service in connected}
    tariff = await Tariff.get_or_none(id=line.tariff_id or 0)
    candidates = await Service.filter(archived=False)
    return [
        s.id
        for s in candidates
        if s.id not in taken and refusal(s, line.contract.kind, tariff, connected) is None
    ]


@requires(Capability.MANAGE_SERVICES)
async def resolve_connect_service(
    info: Info[Context, None], need: Capability, msisdn: str, service_id: int | None
) -> tuple[LineView, LineRequest | None]:
    line, access, session = await line_for_mutation(info, msisdn, need)
    request = await connect(line.id, service_id or 0, actor_of(session))
    return LineView(line, access, info.context.loaders), request


@requires(Capability.MANAGE_SERVICES)
async def resolve_disconnect_service(
    info: Info[Context, None], need: Capability, msisdn: str, service_id: int | None
) -> tuple[LineView, LineRequest | None]:
    line, access, session = await line_for_mutation(info, msisdn, need)
    request = await disconnect(line.id, service_id or 0, actor_of(session))
    return LineView(line, access, info.context.loaders), request
