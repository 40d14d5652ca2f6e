"""Fields of a line (through loaders) and updateLine. Capabilities are checked by the
schema's field permission before any of these run."""

from __future__ import annotations

from functools import partial
from typing import Any

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
from resolvers.access import number_scoped
from resolvers.access.grants import actor_of
from resolvers.access.lines import line_for_mutation
from resolvers.loaders import AUDIT_ORDER, LEDGER_ORDER
from resolvers.pagination import Page, PageArgs, paginate


async def resolve_tariff(info: Any, line: Line) -> Tariff | None:
    if line.tariff_id is None:  # type: ignore[attr-defined]
        return None
    return await info.context.loaders.tariff_by_id.load(line.tariff_id)  # type: ignore[attr-defined]


async def resolve_remains(info: Any, line: Line) -> list[Allowance]:
    return await info.context.loaders.allowances_by_line_id.load(line.id)


async def resolve_services(info: Any, line: Line) -> list[LineService]:
    return await info.context.loaders.line_services_by_line_id.load(line.id)


async def resolve_contract(info: Any, line: Line) -> Contract | None:
    return await info.context.loaders.contract_by_id.load(line.contract_id)  # type: ignore[attr-defined]


async def resolve_transactions(info: Any, line: Line, args: PageArgs) -> Page[LedgerEntry]:
    loaders = info.context.loaders
    if args.is_first_page:
        return await loaders.ledger_page_by_line_id.load((line.id, args.size))
    # a client paging one line's history: a keyset query for this line alone
    page = await paginate(LedgerEntry.filter(line_id=line.id), LEDGER_ORDER, args)
    page.count = partial(loaders.ledger_count_by_line_id.load, line.id)
    return page


async def resolve_audit_log(info: Any, line: Line, args: PageArgs) -> Page[AuditEntry]:
    loaders = info.context.loaders
    if args.is_first_page:
        return await loaders.audit_page_by_line_id.load((line.id, args.size))
    page = await paginate(AuditEntry.filter(line_id=line.id), AUDIT_ORDER, args)
    page.count = partial(loaders.audit_count_by_line_id.load, line.id)
    return page


async def resolve_line_grants(info: Any, line: Line) -> list[Grant]:
    return await info.context.loaders.grants_by_line_id.load(line.id)


@number_scoped("updateLine", Capability.MANAGE_LINE)
async def resolve_update_line(info: Any, msisdn: str, changes: LineChanges) -> Line:
    line, _, session = await line_for_mutation(info, msisdn, "updateLine")
    return await update_line(line, changes, actor_of(session))
