"""Lines: a phone, a tablet, a USB modem or a home router, each with its own number."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.access import AccessLevel, AuditAction, MobileNetworkAccess
from models.access.audit import Actor, record
from models.errors import DomainError, ErrorCode
from models.text import plain_text

if TYPE_CHECKING:
    from models.contract import Contract
    from models.person import User
    from models.tariff import Tariff

MAX_LABEL = 64
# 100 000 roubles in kopecks: no real alert sits above it, and a typo cannot store one
MAX_LOW_BALANCE_THRESHOLD = 100_000_00


class DeviceKind(StrEnum):
    PHONE = "PHONE"
    TABLET = "TABLET"
    USB_MODEM = "USB_MODEM"
    ROUTER = "ROUTER"


class LineStatus(StrEnum):
    ACTIVE = "ACTIVE"
    BLOCKED = "BLOCKED"
    SUSPENDED = "SUSPENDED"
    CLOSED = "CLOSED"


class Line(Model):
    """A number on a contract. The balance is kept in step with the ledger (models.ledger).

    The user is the person whose own number it is when that is not the contract holder
    (a child); user_level is what the holder lets that person do.
    """

    id = fields.IntField(primary_key=True)
    msisdn = fields.CharField(max_length=10, unique=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "linehub.Contract", related_name="lines", on_delete=fields.RESTRICT
    )
    contract_id: int
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="own_lines", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    user_level = fields.CharEnumField(AccessLevel, max_length=8, default=AccessLevel.FULL)
    # the holder may switch the user's own login off (a child's): see login_disabled
    user_login_enabled = fields.BooleanField(default=True, db_default=True)
    device_kind = fields.CharEnumField(DeviceKind, max_length=10)
    status = fields.CharEnumField(LineStatus, max_length=10, default=LineStatus.ACTIVE)
    label = fields.CharField(max_length=MAX_LABEL, null=True)
    tariff: fields.ForeignKeyNullableRelation[Tariff] = fields.ForeignKeyField(
        "linehub.Tariff", related_name="lines", null=True, on_delete=fields.RESTRICT
    )
    tariff_id: int | None
    balance = fields.BigIntField(default=0, description="kopecks, changed only with a ledger row")
    # bonuses the tariff gives on top-ups, spent before money on charges (models.ledger)
    bonus_balance = fields.BigIntField(default=0, db_default=0, description="kopecks")
    mobile_network_access = fields.CharEnumField(
        MobileNetworkAccess, max_length=8, default=MobileNetworkAccess.LIMITED
    )
    # notifications the line's manager chose (MANAGE_LINE)
    notify_low_balance = fields.BooleanField(default=True)
    low_balance_threshold = fields.BigIntField(default=100_00, description="kopecks")
    notify_usage = fields.BooleanField(default=True)
    # the monthly report by e-mail (last month's detail, XLSX) goes to whoever switched
    # it on, while they may still read the line's usage; null: off
    monthly_report_to: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="monthly_reports", null=True, on_delete=fields.SET_NULL
    )
    monthly_report_to_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "line"
        ordering = ("id",)
        # the visible-lines lookups (models/access/facts.py) go through contract_id and
        # user_id; tariff_id keeps the RESTRICT check of a tariff's removal off a scan
        indexes = (
            Index(fields=("contract_id",), name="line_contract_idx"),
            Index(fields=("user_id",), name="line_user_idx"),
            Index(fields=("tariff_id",), name="line_tariff_idx"),
        )


@dataclass(frozen=True)
class LineChanges:
    """What updateLine asks to change; None leaves a setting as it is.

    `clear_label` removes the label and wins over `label`.
    """

    label: str | None = None
    clear_label: bool = False
    notify_low_balance: bool | None = None
    low_balance_threshold: int | None = None
    notify_usage: bool | None = None
    monthly_report: bool | None = None


def _validated(changes: LineChanges) -> dict[str, Any]:
    """The field updates `changes` asks for, or the DomainError of the first bad input."""
    updates: dict[str, Any] = {}
    if changes.clear_label:
        updates["label"] = None
    elif changes.label is not None:
        # a label is shown on one line of a list: runs of whitespace collapse to one space
        label = " ".join(plain_text(changes.label, field="label").split())
        if not 1 <= len(label) <= MAX_LABEL:
            raise DomainError(
                ErrorCode.INVALID_INPUT, "label_length", field=["label"], max=MAX_LABEL
            )
        updates["label"] = label
    if changes.low_balance_threshold is not None:
        if not 0 <= changes.low_balance_threshold <= MAX_LOW_BALANCE_THRESHOLD:
            raise DomainError(ErrorCode.INVALID_INPUT, field=["lowBalanceThreshold"])
        updates["low_balance_threshold"] = changes.low_balance_threshold
    if changes.notify_low_balance is not None:
        updates["notify_low_balance"] = changes.notify_low_balance
    if changes.notify_usage is not None:
        updates["notify_usage"] = changes.notify_usage
    return updates


async def update_line(line: Line, changes: LineChanges, actor: Actor) -> Line:
    """Apply `changes` to the line's label and notifications, with one audit row.

    Every input is checked before anything is written; nothing to change writes nothing
    (no save, no audit row).
    """
    updates = _validated(changes)
    if changes.monthly_report is not None:
        updates["monthly_report_to_id"] = actor.user_id if changes.monthly_report else None
    if updates:
        async with in_transaction() as conn:
            for name, value in updates.items():
                setattr(line, name, value)
            await line.save(using_db=conn, update_fields=list(updates))
            await record(line.id, actor, AuditAction.LINE_UPDATED, dict(updates), using_db=conn)
    return line


async def login_disabled(user_id: int) -> bool:
    """Whether a holder switched this person's own login off on a line they use."""
    return await Line.filter(user_id=user_id, user_login_enabled=False).exists()
