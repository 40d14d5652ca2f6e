"""A line's usage detail ("Детализация"): records newest first, with totals per kind."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tortoise.queryset import QuerySet

from auth.policy import Capability
from auth.throttle import EXPORTS_PER_USER, enforce
from jobs.usage_export import USAGE
from jobs.user import submit
from models.errors import DomainError, ErrorCode
from models.job import Job
from models.msisdn import normalize_any_number
from models.usage import (
    Direction,
    KindTotal,
    UsageKind,
    UsageQuery,
    UsageRecord,
    totals_by_kind,
)
from resolvers.access import requires
from resolvers.access.lines import LineView, line_for_mutation
from resolvers.pagination import Keyset, Page, PageArgs, paginate

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context

# an export without a period covers the last 30 days; one covers a year at most
DEFAULT_EXPORT_PERIOD = timedelta(days=30)
MAX_EXPORT_PERIOD = timedelta(days=366)
USAGE_ORDER = Keyset("usage", (("started_at", datetime), ("id", int)), descending=True)


@dataclass(frozen=True)
class UsageFilter:
    start: datetime | None = None
    end: datetime | None = None
    kinds: list[UsageKind] | None = None
    direction: Direction | None = None
    roaming: bool | None = None
    counterpart: str | None = None

    def to_query(self) -> UsageQuery:
        """The filter as the domain takes it: the counterpart in any usual form becomes
        the form records keep (INVALID_INPUT when it is no number at all)."""
        number = None
        if self.counterpart:
            text = self.counterpart.strip()
            number = text if text.isdigit() and len(text) <= 8 else normalize_any_number(text)
            if number is None:
                raise DomainError(
                    ErrorCode.INVALID_INPUT, "invalid_counterpart", field=["filter", "counterpart"]
                )
        return UsageQuery(
            self.start,
            self.end,
            tuple(self.kinds or ()),
            self.direction,
            self.roaming,
            number,
        )


@dataclass
class UsagePage:
    """A page of the detail and the whole filter's query, for totals asked of it."""

    page: Page[UsageRecord]
    query: QuerySet[UsageRecord]

    async def totals(self) -> list[KindTotal]:
        return await totals_by_kind(self.query)


async def resolve_usage(line: LineView, usage_filter: UsageFilter, args: PageArgs) -> UsagePage:
    """Newest first by keyset (no OFFSET: the thousandth page reads like the first);
    VIEW_USAGE was checked by the field."""
    query = usage_filter.to_query().records(line.row.id)
    return UsagePage(await paginate(query, USAGE_ORDER, args), query)


@requires(Capability.VIEW_USAGE)
async def resolve_request_usage_export(
    info: Info[Context, None], need: Capability, msisdn: str, usage_filter: UsageFilter, fmt: str
) -> Job:
    """Queue the detail for the filter as a file; without a period, the last 30 days.
    The file's language is the request's (Accept-Language)."""
    line, _, session = await line_for_mutation(info, msisdn, need)
    query = usage_filter.to_query()
    end = query.end or datetime.now(UTC)
    start = query.start or end - DEFAULT_EXPORT_PERIOD
    if end <= start or end - start > MAX_EXPORT_PERIOD:
        raise DomainError(ErrorCode.INVALID_INPUT, "export_period", field=["filter", "to"])
    await enforce(info.context.services.throttle, EXPORTS_PER_USER.of(str(session.user_id)))
    arguments: dict[str, Any] = {
        "line_id": line.id,
        "query": replace(query, start=start, end=end).as_json(),
        "format": fmt,
        "language": info.context.language,
    }
    return await submit(info.context.services.jobs, session.user_id, USAGE, arguments)
