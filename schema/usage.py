"""A line's usage detail: records, their filter, and totals per kind."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP
from decimal import Decimal as PyDecimal

import strawberry
from strawberry.types import Info

import models
from jobs.usage_files import ExportFormat
from models.usage import Direction, KindTotal, UsageKind
from resolvers import usage as usage_resolvers
from resolvers.context import Context
from resolvers.usage import UsageFilter as UsageQuery
from resolvers.usage import UsagePage
from schema.access.permissions import line_mutation
from schema.job import Job
from schema.mutation import run_payload
from schema.pagination import Connection
from schema.scalars import Decimal, Money, UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(UsageKind, description="A call, an SMS, an MMS or a data session.")
strawberry.enum(Direction, description="IN: to the line; OUT: from it.")

BYTES_PER_MB = PyDecimal(1024 * 1024)


def _megabytes(size: int) -> PyDecimal:
    return (PyDecimal(size) / BYTES_PER_MB).quantize(PyDecimal("0.01"), rounding=ROUND_HALF_UP)


@strawberry.type(description="One call, message or data session, as rated.")
class UsageRecord:
    kind: UsageKind = strawberry.field(description="Call, SMS, MMS or data.")
    direction: Direction = strawberry.field(description="Incoming or outgoing.")
    started_at: datetime = strawberry.field(description="When it started.")
    counterpart: str | None = strawberry.field(
        description="The other number (10 digits in Russia, +E.164 abroad) or short code."
    )
    seconds: int | None = strawberry.field(description="A call's duration.")
    bytes: int | None = strawberry.field(description="A data session's volume.")
    units: int | None = strawberry.field(description="Messages (SMS in parts).")
    roaming: bool = strawberry.field(description="Abroad (or outside the home region).")
    zone: str | None = strawberry.field(description="The roaming zone: CIS, EUROPE, WORLD.")

    @strawberry.field(description="The network's id of the record.")
    def id(self, root: strawberry.Parent[models.UsageRecord]) -> strawberry.ID:
        return strawberry.ID(root.network_id)

    @strawberry.field(description="What it cost beyond the packages; 0 when covered.")
    def cost(self, root: strawberry.Parent[models.UsageRecord]) -> Money:
        return Money.from_kopecks(root.cost)

    @strawberry.field(description="Minutes, messages or KB it took from a package.")
    def from_package(self, root: strawberry.Parent[models.UsageRecord]) -> int:
        return root.allowance_used

    @strawberry.field(description="Stored but not charged: the line was BLOCKED or SUSPENDED.")
    def flag(self, root: strawberry.Parent[models.UsageRecord]) -> str | None:
        return root.flag.value if root.flag else None


@strawberry.type(description="A kind's sum over the filter.")
class UsageTotal:
    kind: UsageKind = strawberry.field(description="What is summed.")
    count: int = strawberry.field(description="How many records.")
    minutes: int = strawberry.field(description="Calls: billed minutes (each started one).")
    messages: int = strawberry.field(description="SMS and MMS: messages.")

    @strawberry.field(description="Data: megabytes, to two places.")
    def megabytes(self, root: strawberry.Parent[KindTotal]) -> Decimal:
        return Decimal(_megabytes(root.bytes))

    @strawberry.field(description="What it cost.")
    def cost(self, root: strawberry.Parent[KindTotal]) -> Money:
        return Money.from_kopecks(root.cost)


@strawberry.type(description="A page of a line's usage detail, newest first.")
class UsageRecordConnection(Connection[UsageRecord]):
    detail: strawberry.Private[UsagePage]

    @strawberry.field(description="Totals per kind over the whole filter, not just this page.")
    async def totals(self) -> list[UsageTotal]:
        found = await self.detail.totals()
        return found  # type: ignore[return-value]  # read by UsageTotal

    @classmethod
    def from_detail(cls, detail: UsagePage) -> UsageRecordConnection:
        base = Connection.from_page(detail.page)
        return cls(edges=base.edges, page_info=base.page_info, page=base.page, detail=detail)


@strawberry.input(description="Narrow a line's usage. Every field is optional.")
class UsageFilter:
    from_: datetime | None = strawberry.field(default=None, name="from", description="At or after.")
    to: datetime | None = strawberry.field(default=None, description="Before.")
    kinds: list[UsageKind] | None = strawberry.field(default=None, description="Only these.")
    direction: Direction | None = strawberry.field(default=None, description="IN or OUT.")
    roaming: bool | None = strawberry.field(default=None, description="Only abroad, or only home.")
    counterpart: str | None = strawberry.field(
        default=None, description="Only with this number, any usual form, or a short code."
    )

    def to_query(self) -> UsageQuery:
        return UsageQuery(
            self.from_, self.to, self.kinds, self.direction, self.roaming, self.counterpart
        )


strawberry.enum(ExportFormat, description="PDF (10 000 rows at most), XLSX or CSV.")


@strawberry.input
class RequestUsageExportInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    format: ExportFormat = strawberry.field(description="PDF, XLSX or CSV.")
    filter: UsageFilter | None = strawberry.field(
        default=None, description="What to export; without a period, the last 30 days."
    )


@strawberry.type
class RequestUsageExportPayload:
    job: Job | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UsageMutations:
    @line_mutation(
        usage_resolvers.resolve_request_usage_export,
        "The usage detail as a file (PDF, XLSX or CSV), made in the background.",
    )
    async def request_usage_export(
        self, info: Info[Context, None], input: RequestUsageExportInput
    ) -> RequestUsageExportPayload:
        work = usage_resolvers.resolve_request_usage_export(
            info,
            input.msisdn,
            (input.filter or UsageFilter()).to_query(),
            input.format.value,
        )
        return await run_payload(info, RequestUsageExportPayload, work, "job")
