"""Lines: a phone, a tablet, a USB modem or a home router, each with its own number."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.access import AccessLevel, MobileNetworkAccess


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
    """A number on a contract. The balance is kept in step with the ledger (models.balance).

    The user is the person whose own number it is when that is not the contract holder
    (a child); user_level is what the holder lets that person do.
    """

    id = fields.IntField(primary_key=True)
    msisdn = fields.CharField(max_length=10, unique=True)
    contract = fields.ForeignKeyField(
        "linehub.Contract", related_name="lines", on_delete=fields.RESTRICT
    )
    user = fields.ForeignKeyField(
        "linehub.User", related_name="own_lines", null=True, on_delete=fields.SET_NULL
    )
    user_level = fields.CharEnumField(AccessLevel, max_length=8, default=AccessLevel.FULL)
    device_kind = fields.CharEnumField(DeviceKind, max_length=10)
    status = fields.CharEnumField(LineStatus, max_length=10, default=LineStatus.ACTIVE)
    label = fields.CharField(max_length=64, null=True)
    tariff = fields.ForeignKeyField(
        "linehub.Tariff", related_name="lines", null=True, on_delete=fields.RESTRICT
    )
    balance = fields.BigIntField(default=0, description="kopecks, changed only with a ledger row")
    mobile_network_access = fields.CharEnumField(
        MobileNetworkAccess, max_length=8, default=MobileNetworkAccess.LIMITED
    )
    # notifications the line's manager chose (MANAGE_LINE)
    notify_low_balance = fields.BooleanField(default=True)
    low_balance_threshold = fields.BigIntField(default=100_00, description="kopecks")
    notify_usage = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "line"
        ordering = ("id",)
