"""Relations and history of a line (through loaders) and updateLine. Capabilities are
checked by the schema's line fields before any of these run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Generic, TypeVar

from tortoise.expressions import Q

from auth.policy import Capability
from models import (
    Allowance,
    AuditEntry,
    Contract,
    EntryKind,
    Grant,
    LedgerEntry,
    Line,
    LineService,
    Payment,
    Tariff,
)
from models.line import LineChanges, update_line  # schema/line.py reads LineChanges here
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import LineView, line_for_mutation
from resolvers.filters import period_q
from resolvers.loaders import AUDIT_ORDER, LEDGER_ORDER
from resolvers.pagination import Keyset, Page, PageArgs, paginate

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context
    from resolvers.loaders import CountByLineIdLoader, FirstPageByLineIdLoader, Loader, Loaders

M = TypeVar("M", AuditEntry, LedgerEntry, Payment)
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Related(Generic[K, V]):
    """A relation of a line read through one of the request's loaders.

    Args:
        loader: which loader of the request holds it.
        key: the loader's key on the line's row; None means the line has none.
    """

    loader: Callable[[Loaders], Loader[K, V]]
    key: Callable[[Line], K | None]

    def read(self, line: LineView) -> V | Awaitable[V] | None:
        """The value now if the page loaded it (`load_for`), else a pending load."""
        key = self.key(line.row)
        return None if key is None else self.loader(line.loaders).now_or_later(key)

    async def load_for(self, lines: list[LineView]) -> None:
        """Load it for many lines in one batch, so that `read` answers at once."""
        if not lines:
            return
        keys = {key for line in lines if (key := self.key(line.row)) is not None}
        await self.loader(lines[0].loaders).load_many(keys)


TARIFF: Related[int, Tariff | None] = Related(attrgetter("tariff_by_id"), attrgetter("tariff_id"))
REMAINS: Related[int, list[Allowance]] = Related(
    attrgetter("allowances_by_line_id"), attrgetter("id")
)
SERVICES: Related[int, list[LineService]] = Related(
    attrgetter("line_services_by_line_id"), attrgetter("id")
)
CONTRACT: Related[int, Contract | None] = Related(
    attrgetter("contract_by_id"), attrgetter("contract_id")
)
GRANTS: Related[int, list[Grant]] = Related(attrgetter("grants_by_line_id"), attrgetter("id"))


@dataclass(frozen=True)
class LedgerFilter:
    start: datetime | None = None
    end: datetime | None = None
    kinds: list[EntryKind] | None = None

    @property
    def empty(self) -> bool:
        return self.start is None and self.end is None and not self.kinds


async def resolve_transactions(
    info: Info[Context, None], line: LineView, ledger_filter: LedgerFilter, args: PageArgs
) -> Page[LedgerEntry]:
    """Newest first; the unfiltered first page comes through the loader that reads it for
    every line of the request at once."""
    loaders = info.context.loaders
    if ledger_filter.empty:
        pages, counts = loaders.ledger_page_by_line_id, loaders.ledger_count_by_line_id
        return await line_history(line.row, args, LedgerEntry, LEDGER_ORDER, pages, counts)
    query = Q(line_id=line.row.id) & period_q(ledger_filter.start, ledger_filter.end)
    if ledger_filter.kinds:
        query &= Q(kind__in=ledger_filter.kinds)
    return await paginate(LedgerEntry.filter(query), LEDGER_ORDER, args)


async def resolve_audit_log(
    info: Info[Context, None], line: LineView, args: PageArgs
) -> Page[AuditEntry]:
    loaders = info.context.loaders
    pages, counts = loaders.audit_page_by_line_id, loaders.audit_count_by_line_id
    return await line_history(line.row, args, AuditEntry, AUDIT_ORDER, pages, counts)


async def line_history(
    line: Line,
    args: PageArgs,
    model: type[M],
    order: Keyset,
    pages: FirstPageByLineIdLoader[M],
    counts: CountByLineIdLoader,
) -> Page[M]:
    """A page of a line's history: the first page through the loader that fetches it for
    every line of the request at once; a later one (a client paging this line) alone."""
    if args.is_first_page:
        return await pages.load((line.id, args.size))
    page = await paginate(model.filter(line_id=line.id), order, args)
    page.count = partial(counts.load, line.id)
    return page


@requires(Capability.MANAGE_LINE)
async def resolve_update_line(
    info: Info[Context, None], need: Capability, msisdn: str, changes: LineChanges
) -> LineView:
    line, access, session = await line_for_mutation(info, msisdn, need)
    updated = await update_line(line, changes, actor_of(session))
    return LineView(updated, access, info.context.loaders)
