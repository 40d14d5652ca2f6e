"""Line: one number the viewer can reach, every field guarded by its capability."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

from auth.policy import Capability
from models import DeviceKind, LineStatus
from models.money import to_kopecks
from resolvers import line as line_resolvers
from resolvers.access.lines import LineView, lines_by_ids
from resolvers.access.viewer import resolve_set_primary_line
from resolvers.autopay import resolve_autopays
from resolvers.block import resolve_block
from resolvers.context import Context
from resolvers.expenses import resolve_line_expenses
from resolvers.ids import db_id
from resolvers.pagination import PageArgs
from resolvers.payment import resolve_payments
from resolvers.request import resolve_requests
from resolvers.tariff_change import resolve_preview
from resolvers.trust import resolve_offer
from resolvers.usage import resolve_usage
from schema.access.permissions import line_field, line_field_with_args, line_mutation
from schema.access.types import AuditEntry, LineGrant, LineRelation
from schema.allowance import Allowance
from schema.autopay import Autopay
from schema.block import LineBlock
from schema.contract import Contract
from schema.expenses import ExpenseReport
from schema.identity.mutations import MobileNetworkAccess
from schema.identity.types import AccessLevel
from schema.ledger import LedgerEntry, LedgerFilter
from schema.mutation import run_payload
from schema.pagination import Connection
from schema.payment import Payment, PaymentFilter
from schema.request import LineRequest, LineRequestFilter
from schema.scalars import Decimal, Money, UserError
from schema.service import LineService
from schema.tariff import Tariff
from schema.tariff_change import TariffChangePreview, tariff_db_id
from schema.trust import TrustPaymentOffer
from schema.usage import UsageFilter, UsageRecordConnection

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(DeviceKind, description="What the SIM is in.")
strawberry.enum(LineStatus, description="Whether the number works.")


@strawberry.type(description="Notifications the line's manager chose.")
class NotificationSettings:
    low_balance: bool = strawberry.field(description="SMS when the balance runs low.")
    usage: bool = strawberry.field(description="SMS when a package is nearly used up.")
    low_balance_threshold: Money = strawberry.field(description="What counts as low.")
    monthly_report: bool = strawberry.field(
        description="On the 1st, last month's detail (XLSX) by e-mail to whoever switched "
        "it on, while they may read this line's usage."
    )


def _notification_settings(line: LineView) -> NotificationSettings:
    row = line.row
    return NotificationSettings(
        low_balance=row.notify_low_balance,
        usage=row.notify_usage,
        low_balance_threshold=Money.from_kopecks(row.low_balance_threshold),
        monthly_report=row.monthly_report_to_id is not None,
    )


# a line's history shows its last few entries unless asked for more: a list of lines with
# their history then fits the cost limit (20 lines x 5 entries)
HISTORY_PAGE = 5


@strawberry.type(description="A number the viewer can reach: own, a child's, or delegated.")
class Line(relay.Node):
    """Its parent object is a `LineView`: the row and the viewer's access to it."""

    id: relay.NodeID[int]
    msisdn: str = line_field(None, "10 national digits, e.g. 9031234567.")
    label: str | None = line_field(None, "The name the family gave it.")
    device_kind: DeviceKind = line_field(None, "Phone, tablet, USB modem or router.")
    status: LineStatus = line_field(None, "Active, blocked, suspended or closed.")
    relations: list[LineRelation] = line_field(
        None,
        "How the viewer relates to it: OWNER, USER, DELEGATE.",
        read=lambda line: sorted(line.access.relations),
    )
    access_level: AccessLevel = line_field(
        None, "FULL or LIMITED: the viewer's effective level.", read=lambda line: line.access.level
    )
    capabilities: list[Capability] = line_field(
        None,
        "Everything the viewer may do on it.",
        read=lambda line: [c for c in Capability if c in line.access.capabilities],
    )
    # the contract (number, home login) is the holder's business, not a delegate's
    contract: Contract | None = line_field(
        Capability.MANAGE_ACCESS, "The contract it is on.", related=line_resolvers.CONTRACT
    )
    balance: Money | None = line_field(
        Capability.VIEW_SUMMARY,
        "The balance.",
        read=lambda line: Money.from_kopecks(line.row.balance),
    )
    bonus_balance: Money | None = line_field(
        Capability.VIEW_SUMMARY,
        "Bonuses the tariff gave on top-ups; spent before money on charges.",
        read=lambda line: Money.from_kopecks(line.row.bonus_balance),
    )
    tariff: Tariff | None = line_field(
        Capability.VIEW_SUMMARY, "The tariff.", related=line_resolvers.TARIFF
    )
    remains: list[Allowance] | None = line_field(
        Capability.VIEW_SUMMARY,
        "Minutes, SMS and data left this period.",
        related=line_resolvers.REMAINS,
    )
    services: list[LineService] | None = line_field(
        Capability.VIEW_SERVICES,
        "Connected services, paid ones marked.",
        related=line_resolvers.SERVICES,
    )

    @line_field_with_args(Capability.VIEW_USAGE, "Payments and charges, newest first.")
    async def transactions(
        self,
        root: strawberry.Parent[LineView],
        info: Info[Context, None],
        filter: LedgerFilter | None = None,
        first: int | None = HISTORY_PAGE,
        after: str | None = None,
    ) -> Connection[LedgerEntry] | None:
        # an explicit null means the same default the cost limit counted
        args = PageArgs(first=HISTORY_PAGE if first is None else first, after=after)
        query = (filter or LedgerFilter()).to_query()
        page = await line_resolvers.resolve_transactions(info, root, query, args)
        return Connection.from_page(page)

    @line_field_with_args(Capability.VIEW_USAGE, "Top-ups by card, newest first.")
    async def payments(
        self,
        root: strawberry.Parent[LineView],
        info: Info[Context, None],
        filter: PaymentFilter | None = None,
        first: int | None = HISTORY_PAGE,
        after: str | None = None,
    ) -> Connection[Payment] | None:
        args = PageArgs(first=HISTORY_PAGE if first is None else first, after=after)
        query = (filter or PaymentFilter()).to_query()
        return Connection.from_page(await resolve_payments(info, root, query, args))

    @line_field_with_args(
        Capability.TRUST_PAYMENT, "Whether a trust payment can be taken, and the one taken."
    )
    async def trust_payment(
        self, root: strawberry.Parent[LineView], info: Info[Context, None]
    ) -> TrustPaymentOffer | None:
        found = await resolve_offer(info, root)
        return found  # type: ignore[return-value]  # the offer type reads the domain's

    @line_field_with_args(Capability.MANAGE_LINE, "Autopays of this number, whoever pays.")
    async def autopays(
        self, root: strawberry.Parent[LineView], info: Info[Context, None]
    ) -> list[Autopay] | None:
        found = await resolve_autopays(info, root)
        return found  # type: ignore[return-value]  # rows, read by the Autopay type

    @line_field_with_args(
        Capability.VIEW_USAGE, "Calls, messages and data, newest first, with totals per kind."
    )
    async def usage(
        self,
        root: strawberry.Parent[LineView],
        filter: UsageFilter | None = None,
        first: int | None = HISTORY_PAGE,
        after: str | None = None,
    ) -> UsageRecordConnection | None:
        args = PageArgs(first=HISTORY_PAGE if first is None else first, after=after)
        query = (filter or UsageFilter()).to_query()
        return UsageRecordConnection.from_detail(await resolve_usage(root, query, args))

    @line_field_with_args(
        Capability.VIEW_USAGE,
        'A month\'s expenses by category ("2026-11"), beside the month before.',
    )
    async def expenses(
        self, root: strawberry.Parent[LineView], info: Info[Context, None], month: str
    ) -> ExpenseReport | None:
        found = await resolve_line_expenses(info, root, month)
        return found  # type: ignore[return-value]  # read by ExpenseReport

    @line_field_with_args(Capability.VIEW_USAGE, "What was asked of it, newest first.")
    async def requests(
        self,
        root: strawberry.Parent[LineView],
        filter: LineRequestFilter | None = None,
        first: int | None = HISTORY_PAGE,
        after: str | None = None,
    ) -> Connection[LineRequest] | None:
        args = PageArgs(first=HISTORY_PAGE if first is None else first, after=after)
        query = (filter or LineRequestFilter()).to_query()
        return Connection.from_page(await resolve_requests(root, query, args))

    @line_field_with_args(
        Capability.CHANGE_TARIFF, "What moving to a tariff would cost now; null for no such tariff."
    )
    async def tariff_change_preview(
        self, root: strawberry.Parent[LineView], info: Info[Context, None], tariff_id: strawberry.ID
    ) -> TariffChangePreview | None:
        found = await resolve_preview(info, root, tariff_db_id(tariff_id))
        return found  # type: ignore[return-value]  # the preview type reads the quote

    @line_field_with_args(Capability.VIEW_SUMMARY, "Why and since when it is blocked; null if not.")
    async def block(
        self, root: strawberry.Parent[LineView], info: Info[Context, None]
    ) -> LineBlock | None:
        return await resolve_block(info, root)  # type: ignore[return-value]  # read as a view

    notification_settings: NotificationSettings | None = line_field(
        Capability.MANAGE_LINE, "Notifications chosen for it.", read=_notification_settings
    )
    mobile_network_access: MobileNetworkAccess | None = line_field(
        Capability.MANAGE_ACCESS, "What a mobile-network login may do on it."
    )
    grants: list[LineGrant] | None = line_field(
        Capability.MANAGE_ACCESS, "People it is delegated to.", related=line_resolvers.GRANTS
    )

    @line_field_with_args(Capability.MANAGE_ACCESS, "Every change of access to it, newest first.")
    async def audit_log(
        self,
        root: strawberry.Parent[LineView],
        info: Info[Context, None],
        first: int | None = HISTORY_PAGE,
        after: str | None = None,
    ) -> Connection[AuditEntry] | None:
        # an explicit null means the same default the cost limit counted
        args = PageArgs(first=HISTORY_PAGE if first is None else first, after=after)
        page = await line_resolvers.resolve_audit_log(info, root, args)
        return Connection.from_page(page)

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, LineView | cls)

    # views, not instances of this class (Node.resolve_nodes is typed as returning Self)
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        ids = [db_id(i) or 0 for i in node_ids]
        return await lines_by_ids(info, ids)


@strawberry.input(description="Filter the viewer's lines.")
class LineFilter:
    relation: LineRelation | None = strawberry.field(
        default=None, description="Only lines related to you this way."
    )
    device_kind: DeviceKind | None = strawberry.field(
        default=None, description="Only this kind of device."
    )


@strawberry.input
class UpdateLineInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    label: str | None = strawberry.field(default=None, description="1–64 characters.")
    clear_label: bool = strawberry.field(default=False, description="Remove the label.")
    notify_low_balance: bool | None = strawberry.field(default=None, description="On or off.")
    low_balance_threshold: Decimal | None = strawberry.field(
        default=None, description='Roubles, e.g. "100.00".'
    )
    notify_usage: bool | None = strawberry.field(default=None, description="On or off.")
    monthly_report: bool | None = strawberry.field(
        default=None, description="On (to your confirmed e-mail) or off."
    )


@strawberry.input
class SetPrimaryLineInput:
    msisdn: str = strawberry.field(description="The number to show first.")


@strawberry.type
class UpdateLinePayload:
    line: Line | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetPrimaryLinePayload:
    line: Line | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LineMutations:
    @line_mutation(line_resolvers.resolve_update_line, "Label and notifications of a line.")
    async def update_line(
        self, info: Info[Context, None], input: UpdateLineInput
    ) -> UpdateLinePayload:
        async def work() -> LineView:
            threshold = input.low_balance_threshold
            changes = line_resolvers.LineChanges(
                label=input.label,
                clear_label=input.clear_label,
                notify_low_balance=input.notify_low_balance,
                low_balance_threshold=None
                if threshold is None
                else to_kopecks(threshold, field="lowBalanceThreshold"),
                notify_usage=input.notify_usage,
                monthly_report=input.monthly_report,
            )
            return await line_resolvers.resolve_update_line(info, input.msisdn, changes)

        return await run_payload(info, UpdateLinePayload, work(), "line")

    @line_mutation(resolve_set_primary_line, "The number shown first in your list.")
    async def set_primary_line(
        self, info: Info[Context, None], input: SetPrimaryLineInput
    ) -> SetPrimaryLinePayload:
        work = resolve_set_primary_line(info, input.msisdn)
        return await run_payload(info, SetPrimaryLinePayload, work, "line")
