"""Reading a long list in keyset pages, oldest first: for statements and exports that
go through every row of a line's history without holding it all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


async def oldest_first(query: QuerySet[M], moment: str, page: int = 1000) -> AsyncIterator[list[M]]:
    """The rows of `query` by (`moment`, id) ascending, a page at a time: memory stays
    flat and no page rescans the ones before it (no OFFSET)."""
    after: tuple[datetime, int] | None = None
    while True:
        window = query
        if after is not None:
            at, last = after
            # the bound on `moment` alone, beside the OR, is what PostgreSQL can read as
            # an index range: without it page k rescanned the k - 1 pages before it
            since: dict[str, Any] = {f"{moment}__gte": at}
            past: dict[str, Any] = {f"{moment}__gt": at}
            same: dict[str, Any] = {moment: at, "id__gt": last}
            window = window.filter(Q(**since) & (Q(**past) | Q(**same)))
        rows = list(await window.order_by(moment, "id").limit(page))
        if not rows:
            return
        yield rows
        if len(rows) < page:
            return
        after = (getattr(rows[-1], moment), rows[-1].pk)
