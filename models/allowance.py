"""What is left of a line's package this billing period."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

if TYPE_CHECKING:
    from models.line import Line
    from models.tariff import Tariff


class AllowanceKind(StrEnum):
    MINUTES = "MINUTES"
    SMS = "SMS"
    DATA = "DATA"


UNITS = {AllowanceKind.MINUTES: "min", AllowanceKind.SMS: "sms", AllowanceKind.DATA: "MB"}
# data is rated per started kilobyte, so a data package is counted in KB and shown in
# whole MB, rounded down (API.md section 10)
KB_PER_MB = 1024


def shown(kind: AllowanceKind, amount: int) -> int:
    """A package amount as a person reads it: data in whole MB, rounded down."""
    return amount // KB_PER_MB if kind is AllowanceKind.DATA else amount


class Allowance(Model):
    """Remaining minutes, SMS or kilobytes, unlimited ones keep left informational."""

    id = fields.IntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="allowances"
    )
    line_id: int
    kind = fields.CharEnumField(AllowanceKind, max_length=8)
    # minutes, SMS or KB (data is rated per started kilobyte)
    total = fields.BigIntField()
    left = fields.BigIntField()
    unlimited = fields.BooleanField(default=False)
    resets_at = fields.DatetimeField()

    class Meta:
        table = "allowance"
        unique_together = (("line", "kind"),)
        ordering = ("kind",)

    @property
    def unit(self) -> str:
        return UNITS[self.kind]


def packages_of(tariff: Tariff) -> list[tuple[AllowanceKind, int, bool]]:
    """The packages a tariff gives each period, as (kind, total, unlimited), data in KB:
    a package the tariff does not have is left out; an unlimited one has no total to
    count (0)."""
    found = []
    data_kb = tariff.data_mb * KB_PER_MB if tariff.data_mb is not None else None
    for kind, total, unlimited in (
        (AllowanceKind.MINUTES, tariff.minutes, False),
        (AllowanceKind.SMS, tariff.sms, False),
        (AllowanceKind.DATA, data_kb, tariff.unlimited_data),
    ):
        if total is not None or unlimited:
            found.append((kind, total or 0, unlimited))
    return found


def month_before(moment: datetime) -> datetime:
    """The same moment a calendar month earlier (the 31st becomes the month's last day)."""
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def month_after(moment: datetime) -> datetime:
    """The same moment a calendar month later (the 31st becomes the month's last day)."""
    year, month = (moment.year, moment.month + 1) if moment.month < 12 else (moment.year + 1, 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def next_month_start(now: datetime) -> datetime:
    """Billing periods are calendar months by default: the 1st, 00:00 UTC."""
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    def left(self, now: datetime) -> int:
        """Whole seconds from `now` to the end, never below 0 or above the period."""
        return max(0, min(self.seconds, int((self.end - now).total_seconds())))


async def billing_period(
    line_id: int, now: datetime, using_db: BaseDBAsyncClient | None = None
) -> Period:
    """The line's current period: it ends when its packages reset, and began a calendar
    month before; a line without packages follows calendar months."""
    query = Allowance.filter(line_id=line_id)
    if using_db is not None:
        query = query.using_db(using_db)
    first = await query.order_by("resets_at").first()
    end = first.resets_at if first is not None else next_month_start(now)
    return Period(month_before(end), end)
