"""Fields of a line (through loaders) and updateLine. Capabilities are checked by the
schema's field permission before any of these run."""

from __future__ import annotations

from dataclasses import dataclass
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


async def resolve_transactions(line: Line, args: PageArgs) -> Page[LedgerEntry]:
    return await paginate(LedgerEntry.filter(line_id=line.id).order_by("-created_at", "-id"), args)


async def resolve_audit_log(line: Line, args: PageArgs) -> Page[AuditEntry]:
    query = AuditEntry.filter(line_id=line.id).order_by("-created_at", "-id")
    return await paginate(query, args)


async def resolve_line_grants(line: Line) -> list[Grant]:
    return list(
        await Grant.filter(line_id=line.id, revoked_at__isnull=True).order_by("-created_at")
    )


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
