"""Autopay: a line topped up from its payer's bound card when its balance falls below a
threshold, or on a day of every month, within a monthly cap.

Exactly once per trigger, across any number of workers: every run is a payment whose
key names the trigger (`autopay:<id>:<run>:<attempt>`), and a payment key is unique per
payer, so a second worker that finds the same trigger gets the same payment back
instead of making one. A threshold trigger is claimed by a conditional UPDATE of the
autopay (`armed` true -> false), and re-armed once the balance is back above it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.expressions import F
from tortoise.indexes import Index
from tortoise.models import Model

from i18n import OPERATOR_TIME_ZONE
from models.access.audit import Actor
from models.card import Card
from models.errors import DomainError, ErrorCode
from models.ledger import sum_of
from models.line import Line
from models.money import format_decimal, to_decimal
from models.payment import (
    OPEN,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    check_top_up,
    open_payment,
)
from models.request import LineRequestKind, LineRequestStatus, record_request

if TYPE_CHECKING:
    from models.person import User

# a failed run is tried again this many times in all, waiting RETRY_AFTER * attempt
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=15)
MAX_THRESHOLD = 15_000_00


class AutopayMode(StrEnum):
    THRESHOLD = "THRESHOLD"  # below `threshold`, add `amount`
    MONTHLY = "MONTHLY"  # on `day_of_month`, add `amount`


class Autopay(Model):
    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="autopays", on_delete=fields.CASCADE
    )
    line_id: int
    # who set it up and pays: the card is theirs
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="autopays", on_delete=fields.CASCADE
    )
    owner_id: int
    card: fields.ForeignKeyRelation[Card] = fields.ForeignKeyField(
        "linehub.Card", related_name="autopays", on_delete=fields.CASCADE
    )
    card_id: int
    mode = fields.CharEnumField(AutopayMode, max_length=10)
    amount = fields.BigIntField(description="kopecks a run adds")
    threshold = fields.BigIntField(null=True, description="kopecks")
    day_of_month = fields.IntField(null=True)
    monthly_limit = fields.BigIntField(null=True, description="kopecks a month at most")
    active = fields.BooleanField(default=True)
    armed = fields.BooleanField(default=True)
    runs = fields.IntField(default=0)
    attempt = fields.IntField(default=0, description="tries of the current run so far")
    retry_at = fields.DatetimeField(null=True)
    stopped_reason = fields.CharField(max_length=40, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "autopay"
        ordering = ("id",)
        unique_together = (("line", "owner", "mode"),)
        indexes = (Index(fields=("active", "mode"), name="autopay_active_idx"),)


def check_terms(
    mode: AutopayMode,
    amount: int,
    threshold: int | None,
    day_of_month: int | None,
    monthly_limit: int | None,
) -> None:
    check_top_up(amount)
    if mode is AutopayMode.THRESHOLD and (threshold is None or not 0 <= threshold <= MAX_THRESHOLD):
        raise DomainError(ErrorCode.INVALID_INPUT, "autopay_threshold", field=["threshold"])
    if mode is AutopayMode.MONTHLY and (day_of_month is None or not 1 <= day_of_month <= 28):
        raise DomainError(ErrorCode.INVALID_INPUT, "autopay_day", field=["dayOfMonth"])
    if monthly_limit is not None and monthly_limit < amount:
        raise DomainError(ErrorCode.INVALID_INPUT, "autopay_limit", field=["monthlyLimit"])


async def set_autopay(
    line_id: int,
    owner_id: int,
    card: Card,
    mode: AutopayMode,
    amount: int,
    threshold: int | None,
    day_of_month: int | None,
    monthly_limit: int | None,
) -> Autopay:
    """The owner's autopay of this mode on the line, created or replaced (one each)."""
    check_terms(mode, amount, threshold, day_of_month, monthly_limit)
    terms = {
        "card_id": card.id,
        "amount": amount,
        "threshold": threshold if mode is AutopayMode.THRESHOLD else None,
        "day_of_month": day_of_month if mode is AutopayMode.MONTHLY else None,
        "monthly_limit": monthly_limit,
        "active": True,
        "armed": True,
        "attempt": 0,
        "retry_at": None,
        "stopped_reason": None,
    }
    autopay, created = await Autopay.get_or_create(
        line_id=line_id, owner_id=owner_id, mode=mode, defaults=terms
    )
    if not created:
        await Autopay.filter(id=autopay.id).update(**terms)
        await autopay.refresh_from_db()
    return autopay


async def stop(autopay_id: int, reason: str) -> None:
    await Autopay.filter(id=autopay_id).update(active=False, stopped_reason=reason)


async def stop_for_card(card_id: int) -> None:
    """An unbound card pays for nothing more."""
    await Autopay.filter(card_id=card_id, active=True).update(
        active=False, stopped_reason="card_removed"
    )


def month_of(moment: datetime) -> tuple[datetime, datetime]:
    """The operator's calendar month around `moment`, as UTC instants."""
    local = moment.astimezone(OPERATOR_TIME_ZONE)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start.astimezone(UTC), end.astimezone(UTC)


async def spent_this_month(autopay: Autopay, now: datetime) -> int:
    start, end = month_of(now)
    return await sum_of(
        Payment.filter(
            autopay_id=autopay.id,
            created_at__gte=start,
            created_at__lt=end,
            status__in=[*OPEN, PaymentStatus.SUCCEEDED],
        )
    )


async def within_cap(autopay: Autopay, now: datetime) -> bool:
    if autopay.monthly_limit is None:
        return True
    return await spent_this_month(autopay, now) + autopay.amount <= autopay.monthly_limit


async def rearm(now: datetime) -> int:
    """Threshold autopays whose line is back at or above the threshold, with no run in
    flight, are armed for the next fall."""
    count = 0
    for autopay in await Autopay.filter(
        active=True, armed=False, mode=AutopayMode.THRESHOLD
    ).select_related("line"):
        if autopay.threshold is None or autopay.line.balance < autopay.threshold:
            continue
        if await Payment.filter(autopay_id=autopay.id, status__in=OPEN).exists():
            continue
        count += await Autopay.filter(id=autopay.id, armed=False).update(
            armed=True, attempt=0, retry_at=None
        )
    return count


async def due_runs(now: datetime) -> list[Payment]:
    """Claim every trigger that is due now and write its payment (not yet sent). A
    trigger another worker claimed, or a payment already written, is not written again."""
    payments: list[Payment] = []
    active = await Autopay.filter(active=True).select_related("line")
    for autopay in active:
        key = await _claim(autopay, now)
        if key is None:
            continue
        payment = await open_payment(
            autopay.owner_id,
            key,
            PaymentPurpose.TOP_UP,
            autopay.amount,
            line_id=autopay.line_id,
            card_id=autopay.card_id,
            autopay_id=autopay.id,
        )
        if payment.open:
            payments.append(payment)
    return payments


async def _claim(autopay: Autopay, now: datetime) -> str | None:
    """The payment key of the trigger due now, or None."""
    if autopay.mode is AutopayMode.MONTHLY:
        local = now.astimezone(OPERATOR_TIME_ZONE)
        if autopay.day_of_month is None or local.day < autopay.day_of_month:
            return None
        if autopay.retry_at is not None and autopay.retry_at > now:
            return None
        run = f"m{local:%Y%m}"
        month_start, _ = month_of(now)
        done = await Payment.filter(
            autopay_id=autopay.id,
            created_at__gte=month_start,
            status__in=[*OPEN, PaymentStatus.SUCCEEDED],
        ).exists()
        if done or autopay.attempt >= MAX_ATTEMPTS or not await within_cap(autopay, now):
            return None
        return f"autopay:{autopay.id}:{run}:{autopay.attempt + 1}"
    if autopay.threshold is None or autopay.line.balance >= autopay.threshold:
        return None
    if autopay.armed:
        if not await within_cap(autopay, now):
            return None
        claimed = await Autopay.filter(id=autopay.id, armed=True).update(
            armed=False, runs=F("runs") + 1, attempt=0, retry_at=None
        )
        if not claimed:
            return None  # another worker took this fall
        await autopay.refresh_from_db()
        return f"autopay:{autopay.id}:{autopay.runs}:1"
    if autopay.retry_at is None or autopay.retry_at > now or autopay.attempt >= MAX_ATTEMPTS:
        return None
    if await Payment.filter(autopay_id=autopay.id, status__in=OPEN).exists():
        return None
    return f"autopay:{autopay.id}:{autopay.runs}:{autopay.attempt + 1}"


async def record_outcome(payment: Payment, now: datetime) -> tuple[Autopay | None, bool]:
    """A run's payment was decided: on success the run is over; on a failure the next
    try is scheduled, or after MAX_ATTEMPTS the autopay stops. Answers the autopay and
    whether it has just stopped (its owner is then told)."""
    if payment.autopay_id is None:
        return None, False
    autopay = await Autopay.get_or_none(id=payment.autopay_id)
    if autopay is None:
        return None, False
    attempt = int(payment.idempotency_key.rsplit(":", 1)[1])
    amount = {"amount": format_decimal(to_decimal(payment.amount))}
    owner = Actor(autopay.owner_id)
    if payment.status is PaymentStatus.SUCCEEDED:
        # armed again at once when the run lifted the balance over the threshold, or the
        # next fall before the schedule looks again would go unseen
        balance = (await Line.get(id=autopay.line_id)).balance
        armed = autopay.threshold is not None and balance >= autopay.threshold
        await Autopay.filter(id=autopay.id).update(attempt=0, retry_at=None, armed=armed)
        await record_request(
            autopay.line_id, LineRequestKind.AUTOPAY, owner, "request_autopay", amount
        )
        return autopay, False
    if attempt >= MAX_ATTEMPTS:
        await Autopay.filter(id=autopay.id).update(
            attempt=attempt, active=False, stopped_reason=payment.failure_code or "failed"
        )
        await record_request(
            autopay.line_id,
            LineRequestKind.AUTOPAY,
            owner,
            "request_autopay",
            amount,
            status=LineRequestStatus.REJECTED,
        )
        return autopay, True
    await Autopay.filter(id=autopay.id).update(
        attempt=attempt, retry_at=now + RETRY_AFTER * attempt
    )
    return autopay, False
