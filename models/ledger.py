"""The money of a line as a ledger: every change of the balance is a row, in one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Sum
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.errors import DomainError, ErrorCode
from models.line import Line, LineStatus
from models.paging import oldest_first


class EntryKind(StrEnum):
    TOP_UP = "TOP_UP"
    CHARGE = "CHARGE"
    REFUND = "REFUND"
    ADJUSTMENT = "ADJUSTMENT"
    TRUST_CREDIT = "TRUST_CREDIT"  # a trust payment lent to the line
    TRUST_REPAY = "TRUST_REPAY"  # part of a top-up that pays it back
    BONUS = "BONUS"  # bonuses given (the money balance does not move)


class LedgerEntry(Model):
    """One movement of money on a line, the amount is signed kopecks.

    A line has two balances, money and bonuses; a row moves either or both (a charge
    paid partly with bonuses), and records what each was after it.
    """

    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="ledger", on_delete=fields.RESTRICT
    )
    line_id: int
    kind = fields.CharEnumField(EntryKind, max_length=12)
    amount = fields.BigIntField()
    balance_after = fields.BigIntField()
    bonus = fields.BigIntField(default=0, db_default=0, description="kopecks of bonuses")
    bonus_after = fields.BigIntField(default=0, db_default=0)
    description = fields.CharField(max_length=200, default="")
    # a client-chosen key makes a retried top-up land once; keys are the line's own, so
    # two clients choosing the same key never meet
    idempotency_key = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entry"
        ordering = ("-created_at", "-id")
        unique_together = (("line", "idempotency_key"),)
        # a line's history pages and their first page for many lines at once: WHERE
        # line_id ... ORDER BY created_at DESC, id DESC (also the line_id foreign key)
        indexes = (Index(fields=("line_id", "created_at", "id"), name="ledger_line_created_idx"),)


async def post_entry(
    line_id: int,
    amount: int,
    kind: EntryKind,
    description: str = "",
    *,
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """Change a line's balance by `amount` kopecks and record it, atomically.

    The balance is updated with `balance = balance + amount` in SQL, so two concurrent
    postings never lose one another; the ledger row stores the balance it produced.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("amount is integer kopecks")
    if amount == 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "zero_amount", field=["amount"])
    try:
        async with in_transaction() as conn:
            if idempotency_key:
                existing = await LedgerEntry.get_or_none(
                    line_id=line_id, idempotency_key=idempotency_key, using_db=conn
                )
                if existing is not None:
                    return _retried(existing, amount, kind)
            return await credit(
                conn, line_id, amount, kind, description, idempotency_key=idempotency_key
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        # a parallel retry with the same key committed first (and this transaction, with
        # its balance change, rolled back): that posting is the answer
        existing = await LedgerEntry.get(line_id=line_id, idempotency_key=idempotency_key)
        return _retried(existing, amount, kind)


async def credit(
    conn: BaseDBAsyncClient,
    line_id: int,
    amount: int,
    kind: EntryKind,
    description: str = "",
    *,
    idempotency_key: str | None = None,
    restore: bool = True,
) -> LedgerEntry:
    """Change a line's balance by `amount` kopecks inside the caller's transaction, with
    its ledger row; a line suspended for debt that this brings back to zero is ACTIVE
    (unless the caller decides that itself: `restore=False`)."""
    updated = await Line.filter(id=line_id).using_db(conn).update(balance=F("balance") + amount)
    if not updated:
        raise DomainError(ErrorCode.NOT_FOUND)
    line = await Line.get(id=line_id, using_db=conn)
    if restore and amount > 0 and line.status is LineStatus.SUSPENDED and line.balance >= 0:
        # suspended for a negative balance: a top-up that covers it restores it
        await Line.filter(id=line_id).using_db(conn).update(status=LineStatus.ACTIVE)
    return await LedgerEntry.create(
        line_id=line_id,
        kind=kind,
        amount=amount,
        balance_after=line.balance,
        bonus_after=line.bonus_balance,
        description=description,
        idempotency_key=idempotency_key,
        using_db=conn,
    )


def _retried(existing: LedgerEntry, amount: int, kind: EntryKind) -> LedgerEntry:
    """A retry must ask for the same posting; the same key for another is a client bug,
    refused rather than answered with a posting it did not ask for."""
    if existing.amount != amount or existing.kind != kind:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED, "idempotency_key_reused", field=["idempotencyKey"]
        )
    return existing


async def entries_between(
    line_id: int, start: datetime, end: datetime, page: int = 1000
) -> AsyncIterator[list[LedgerEntry]]:
    """A line's entries in [start, end), oldest first, in pages by keyset (created_at,
    id): memory stays flat however long the statement, and no OFFSET rescans."""
    window = LedgerEntry.filter(line_id=line_id, created_at__gte=start, created_at__lt=end)
    async for rows in oldest_first(window, "created_at", page):
        yield rows


async def sum_of(query: QuerySet[Any], field: str = "amount") -> int:
    """The sum of a column over a query, 0 when it has no rows."""
    rows = await query.annotate(total=Sum(field)).values_list("total", flat=True)
    return int(cast(int, rows[0]) or 0) if rows else 0


async def sums_by_line(query: QuerySet[Any], field: str = "amount") -> dict[int, int]:
    """The sum of a column per line over a query; lines without rows are absent."""
    rows = (
        await query.annotate(total=Sum(field)).group_by("line_id").values_list("line_id", "total")
    )
    return {int(line_id): int(total or 0) for line_id, total in rows}


async def count_between(line_id: int, start: datetime, end: datetime) -> int:
    return await LedgerEntry.filter(
        line_id=line_id, created_at__gte=start, created_at__lt=end
    ).count()


async def charge(
    conn: BaseDBAsyncClient,
    line_id: int,
    amount: int,
    description: str,
    *,
    idempotency_key: str | None = None,
    allow_debt: bool = False,
) -> LedgerEntry:
    """Take `amount` kopecks off a line inside the caller's transaction, with its ledger
    row: bonuses first, money for the rest. A balance that cannot take it is
    INSUFFICIENT_FUNDS and nothing changes (the caller's transaction rolls back);
    `allow_debt` is for what the operator charges on its own (a paid day of a block),
    which may take the balance below zero."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("a charge is a positive number of kopecks")
    bonuses = await _spend_bonuses(conn, line_id, amount)
    money = amount - bonuses
    lines = Line.filter(id=line_id).using_db(conn)
    if not allow_debt:
        lines = lines.filter(balance__gte=money)
    if not await lines.update(balance=F("balance") - money):
        raise DomainError(ErrorCode.INSUFFICIENT_FUNDS, "insufficient_funds", field=["msisdn"])
    balance, bonus_after = (
        await Line.filter(id=line_id).using_db(conn).values_list("balance", "bonus_balance")
    )[0]
    # written even when bonuses paid it all: the row carries the charge's key
    return await LedgerEntry.create(
        line_id=line_id,
        kind=EntryKind.CHARGE,
        amount=-money,
        balance_after=balance,
        bonus=-bonuses,
        bonus_after=bonus_after,
        description=description,
        idempotency_key=idempotency_key,
        using_db=conn,
    )


async def _spend_bonuses(conn: BaseDBAsyncClient, line_id: int, amount: int) -> int:
    """As many bonuses as the line has, up to `amount`; taken here, in the transaction."""
    available = await Line.filter(id=line_id).using_db(conn).values_list("bonus_balance", flat=True)
    spend = min(cast(int, available[0]), amount) if available else 0
    if spend <= 0:
        return 0
    taken = await (
        Line.filter(id=line_id, bonus_balance__gte=spend)
        .using_db(conn)
        .update(bonus_balance=F("bonus_balance") - spend)
    )
    # spent by a parallel charge a moment ago: money pays it all
    return spend if taken else 0


async def give_bonuses(
    conn: BaseDBAsyncClient, line_id: int, amount: int, description: str, key: str
) -> LedgerEntry:
    """Add bonuses (not money) with their row, under the line's ledger key."""
    await Line.filter(id=line_id).using_db(conn).update(bonus_balance=F("bonus_balance") + amount)
    balance, bonus_after = (
        await Line.filter(id=line_id).using_db(conn).values_list("balance", "bonus_balance")
    )[0]
    return await LedgerEntry.create(
        line_id=line_id,
        kind=EntryKind.BONUS,
        amount=0,
        balance_after=balance,
        bonus=amount,
        bonus_after=bonus_after,
        description=description,
        idempotency_key=key,
        using_db=conn,
    )


@dataclass(frozen=True)
class Drift:
    """A line whose balance the ledger does not explain."""

    line_id: int
    msisdn: str
    balance: int  # what the line says
    ledger: int  # what its entries add up to
    broken_entry: int | None  # the first entry whose balance_after is not the running sum
    bonus_balance: int = 0  # the line's bonuses
    bonus_ledger: int = 0  # what its bonus movements add up to


async def verify(page: int = 5000) -> list[Drift]:
    """Recompute every balance from the ledger: the entries of each line, in the order
    they were written, must add up to each entry's `balance_after` (and `bonus_after`)
    and, in all, to the line's balances. Entries are read in keyset pages, so memory
    stays flat."""
    sums: dict[int, tuple[int, int]] = {}
    broken: dict[int, int] = {}
    after = 0
    while True:
        rows = (
            await LedgerEntry.filter(id__gt=after)
            .order_by("id")
            .limit(page)
            .values_list("id", "line_id", "amount", "balance_after", "bonus", "bonus_after")
        )
        if not rows:
            break
        for entry_id, line_id, amount, balance_after, bonus, bonus_after in rows:
            money, bonuses = sums.get(line_id, (0, 0))
            money, bonuses = money + amount, bonuses + bonus
            sums[line_id] = (money, bonuses)
            if (money, bonuses) != (balance_after, bonus_after) and line_id not in broken:
                broken[line_id] = entry_id
        after = rows[-1][0]
    drifts = []
    for line in await Line.all().only("id", "msisdn", "balance", "bonus_balance"):
        money, bonuses = sums.get(line.id, (0, 0))
        if money != line.balance or bonuses != line.bonus_balance or line.id in broken:
            drifts.append(
                Drift(
                    line.id,
                    line.msisdn,
                    line.balance,
                    money,
                    broken.get(line.id),
                    line.bonus_balance,
                    bonuses,
                )
            )
    return drifts
