"""What money coming in does, in the transaction that brings it: the line's balance
credited, an open trust payment repaid from it, the tariff's bonuses given, and a
suspended line restored once it owes nothing. Each is a ledger row of its own, under a
key derived from the top-up's, so a repeated top-up repeats none of them."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from i18n import OPERATOR_LANGUAGE, translate
from models.ledger import EntryKind, LedgerEntry, credit, give_bonuses
from models.line import Line
from models.tariff import Tariff
from models.trust import repay_from, restore_line


async def after_top_up(
    conn: BaseDBAsyncClient, line_id: int, amount: int, key: str, kind: EntryKind
) -> LedgerEntry:
    """Credit `amount` kopecks under the line's ledger key `key` (unique: a second
    credit of the same payment fails the transaction instead of paying twice)."""
    text = translate("entry_top_up", OPERATOR_LANGUAGE)
    entry = await credit(conn, line_id, amount, kind, text, idempotency_key=key, restore=False)
    await repay_from(conn, line_id, amount, f"{key}:trust")
    tariff_id = (await Line.filter(id=line_id).using_db(conn).values_list("tariff_id", flat=True))[
        0
    ]
    tariff = await Tariff.get_or_none(id=tariff_id or 0, using_db=conn)
    if tariff is not None and tariff.bonus_percent:
        bonuses = amount * tariff.bonus_percent // 100
        if bonuses > 0:
            text = translate("ledger_bonus_top_up", OPERATOR_LANGUAGE, percent=tariff.bonus_percent)
            await give_bonuses(conn, line_id, bonuses, text, f"{key}:bonus")
    await restore_line(conn, line_id)
    return entry
