"""A line's request history, and a request by its global id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.expressions import Q

from auth.policy import Capability
from models.request import LineRequest, LineRequestKind, LineRequestStatus
from resolvers.access.lines import LineView, access_loader
from resolvers.filters import period_q
from resolvers.pagination import Keyset, Page, PageArgs, paginate

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context

REQUESTS = Keyset("lineRequests", (("created_at", datetime), ("id", int)), descending=True)


@dataclass(frozen=True)
class RequestFilter:
    start: datetime | None = None
    end: datetime | None = None
    kinds: list[LineRequestKind] | None = None
    statuses: list[LineRequestStatus] | None = None


async def resolve_requests(
    line: LineView, request_filter: RequestFilter, args: PageArgs
) -> Page[LineRequest]:
    """Newest first; VIEW_USAGE was checked by the field."""
    query = Q(line_id=line.row.id) & period_q(request_filter.start, request_filter.end)
    if request_filter.kinds:
        query &= Q(kind__in=request_filter.kinds)
    if request_filter.statuses:
        query &= Q(status__in=request_filter.statuses)
    return await paginate(LineRequest.filter(query), REQUESTS, args)


async def resolve_request_nodes(
    info: Info[Context, None], ids: list[int | None]
) -> list[LineRequest | None]:
    """Requests by id, each only for a viewer with VIEW_USAGE on its line."""
    if await info.context.current_session() is None:
        return [None] * len(ids)
    _, loader = await access_loader(info)
    rows = {r.id: r for r in await LineRequest.filter(id__in=[i for i in ids if i is not None])}
    line_ids = sorted({r.line_id for r in rows.values()})
    access = dict(zip(line_ids, await loader.load_many(line_ids), strict=True))
    return [
        rows[i] if i in rows and access[rows[i].line_id].allows(Capability.VIEW_USAGE) else None
        for i in ids
    ]
