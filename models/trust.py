"""The trust payment ("Доверительный платёж"): money lent to a line for a few days, paid
back from its next top-ups. The rule (also in the README):

- eligible: the line is ACTIVE or suspended for debt (not blocked), it is at least
  TENURE_DAYS old, it was topped up with at least MIN_RECENT_TOP_UPS in the last
  RECENT_DAYS, and no trust payment of it is open;
- amount: the average month of those top-ups, rounded down to 50 roubles, between
  MIN_AMOUNT and MAX_AMOUNT;
- fee: by amount (FEES), charged when it is taken;
- due DUE_DAYS after it is taken; unpaid then, the line is suspended until repaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, translate
from models.access.audit import Actor
from models.block import LineBlock
from models.errors import DomainError, ErrorCode
from models.ledger import EntryKind, LedgerEntry, charge, credit, sums_by_line
from models.line import Line, LineStatus
from models.money import format_decimal, to_decimal
from models.request import LineRequest, LineRequestKind, record_request

if TYPE_CHECKING:
    from models.person import User

TENURE_DAYS = 60
RECENT_DAYS = 90
MIN_RECENT_TOP_UPS = 300_00
MIN_AMOUNT = 100_00
MAX_AMOUNT = 1_000_00
STEP = 50_00
DUE_DAYS = 3
# (up to this amount, fee), kopecks
FEES = ((100_00, 10_00), (300_00, 25_00), (500_00, 40_00), (MAX_AMOUNT, 60_00))


class TrustStatus(StrEnum):
    ACTIVE = "ACTIVE"  # lent, not yet due
    OVERDUE = "OVERDUE"  # due and not repaid: the line is suspended
    REPAID = "REPAID"


class TrustPayment(Model):
    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="trust_payments", on_delete=fields.RESTRICT
    )
    line_id: int
    # the line's id while this one is open, null once repaid: a unique column makes
    # "one open trust payment a line" hold even for two requests at the same instant
    open_line_id = fields.IntField(null=True, unique=True)
    taker: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="trust_payments", null=True, on_delete=fields.SET_NULL
    )
    taker_id: int | None
    amount = fields.BigIntField(description="kopecks lent")
    fee = fields.BigIntField(description="kopecks")
    repaid = fields.BigIntField(default=0, description="kopecks paid back so far")
    status = fields.CharEnumField(TrustStatus, max_length=8, default=TrustStatus.ACTIVE)
    idempotency_key = fields.CharField(max_length=64)
    taken_at = fields.DatetimeField(auto_now_add=True)
    due_at = fields.DatetimeField()
    repaid_at = fields.DatetimeField(null=True)

    class Meta:
        table = "trust_payment"
        unique_together = (("line", "idempotency_key"),)
        indexes = (Index(fields=("status", "due_at"), name="trust_due_idx"),)

    @property
    def outstanding(self) -> int:
        return self.amount - self.repaid


@dataclass(frozen=True)
class TrustOffer:
    """What `line.trustPayment` shows: can it be taken now, for how much, at what fee."""

    eligible: bool
    reason: str | None  # a message key when not eligible
    amount: int
    fee: int
    due_at: datetime | None
    active: TrustPayment | None


def fee_for(amount: int) -> int:
    return next(fee for limit, fee in FEES if amount <= limit)


async def offer(line: Line, now: datetime | None = None) -> TrustOffer:
    return (await offers([line], now))[line.id]


async def offers(lines: list[Line], now: datetime | None = None) -> dict[int, TrustOffer]:
    """The offer of each line, in three queries however many lines (a family's
    dashboard asks for all of them at once)."""
    now = now or datetime.now(UTC)
    ids = [line.id for line in lines]
    active = {t.open_line_id: t for t in await TrustPayment.filter(open_line_id__in=ids)}
    blocked = {block.line_id for block in await LineBlock.filter(line_id__in=ids, ended_at=None)}
    since = now - timedelta(days=RECENT_DAYS)
    recent = await sums_by_line(
        LedgerEntry.filter(line_id__in=ids, kind=EntryKind.TOP_UP, created_at__gte=since)
    )
    return {
        line.id: _offer(line, active.get(line.id), line.id in blocked, recent.get(line.id, 0), now)
        for line in lines
    }


def _offer(
    line: Line, active: TrustPayment | None, blocked: bool, recent: int, now: datetime
) -> TrustOffer:
    amount = min(MAX_AMOUNT, max(MIN_AMOUNT, recent * 30 // RECENT_DAYS // STEP * STEP))
    reason = _refusal(line, active, blocked, recent, now)
    return TrustOffer(
        eligible=reason is None,
        reason=reason,
        amount=amount if reason is None else 0,
        fee=fee_for(amount) if reason is None else 0,
        due_at=now + timedelta(days=DUE_DAYS) if reason is None else None,
        active=active,
    )


def _refusal(
    line: Line, active: TrustPayment | None, blocked: bool, recent: int, now: datetime
) -> str | None:
    if active is not None:
        return "trust_already_taken"
    if line.status not in (LineStatus.ACTIVE, LineStatus.SUSPENDED):
        return "trust_line_closed"
    if blocked:
        return "trust_line_blocked"
    if line.created_at > now - timedelta(days=TENURE_DAYS):
        return "trust_too_new"
    if recent < MIN_RECENT_TOP_UPS:
        return "trust_few_top_ups"
    return None


async def take(line: Line, actor: Actor, key: str) -> tuple[TrustPayment, LineRequest]:
    """Lend the offer's amount and charge its fee, in one transaction with the request.
    The same key again answers the first trust payment; a second one while this is open
    is NOT_ELIGIBLE, even when both arrive at once."""
    existing = await TrustPayment.get_or_none(line_id=line.id, idempotency_key=key)
    if existing is not None:
        return existing, await _request_of(existing)
    found = await offer(line)
    if not found.eligible:
        raise DomainError(ErrorCode.NOT_ELIGIBLE, "trust_not_eligible", field=["msisdn"])
    assert found.due_at is not None
    try:
        async with in_transaction() as conn:
            trust = await TrustPayment.create(
                line_id=line.id,
                open_line_id=line.id,
                taker_id=actor.user_id,
                amount=found.amount,
                fee=found.fee,
                due_at=found.due_at,
                idempotency_key=key,
                using_db=conn,
            )
            text = translate("ledger_trust_credit", OPERATOR_LANGUAGE)
            await credit(
                conn,
                line.id,
                found.amount,
                EntryKind.TRUST_CREDIT,
                text,
                idempotency_key=f"trust:{trust.id}",
            )
            fee_text = translate("ledger_trust_fee", OPERATOR_LANGUAGE)
            await charge(
                conn,
                line.id,
                found.fee,
                fee_text,
                idempotency_key=f"trust-fee:{trust.id}",
                allow_debt=True,
            )
            request = await record_request(
                line.id,
                LineRequestKind.TRUST_PAYMENT,
                actor,
                "request_trust_payment",
                {"amount": format_decimal(to_decimal(found.amount)), "trust_id": trust.id},
                price=found.fee,
                using_db=conn,
            )
    except IntegrityError:
        # the same key, or another trust payment, won a moment ago
        existing = await TrustPayment.get_or_none(line_id=line.id, idempotency_key=key)
        if existing is not None:
            return existing, await _request_of(existing)
        raise DomainError(ErrorCode.NOT_ELIGIBLE, "trust_not_eligible", field=["msisdn"]) from None
    return trust, request


async def _request_of(trust: TrustPayment) -> LineRequest:
    found = await LineRequest.filter(
        line_id=trust.line_id, kind=LineRequestKind.TRUST_PAYMENT
    ).order_by("-id")
    return next(r for r in found if r.summary_params.get("trust_id") == trust.id)


async def repay_from(conn: BaseDBAsyncClient, line_id: int, money_in: int, key: str) -> int:
    """Part of money that just came in pays back the open trust payment; answers how
    much. Inside the top-up's transaction, under a key derived from the top-up's."""
    trust = (
        await TrustPayment.filter(open_line_id=line_id).using_db(conn).select_for_update().first()
    )
    if trust is None:
        return 0
    part = min(trust.outstanding, money_in)
    if part <= 0:
        return 0
    text = translate("ledger_trust_repay", OPERATOR_LANGUAGE)
    await credit(
        conn, line_id, -part, EntryKind.TRUST_REPAY, text, idempotency_key=key, restore=False
    )
    done = trust.repaid + part >= trust.amount
    await (
        TrustPayment.filter(id=trust.id)
        .using_db(conn)
        .update(
            repaid=F("repaid") + part,
            **(
                {"status": TrustStatus.REPAID, "open_line_id": None, "repaid_at": datetime.now(UTC)}
                if done
                else {}
            ),
        )
    )
    return part


async def restore_line(conn: BaseDBAsyncClient, line_id: int) -> None:
    """A suspended line comes back when it owes nothing: a balance of zero or more and
    no overdue trust payment."""
    line = await Line.get(id=line_id, using_db=conn)
    if line.status is not LineStatus.SUSPENDED or line.balance < 0:
        return
    if (
        await TrustPayment.filter(open_line_id=line_id, status=TrustStatus.OVERDUE)
        .using_db(conn)
        .exists()
    ):
        return
    await Line.filter(id=line_id).using_db(conn).update(status=LineStatus.ACTIVE)


async def fall_due(now: datetime | None = None) -> int:
    """Trust payments past their date and not repaid become OVERDUE and suspend their
    line; answers how many."""
    now = now or datetime.now(UTC)
    count = 0
    for trust in await TrustPayment.filter(status=TrustStatus.ACTIVE, due_at__lte=now):
        async with in_transaction() as conn:
            moved = (
                await TrustPayment.filter(id=trust.id, status=TrustStatus.ACTIVE)
                .using_db(conn)
                .update(status=TrustStatus.OVERDUE)
            )
            if moved:
                await (
                    Line.filter(id=trust.line_id, status=LineStatus.ACTIVE)
                    .using_db(conn)
                    .update(status=LineStatus.SUSPENDED)
                )
                count += 1
    return count
