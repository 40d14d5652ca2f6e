"""`linehub ledger verify` recomputes every balance from the ledger and says which drift."""

from __future__ import annotations

from models import LedgerEntry, Line
from tests.helpers import linehub


async def test_a_clean_ledger_verifies_and_a_drift_is_named(database_url: str, demo) -> None:
    code, said = await linehub(database_url, "ledger", "verify")
    assert (code, said.strip().splitlines()[-1]) == (
        0,
        "linehub ledger: every balance equals its ledger",
    )
    # a balance changed outside the ledger
    await Line.filter(msisdn="9031234568").update(balance=1)
    # an entry whose balance_after is not the running sum, though the total is right
    petya = await Line.get(msisdn="9031234569")
    first = (await LedgerEntry.filter(line_id=petya.id).order_by("id").limit(1))[0]
    await LedgerEntry.filter(id=first.id).update(balance_after=first.balance_after + 1)
    code, said = await linehub(database_url, "ledger", "verify")
    assert code == 1
    lines = said.strip().splitlines()
    assert lines[-1] == "linehub ledger: 2 line(s) drift from their ledger"
    assert any(line.startswith("drift: line 9031234568: balance 0.01, ledger ") for line in lines)
    assert any("9031234569" in line and f"first wrong entry {first.id}" in line for line in lines)
