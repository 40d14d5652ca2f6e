"""Blocking a line: a lost phone at once, or a voluntary pause (home internet on holiday).

The home-internet line's voluntary block is free for FREE_BLOCK_DAYS days a calendar
year, counted across blocks by Moscow calendar days (a day counts when the line was
blocked at any moment of it); each further day costs BLOCK_DAY_PRICE, charged once that
day has begun (the schedule's `lines.settle_blocks`, idempotent per line and day).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, OPERATOR_TIME_ZONE, translate
from models.access import AuditAction
from models.access.audit import Actor, record
from models.errors import DomainError, ErrorCode
from models.ledger import LedgerEntry, charge
from models.line import DeviceKind, Line, LineStatus
from models.request import LineRequest, LineRequestKind, record_request

if TYPE_CHECKING:
    from models.person import User

FREE_BLOCK_DAYS = 90
BLOCK_DAY_PRICE = 10_00
MAX_BLOCK = timedelta(days=366)
# a paid block day's ledger key: the line's own keys make each day's charge land once
DAY_KEY = "block-day:"


class BlockReason(StrEnum):
    LOST = "LOST"
    VOLUNTARY = "VOLUNTARY"


class LineBlock(Model):
    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="blocks"
    )
    line_id: int
    reason = fields.CharEnumField(BlockReason, max_length=10)
    since = fields.DatetimeField()
    until = fields.DatetimeField(null=True, description="a voluntary block ends by itself")
    ended_at = fields.DatetimeField(null=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="line_blocks", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None

    class Meta:
        table = "line_block"
        ordering = ("-since", "-id")
        # a line's blocks (the current one, this year's days); due ends for the schedule
        indexes = (
            Index(fields=("line_id", "since"), name="line_block_line_idx"),
            Index(fields=("until",), name="line_block_until_idx"),
            Index(fields=("actor_id",), name="line_block_actor_idx"),
        )


def _day(moment: datetime) -> date:
    return moment.astimezone(OPERATOR_TIME_ZONE).date()


def blocked_days(blocks: Iterable[LineBlock], year: int, now: datetime) -> list[date]:
    """The calendar days of `year` on which voluntary blocks held the line, in order."""
    days: set[date] = set()
    for block in blocks:
        if block.reason is not BlockReason.VOLUNTARY:
            continue
        first, last = _day(block.since), _day(block.ended_at or now)
        day = max(first, date(year, 1, 1))
        while day <= min(last, date(year, 12, 31)):
            days.add(day)
            day += timedelta(days=1)
    return sorted(days)


def free_days_left(blocks: Iterable[LineBlock], now: datetime) -> int:
    return max(0, FREE_BLOCK_DAYS - len(blocked_days(blocks, _day(now).year, now)))


def year_start(now: datetime) -> datetime:
    # as a UTC instant: SQLite compares stored datetimes as text, all written in UTC
    return datetime(_day(now).year, 1, 1, tzinfo=OPERATOR_TIME_ZONE).astimezone(UTC)


async def current(line_id: int) -> LineBlock | None:
    return await LineBlock.filter(line_id=line_id, ended_at__isnull=True).first()


async def block(
    line_id: int, reason: BlockReason, until: datetime | None, actor: Actor
) -> tuple[LineBlock, LineRequest | None]:
    """Block the line at once. A line already blocked stays as it is (a double submit,
    or two family members reporting one lost phone) and its block is the answer."""
    now = datetime.now(UTC)
    if until is not None:
        if reason is BlockReason.LOST:
            raise DomainError(ErrorCode.INVALID_INPUT, "block_lost_until", field=["until"])
        if not now < until <= now + MAX_BLOCK:
            raise DomainError(ErrorCode.INVALID_INPUT, "block_until", field=["until"])
    async with in_transaction() as conn:
        line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        existing = (
            await LineBlock.filter(line_id=line_id, ended_at__isnull=True).using_db(conn).first()
        )
        if existing is not None:
            return existing, None
        created = await LineBlock.create(
            line_id=line_id,
            reason=reason,
            since=now,
            until=until,
            actor_id=actor.user_id,
            using_db=conn,
        )
        await Line.filter(id=line.id).using_db(conn).update(status=LineStatus.BLOCKED)
        params = {"reason": reason.value}
        request = await record_request(
            line_id,
            LineRequestKind.BLOCK,
            actor,
            f"request_block_{reason.lower()}",
            params,
            using_db=conn,
        )
        details = {"reason": reason.value, "until": until.isoformat() if until else None}
        await record(line_id, actor, AuditAction.BLOCK, details, using_db=conn)
    return created, request


async def unblock(line_id: int, actor: Actor) -> LineRequest | None:
    """End the line's block; a line that is not blocked changes nothing (None)."""
    async with in_transaction() as conn:
        await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        ended = (
            await LineBlock.filter(line_id=line_id, ended_at__isnull=True)
            .using_db(conn)
            .update(ended_at=datetime.now(UTC))
        )
        if not ended:
            return None
        await Line.filter(id=line_id).using_db(conn).update(status=LineStatus.ACTIVE)
        request = await record_request(
            line_id, LineRequestKind.UNBLOCK, actor, "request_unblock", using_db=conn
        )
        await record(line_id, actor, AuditAction.UNBLOCK, {}, using_db=conn)
    return request


async def settle(now: datetime | None = None) -> tuple[int, int]:
    """The schedule's part: end blocks whose date has come, and charge the home-internet
    line's paid block days that have begun. Answers (blocks ended, days charged)."""
    now = now or datetime.now(UTC)
    ended = 0
    for due in await LineBlock.filter(ended_at__isnull=True, until__lte=now):
        ended += await unblock(due.line_id, Actor(None)) is not None
    charged = 0
    routers = Line.filter(device_kind=DeviceKind.ROUTER).values_list("id", flat=True)
    start = year_start(now)
    blocks = await LineBlock.filter(line_id__in=await routers, reason=BlockReason.VOLUNTARY).filter(
        since__lt=now
    )
    by_line: dict[int, list[LineBlock]] = {}
    for found in blocks:
        if found.ended_at is None or found.ended_at >= start:
            by_line.setdefault(found.line_id, []).append(found)
    for line_id, line_blocks in by_line.items():
        paid = blocked_days(line_blocks, _day(now).year, now)[FREE_BLOCK_DAYS:]
        charged_before = await LedgerEntry.filter(
            line_id=line_id, idempotency_key__startswith=DAY_KEY
        )
        done = {entry.idempotency_key for entry in charged_before}
        for day in paid:
            if f"{DAY_KEY}{day.isoformat()}" not in done:
                charged += await _charge_day(line_id, day)
    return ended, charged


async def _charge_day(line_id: int, day: date) -> int:
    key = f"{DAY_KEY}{day.isoformat()}"
    try:
        async with in_transaction() as conn:
            await charge(
                conn,
                line_id,
                BLOCK_DAY_PRICE,
                translate("ledger_block_day", OPERATOR_LANGUAGE, day=f"{day:%d.%m.%Y}"),
                idempotency_key=key,
                allow_debt=True,
            )
    except IntegrityError:
        return 0  # charged already (the key is the line's and the day's)
    return 1
