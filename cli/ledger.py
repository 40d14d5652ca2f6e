"""`linehub ledger verify`: every balance recomputed from the ledger."""

from __future__ import annotations

from tortoise import Tortoise

from config import Settings
from models import tortoise_config
from models.ledger import verify
from models.money import format_decimal, to_decimal


def _money(kopecks: int) -> str:
    return format_decimal(to_decimal(kopecks))


async def verify_command(settings: Settings) -> int:
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        drifts = await verify()
    finally:
        await Tortoise.close_connections()
    for drift in drifts:
        where = f", first wrong entry {drift.broken_entry}" if drift.broken_entry else ""
        print(
            f"drift: line {drift.msisdn}: balance {_money(drift.balance)}, "
            f"ledger {_money(drift.ledger)}; bonuses {_money(drift.bonus_balance)}, "
            f"bonus ledger {_money(drift.bonus_ledger)}{where}"
        )
    if drifts:
        print(f"linehub ledger: {len(drifts)} line(s) drift from their ledger")
        return 1
    print("linehub ledger: every balance equals its ledger")
    return 0
