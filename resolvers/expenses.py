"""Expenses: a line's month by category, the family's, and forgotten subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from auth.policy import Capability
from models.expenses import ExpenseReport, Forgotten, Month, forgotten_subscriptions
from resolvers.access.lines import LineFilter, LineView, visible_lines
from resolvers.pagination import MAX_PAGE_SIZE, PageArgs

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


@dataclass(frozen=True)
class ExpenseView:
    report: ExpenseReport
    line: LineView


@dataclass(frozen=True)
class ForgottenView:
    forgotten: Forgotten
    line: LineView


async def resolve_line_expenses(
    info: Info[Context, None], line: LineView, month: str
) -> ExpenseView:
    """VIEW_USAGE was checked by the field; a page of lines shares the reads."""
    parsed = Month.parse(month)
    report = await info.context.loaders.expenses_by_line_id.load((line.row.id, parsed.name))
    return ExpenseView(report, line)


async def _spenders(info: Info[Context, None]) -> list[LineView]:
    """The viewer's lines whose usage they may read."""
    page = await visible_lines(info, LineFilter(), PageArgs(first=MAX_PAGE_SIZE))
    return [line for line in page.items if line.access.allows(Capability.VIEW_USAGE)]


async def resolve_family_expenses(info: Info[Context, None], month: str) -> list[ExpenseView]:
    parsed = Month.parse(month)
    lines = await _spenders(info)
    loader = info.context.loaders.expenses_by_line_id
    reports = await loader.load_many([(line.row.id, parsed.name) for line in lines])
    return [ExpenseView(report, line) for report, line in zip(reports, lines, strict=True)]


async def resolve_forgotten(info: Info[Context, None]) -> list[ForgottenView]:
    lines = {line.row.id: line for line in await _spenders(info)}
    found = await forgotten_subscriptions(list(lines), datetime.now(UTC))
    return [ForgottenView(item, lines[item.line_service.line_id]) for item in found]
