"""Expenses ("Расходы"): a month by category beside the month before; forgotten
subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.expenses import ExpenseKind
from resolvers.expenses import ExpenseView, ForgottenView
from schema.scalars import Money
from schema.service import ServiceType

if TYPE_CHECKING:
    from schema.line import Line

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(
    ExpenseKind,
    description="Calls, SMS, data at home; roaming; subscriptions; fees; one-off charges.",
)

LineType = Annotated["Line", strawberry.lazy("schema.line")]


@strawberry.type(description="One category of a month's expenses.")
class ExpenseCategory:
    category: ExpenseKind = strawberry.field(description="What it was spent on.")
    amount: Money = strawberry.field(description="This month.")
    previous_amount: Money = strawberry.field(description="The month before.")


@strawberry.type(description="What a line's month cost, by category, beside the month before.")
class ExpenseReport:
    @strawberry.field(description='The month, "2026-11".')
    def month(self, root: strawberry.Parent[ExpenseView]) -> str:
        return root.report.month.name

    @strawberry.field(description="The line.")
    def line(self, root: strawberry.Parent[ExpenseView]) -> LineType | None:
        return root.line  # type: ignore[return-value]  # a LineView, read by Line

    @strawberry.field(description="The sum of the categories.")
    def total(self, root: strawberry.Parent[ExpenseView]) -> Money:
        return Money.from_kopecks(root.report.total)

    @strawberry.field(description="The month before's.")
    def previous_total(self, root: strawberry.Parent[ExpenseView]) -> Money:
        return Money.from_kopecks(root.report.previous_total)

    @strawberry.field(description="Every category, in a fixed order; they add up to total.")
    def categories(self, root: strawberry.Parent[ExpenseView]) -> list[ExpenseCategory]:
        report = root.report
        return [
            ExpenseCategory(
                category=kind,
                amount=Money.from_kopecks(report.amounts[kind]),
                previous_amount=Money.from_kopecks(report.previous[kind]),
            )
            for kind in ExpenseKind
        ]


@strawberry.type(description="A paid subscription not used for 60 days or more.")
class ForgottenSubscription:
    @strawberry.field(description="The line paying for it.")
    def line(self, root: strawberry.Parent[ForgottenView]) -> LineType:
        return root.line  # type: ignore[return-value]  # a LineView, read by Line

    @strawberry.field(description="The service.")
    def service(self, root: strawberry.Parent[ForgottenView]) -> ServiceType:
        return root.forgotten.line_service.service  # type: ignore[return-value]

    @strawberry.field(description="What it costs a month (a daily one: 30 days).")
    def monthly_cost(self, root: strawberry.Parent[ForgottenView]) -> Money:
        return Money.from_kopecks(root.forgotten.monthly_cost)

    @strawberry.field(description="Connected since.")
    def connected_at(self, root: strawberry.Parent[ForgottenView]) -> datetime:
        return root.forgotten.line_service.connected_at
