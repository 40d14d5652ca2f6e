"""Service catalogue queries: every option a line can connect."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from models import Service, ServiceKind
from resolvers.filters import range_q, search_q
from resolvers.pagination import Keyset, Page, PageArgs, paginate

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
    return await paginate(Service.filter(query), SERVICE_ORDER, args)
