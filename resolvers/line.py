"""Fields of a line (through loaders) and updateLine. Capabilities are checked by the
schema's field permission before any of these run."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, TypeVar

from auth.policy import Capability
from models import (
    Allowance,
    AuditEntry,
    Contract,
    Grant,
    LedgerEntry,
    Line,
    LineService,
    Tariff,
)
from models.line import LineChanges, update_line  # schema/line.py reads LineChanges here
from resolvers.access import requires
from resolvers.access.grants import actor_of
from resolvers.access.lines import line_for_mutation
from resolvers.loaders import AUDIT_ORDER, LEDGER_ORDER
from resolvers.pagination import Keyset, Page, PageArgs, paginate

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context
    from resolvers.loaders import CountByLineIdLoader, FirstPageByLineIdLoader

M = TypeVar("M", AuditEntry, LedgerEntry)


async def resolve_tariff(info: Info[Context, None], line: Line) -> Tariff | None:
    if line.tariff_id is None:
        return None
    return await info.context.loaders.tariff_by_id.load(line.tariff_id)


async def resolve_remains(info: Info[Context, None], line: Line) -> list[Allowance]:
    return await info.context.loaders.allowances_by_line_id.load(line.id)


async def resolve_services(info: Info[Context, None], line: Line) -> list[LineService]:
    return await info.context.loaders.line_services_by_line_id.load(line.id)


async def resolve_contract(info: Info[Context, None], line: Line) -> Contract | None:
    return await info.context.loaders.contract_by_id.load(line.contract_id)


async def resolve_transactions(
    info: Info[Context, None], line: Line, args: PageArgs
) -> Page[LedgerEntry]:
    loaders = info.context.loaders
    pages, counts = loaders.ledger_page_by_line_id, loaders.ledger_count_by_line_id
    return await _history(line, args, LedgerEntry, LEDGER_ORDER, pages, counts)


async def resolve_audit_log(
    info: Info[Context, None], line: Line, args: PageArgs
) -> Page[AuditEntry]:
    loaders = info.context.loaders
    pages, counts = loaders.audit_page_by_line_id, loaders.audit_count_by_line_id
    return await _history(line, args, AuditEntry, AUDIT_ORDER, pages, counts)


async def _history(
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


async def resolve_line_grants(info: Info[Context, None], line: Line) -> list[Grant]:
    return await info.context.loaders.grants_by_line_id.load(line.id)


@requires(Capability.MANAGE_LINE)
async def resolve_update_line(
    info: Info[Context, None], need: Capability, msisdn: str, changes: LineChanges
) -> Line:
    line, _, session = await line_for_mutation(info, msisdn, need)
    return await update_line(line, changes, actor_of(session))
