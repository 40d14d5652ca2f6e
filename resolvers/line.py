"""Fields of a line (through loaders) and updateLine. Capabilities are checked by the
schema's field permission before any of these run."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from tortoise.transactions import in_transaction

from auth.policy import Capability
from models import (
    Allowance,
    AuditAction,
    AuditEntry,
    Contract,
    Grant,
    LedgerEntry,
    Line,
    LineService,
    Tariff,
)
from models.access.audit import record
from models.errors import DomainError, ErrorCode
from resolvers.access import number_scoped
from resolvers.access.grants import actor_of
from resolvers.access.lines import line_for_mutation
from resolvers.loaders import AUDIT_ORDER, LEDGER_ORDER
from resolvers.pagination import Page, PageArgs, paginate

MAX_LABEL = 64


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


@dataclass(frozen=True)
class LineChanges:
    label: str | None = None
    clear_label: bool = False
    notify_low_balance: bool | None = None
    low_balance_threshold: int | None = None
    notify_usage: bool | None = None


@number_scoped("updateLine", Capability.MANAGE_LINE)
async def resolve_update_line(info: Any, msisdn: str, changes: LineChanges) -> Line:
    line, _, session = await line_for_mutation(info, msisdn, "updateLine")
    updates: dict[str, Any] = {}
    if changes.clear_label:
        updates["label"] = None
    elif changes.label is not None:
        label = " ".join(changes.label.split())
        if not 1 <= len(label) <= MAX_LABEL:
            raise DomainError(ErrorCode.INVALID_INPUT, "label_length", field=["label"])
        updates["label"] = label
    if changes.low_balance_threshold is not None:
        if not 0 <= changes.low_balance_threshold <= 100_000_00:
            raise DomainError(ErrorCode.INVALID_INPUT, field=["lowBalanceThreshold"])
        updates["low_balance_threshold"] = changes.low_balance_threshold
    if changes.notify_low_balance is not None:
        updates["notify_low_balance"] = changes.notify_low_balance
    if changes.notify_usage is not None:
        updates["notify_usage"] = changes.notify_usage
    if updates:
        async with in_transaction() as conn:
            for name, value in updates.items():
                setattr(line, name, value)
            await line.save(using_db=conn, update_fields=list(updates))
            details = {k: v for k, v in updates.items()}
            await record(
                line.id, actor_of(session), AuditAction.LINE_UPDATED, details, using_db=conn
            )
    return line
