"""A line's usage detail ("Детализация"): records newest first, with totals per kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models.errors import DomainError, ErrorCode
from models.msisdn import normalize_any_number
from models.usage import Direction, KindTotal, UsageKind, UsageRecord, totals_by_kind
from resolvers.access.lines import LineView
from resolvers.filters import period_q
from resolvers.pagination import Keyset, Page, PageArgs, paginate

USAGE_ORDER = Keyset("usage", (("started_at", datetime), ("id", int)), descending=True)


@dataclass(frozen=True)
class UsageFilter:
    start: datetime | None = None
    end: datetime | None = None
    kinds: list[UsageKind] | None = None
    direction: Direction | None = None
    roaming: bool | None = None
    counterpart: str | None = None


@dataclass
class UsagePage:
    """A page of the detail and the whole filter's query, for totals asked of it."""

    page: Page[UsageRecord]
    query: QuerySet[UsageRecord]

    async def totals(self) -> list[KindTotal]:
        return await totals_by_kind(self.query)


def _filtered(line: LineView, usage_filter: UsageFilter) -> QuerySet[UsageRecord]:
    query = Q(line_id=line.row.id) & period_q(usage_filter.start, usage_filter.end, "started_at")
    if usage_filter.kinds:
        query &= Q(kind__in=usage_filter.kinds)
    if usage_filter.direction is not None:
        query &= Q(direction=usage_filter.direction)
    if usage_filter.roaming is not None:
        query &= Q(roaming=usage_filter.roaming)
    if usage_filter.counterpart:
        text = usage_filter.counterpart.strip()
        number = text if text.isdigit() and len(text) <= 8 else normalize_any_number(text)
        if number is None:
            raise DomainError(
                ErrorCode.INVALID_INPUT, "invalid_counterpart", field=["filter", "counterpart"]
            )
        query &= Q(counterpart=number)
    return UsageRecord.filter(query)


async def resolve_usage(line: LineView, usage_filter: UsageFilter, args: PageArgs) -> UsagePage:
    """Newest first by keyset (no OFFSET: the thousandth page reads like the first);
    VIEW_USAGE was checked by the field."""
    query = _filtered(line, usage_filter)
    return UsagePage(await paginate(query, USAGE_ORDER, args), query)
