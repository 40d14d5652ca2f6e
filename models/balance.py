"""The money of a line as a ledger: every change of the balance is a row, in one transaction."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.errors import DomainError, ErrorCode
from models.line import Line


class EntryKind(StrEnum):
    TOP_UP = "TOP_UP"
    CHARGE = "CHARGE"
    REFUND = "REFUND"
    ADJUSTMENT = "ADJUSTMENT"


class LedgerEntry(Model):
    """One movement of money on a line, the amount is signed kopecks."""

    id = fields.BigIntField(primary_key=True)
    line = fields.ForeignKeyField("linehub.Line", related_name="ledger", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(EntryKind, max_length=12)
    amount = fields.BigIntField()
    balance_after = fields.BigIntField()
    description = fields.CharField(max_length=200, default="")
    # a client-chosen key makes a retried top-up land once
    idempotency_key = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entry"
        ordering = ("-created_at", "-id")


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
    async with in_transaction() as conn:
        if idempotency_key:
            existing = await LedgerEntry.get_or_none(idempotency_key=idempotency_key).using_db(conn)
            if existing is not None:
                return existing
        updated = await Line.filter(id=line_id).using_db(conn).update(balance=F("balance") + amount)
        if not updated:
            raise DomainError(ErrorCode.NOT_FOUND)
        line = await Line.get(id=line_id).using_db(conn)
        return await LedgerEntry.create(
            line_id=line_id,
            kind=kind,
            amount=amount,
            balance_after=line.balance,
            description=description,
            idempotency_key=idempotency_key,
            using_db=conn,
        )
