"""Expenses ("Расходы"): what a line's month cost, by category, beside the month before;
and the subscriptions a family pays for and does not use.

Categories always add up to the total. Usage is counted by when it happened (its
records' start), everything else by when it was charged (its ledger rows):
- calls, SMS (and MMS), data: usage at home; roaming: all usage abroad;
- fees: the tariff's monthly fees (ledger key `fee:`);
- subscriptions: paid subscriptions (`sub:`);
- one-off: every other charge (a service connected, a tariff change, a trust payment's
  fee, a paid block day ...).
Bonuses spent on a charge count as spent: the category shows what the thing cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from i18n import OPERATOR_TIME_ZONE
from models.errors import DomainError, ErrorCode
from models.ledger import EntryKind, LedgerEntry
from models.service import ChargePeriod, LineService
from models.usage import Direction, UsageKind, UsageRecord

# how long a paid subscription may go unused before it counts as forgotten
FORGOTTEN_AFTER = timedelta(days=60)
DAYS_A_MONTH = 30


class ExpenseKind(StrEnum):
    CALLS = "CALLS"
    SMS = "SMS"
    DATA = "DATA"
    ROAMING = "ROAMING"
    SUBSCRIPTIONS = "SUBSCRIPTIONS"
    FEES = "FEES"
    ONE_OFF = "ONE_OFF"


USAGE_CATEGORY = {
    UsageKind.CALL: ExpenseKind.CALLS,
    UsageKind.SMS: ExpenseKind.SMS,
    UsageKind.MMS: ExpenseKind.SMS,
    UsageKind.DATA: ExpenseKind.DATA,
}


@dataclass(frozen=True)
class Month:
    """A calendar month in the operator's time zone, as UTC instants."""

    name: str  # "2026-11"
    start: datetime
    end: datetime

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            local = datetime.strptime(text, "%Y-%m").replace(tzinfo=OPERATOR_TIME_ZONE)
        except ValueError:
            raise DomainError(ErrorCode.INVALID_INPUT, "invalid_month", field=["month"]) from None
        return cls.of(local)

    @classmethod
    def of(cls, moment: datetime) -> Month:
        local = moment.astimezone(OPERATOR_TIME_ZONE).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        following = (local + timedelta(days=32)).replace(day=1)
        return cls(f"{local:%Y-%m}", local.astimezone(UTC), following.astimezone(UTC))

    def before(self) -> Month:
        return Month.of(self.start.astimezone(OPERATOR_TIME_ZONE) - timedelta(days=1))


@dataclass(frozen=True)
class ExpenseReport:
    month: Month
    line_id: int
    amounts: dict[ExpenseKind, int]
    previous: dict[ExpenseKind, int]

    @property
    def total(self) -> int:
        return sum(self.amounts.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous.values())


def _category(entry: LedgerEntry) -> ExpenseKind | None:
    key = entry.idempotency_key or ""
    if key.startswith("usage:"):
        return None  # counted from the records themselves
    if key.startswith("fee:"):
        return ExpenseKind.FEES
    if key.startswith("sub:"):
        return ExpenseKind.SUBSCRIPTIONS
    return ExpenseKind.ONE_OFF


async def _amounts(line_ids: list[int], month: Month) -> dict[int, dict[ExpenseKind, int]]:
    found: dict[int, dict[ExpenseKind, int]] = {
        line_id: dict.fromkeys(ExpenseKind, 0) for line_id in line_ids
    }
    usage = (
        await UsageRecord.filter(
            line_id__in=line_ids, started_at__gte=month.start, started_at__lt=month.end
        )
        .exclude(cost=0)
        .only("line_id", "kind", "roaming", "cost")
    )
    for record in usage:
        kind = ExpenseKind.ROAMING if record.roaming else USAGE_CATEGORY[record.kind]
        found[record.line_id][kind] += record.cost
    charges = await LedgerEntry.filter(
        line_id__in=line_ids,
        kind=EntryKind.CHARGE,
        created_at__gte=month.start,
        created_at__lt=month.end,
    ).only("line_id", "amount", "bonus", "idempotency_key")
    for entry in charges:
        category = _category(entry)
        if category is not None:
            found[entry.line_id][category] += -(entry.amount + entry.bonus)
    return found


async def expense_reports(line_ids: list[int], month: Month) -> dict[int, ExpenseReport]:
    """Each line's month and the month before, in four reads however many lines."""
    now, before = await _amounts(line_ids, month), await _amounts(line_ids, month.before())
    return {
        line_id: ExpenseReport(month, line_id, now[line_id], before[line_id])
        for line_id in line_ids
    }


@dataclass(frozen=True)
class Forgotten:
    line_service: LineService
    monthly_cost: int


def monthly_cost(connected: LineService) -> int:
    if connected.service.period is ChargePeriod.DAILY:
        return connected.price * DAYS_A_MONTH
    return connected.price


async def forgotten_subscriptions(line_ids: list[int], now: datetime) -> list[Forgotten]:
    """Paid subscriptions connected for FORGOTTEN_AFTER or longer and not used since:
    a service with its own short number is used by a call or message to it; any other
    by any use of the line at all (a tablet nobody picks up still pays)."""
    since = now - FORGOTTEN_AFTER
    paid = (
        await LineService.filter(
            line_id__in=line_ids,
            price__gt=0,
            service__is_subscription=True,
            connected_at__lte=since,
        )
        .select_related("service")
        .order_by("line_id", "id")
    )
    if not paid:
        return []
    recent = await UsageRecord.filter(
        line_id__in=sorted({p.line_id for p in paid}), started_at__gte=since
    ).only("line_id", "direction", "counterpart", "started_at")
    any_use = {record.line_id for record in recent}
    to_number = {
        (record.line_id, record.counterpart)
        for record in recent
        if record.direction is Direction.OUT and record.counterpart
    }
    return [
        Forgotten(connected, monthly_cost(connected))
        for connected in paid
        if not (
            (connected.line_id, connected.service.short_number) in to_number
            if connected.service.short_number
            else connected.line_id in any_use
        )
    ]
