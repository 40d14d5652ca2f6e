"""Tariff queries: the public catalogue of price plans."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from models import Tariff, TariffKind
from resolvers.filters import range_q, search_q
from resolvers.pagination import Keyset, Page, PageArgs, paginate

# cheapest first; the id orders tariffs of one price
TARIFF_ORDER = Keyset("tariffs", (("monthly_fee", int), ("id", int)))


@dataclass(frozen=True)
class TariffFilter:
    """What a visitor narrows the catalogue by. Prices are kopecks of the monthly fee."""

    kind: TariffKind | None = None
    price_min: int | None = None
    price_max: int | None = None
    unlimited_data: bool | None = None
    search: str | None = None


async def resolve_tariffs(filter: TariffFilter, args: PageArgs) -> Page[Tariff]:
    query = Q(archived=False) & range_q(
        "monthly_fee", filter.price_min, filter.price_max, ["filter", "priceMin"]
    )
    if filter.kind is not None:
        query &= Q(kind=filter.kind)
    if filter.unlimited_data is not None:
        query &= Q(unlimited_data=filter.unlimited_data)
    query &= search_q(filter.search)
    return await paginate(Tariff.filter(query), TARIFF_ORDER, args)
