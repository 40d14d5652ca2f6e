"""Line: one number the viewer can reach, every field guarded by its capability."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

import models
from auth.policy import Capability as Cap
from models.money import to_kopecks
from resolvers import line as line_resolvers
from resolvers.access.lines import access_to, lines_by_ids
from resolvers.access.viewer import resolve_set_primary_line
from resolvers.ids import db_id
from resolvers.pagination import PageArgs
from schema.access.permissions import line_field, line_mutation
from schema.access.types import AuditEntry, Capability, LineGrant, LineRelation
from schema.allowance import Allowance
from schema.contract import Contract
from schema.identity.mutations import MobileNetworkAccess
from schema.identity.types import AccessLevel
from schema.ledger import LedgerEntry
from schema.mutation import run_payload
from schema.pagination import Connection
from schema.scalars import Decimal, Money, UserError
from schema.service import LineService
from schema.tariff import Tariff

DeviceKind = strawberry.enum(models.DeviceKind, description="What the SIM is in.")
LineStatus = strawberry.enum(models.LineStatus, description="Whether the number works.")


@strawberry.type(description="Notifications the line's manager chose.")
class NotificationSettings:
    low_balance: bool = strawberry.field(description="SMS when the balance runs low.")
    usage: bool = strawberry.field(description="SMS when a package is nearly used up.")
    low_balance_threshold: Money = strawberry.field(description="What counts as low.")


@strawberry.type(description="A number the viewer can reach: own, a child's, or delegated.")
class Line(relay.Node):
    id: relay.NodeID[int]

    @line_field(None, "10 national digits, e.g. 9031234567.")
    async def msisdn(self) -> str:
        return self.msisdn  # type: ignore[return-value]

    @line_field(None, "The name the family gave it.")
    async def label(self) -> str | None:
        return self.label  # type: ignore[return-value]

    @line_field(None, "Phone, tablet, USB modem or router.")
    async def device_kind(self) -> DeviceKind:  # type: ignore[valid-type]
        return self.device_kind  # type: ignore[return-value]

    @line_field(None, "Active, blocked, suspended or closed.")
    async def status(self) -> LineStatus:  # type: ignore[valid-type]
        return self.status  # type: ignore[return-value]

    @line_field(None, "How the viewer relates to it: OWNER, USER, DELEGATE.")
    async def relations(self, info: Info) -> list[LineRelation]:  # type: ignore[valid-type]
        access = await access_to(info, self.id)  # type: ignore[arg-type]
        return sorted(access.relations)  # type: ignore[return-value]

    @line_field(None, "FULL or LIMITED: the viewer's effective level.")
    async def access_level(self, info: Info) -> AccessLevel:  # type: ignore[valid-type]
        return (await access_to(info, self.id)).level  # type: ignore[arg-type]

    @line_field(None, "Everything the viewer may do on it.")
    async def capabilities(self, info: Info) -> list[Capability]:  # type: ignore[valid-type]
        access = await access_to(info, self.id)  # type: ignore[arg-type]
        return [c for c in Cap if c in access.capabilities]  # type: ignore[misc]

    # the contract (number, home login) is the holder's business, not a delegate's
    @line_field(Cap.MANAGE_ACCESS, "The contract it is on.")
    async def contract(self, info: Info) -> Contract | None:
        return await line_resolvers.resolve_contract(info, self)  # type: ignore[arg-type,return-value]

    @line_field(Cap.VIEW_SUMMARY, "The balance.")
    async def balance(self) -> Money | None:
        return Money.from_kopecks(self.balance)  # type: ignore[arg-type]

    @line_field(Cap.VIEW_SUMMARY, "The tariff.")
    async def tariff(self, info: Info) -> Tariff | None:
        return await line_resolvers.resolve_tariff(info, self)  # type: ignore[arg-type,return-value]

    @line_field(Cap.VIEW_SUMMARY, "Minutes, SMS and data left this period.")
    async def remains(self, info: Info) -> list[Allowance] | None:
        return await line_resolvers.resolve_remains(info, self)  # type: ignore[arg-type,return-value]

    @line_field(Cap.VIEW_SERVICES, "Connected services, paid ones marked.")
    async def services(self, info: Info) -> list[LineService] | None:
        return await line_resolvers.resolve_services(info, self)  # type: ignore[arg-type,return-value]

    @line_field(Cap.VIEW_USAGE, "Payments and charges, newest first.")
    async def transactions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[LedgerEntry] | None:
        args = PageArgs(first=first, after=after)
        page = await line_resolvers.resolve_transactions(info, self, args)  # type: ignore[arg-type]
        return Connection.from_page(page)  # type: ignore[return-value]

    @line_field(Cap.MANAGE_LINE, "Notifications chosen for it.")
    async def notification_settings(self) -> NotificationSettings | None:
        return NotificationSettings(
            low_balance=self.notify_low_balance,  # type: ignore[attr-defined]
            usage=self.notify_usage,  # type: ignore[attr-defined]
            low_balance_threshold=Money.from_kopecks(self.low_balance_threshold),  # type: ignore[attr-defined]
        )

    @line_field(Cap.MANAGE_ACCESS, "What a mobile-network login may do on it.")
    async def mobile_network_access(self) -> MobileNetworkAccess | None:  # type: ignore[valid-type]
        return self.mobile_network_access  # type: ignore[return-value]

    @line_field(Cap.MANAGE_ACCESS, "People it is delegated to.")
    async def grants(self, info: Info) -> list[LineGrant] | None:
        return await line_resolvers.resolve_line_grants(info, self)  # type: ignore[arg-type,return-value]

    @line_field(Cap.MANAGE_ACCESS, "Every change of access to it, newest first.")
    async def audit_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntry] | None:
        args = PageArgs(first=first, after=after)
        page = await line_resolvers.resolve_audit_log(info, self, args)  # type: ignore[arg-type]
        return Connection.from_page(page)  # type: ignore[return-value]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info) -> bool:
        return isinstance(obj, models.Line | cls)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[models.Line | None]:
        ids = [db_id(i) or 0 for i in node_ids]
        return await lines_by_ids(info, ids)


@strawberry.input(description="Filter the viewer's lines.")
class LineFilter:
    relation: LineRelation | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only lines related to you this way."
    )
    device_kind: DeviceKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only this kind of device."
    )


@strawberry.input
class UpdateLineInput:
    msisdn: str = strawberry.field(description="The number, any format.")
    label: str | None = strawberry.field(default=None, description="1–64 characters.")
    clear_label: bool = strawberry.field(default=False, description="Remove the label.")
    notify_low_balance: bool | None = strawberry.field(default=None, description="On or off.")
    low_balance_threshold: Decimal | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description='Roubles, e.g. "100.00".'
    )
    notify_usage: bool | None = strawberry.field(default=None, description="On or off.")


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
    async def update_line(self, info: Info, input: UpdateLineInput) -> UpdateLinePayload:
        async def work() -> Any:
            threshold = input.low_balance_threshold
            changes = line_resolvers.LineChanges(
                label=input.label,
                clear_label=input.clear_label,
                notify_low_balance=input.notify_low_balance,
                low_balance_threshold=None
                if threshold is None
                else to_kopecks(threshold, field="lowBalanceThreshold"),
                notify_usage=input.notify_usage,
            )
            return await line_resolvers.resolve_update_line(info, input.msisdn, changes)

        return await run_payload(info, UpdateLinePayload, work(), "line")

    @line_mutation(resolve_set_primary_line, "The number shown first in your list.")
    async def set_primary_line(
        self, info: Info, input: SetPrimaryLineInput
    ) -> SetPrimaryLinePayload:
        work = resolve_set_primary_line(info, input.msisdn)
        return await run_payload(info, SetPrimaryLinePayload, work, "line")
