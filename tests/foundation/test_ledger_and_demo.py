"""Money is exact and every change of a balance is a ledger row in the same transaction."""

import asyncio
from pathlib import Path

import pytest

from models import Allowance, EntryKind, LedgerEntry, Line, LineService, post_entry
from models.errors import DomainError
from models.money import format_decimal, parse_decimal, to_decimal, to_kopecks
from tests.helpers import linehub

ROOT = Path(__file__).resolve().parents[2]


def test_money_converts_exactly() -> None:
    from decimal import Decimal

    assert to_decimal(12345) == Decimal("123.45")
    assert str(to_decimal(-5)) == "-0.05"
    assert to_kopecks("0.10") + to_kopecks("0.20") == to_kopecks("0.30")
    for bad in ["1.001", "NaN", "Infinity", "abc", "1e30"]:
        with pytest.raises(DomainError):
            to_kopecks(bad)


def test_money_is_written_as_plain_ascii_digits() -> None:
    from decimal import Decimal

    assert parse_decimal("-0.50") == Decimal("-0.50")
    assert parse_decimal(150) == Decimal(150)
    for bad in [1.5, True, "1e3", "1_000", " 1", "١٢", "1.", ".5", None]:
        with pytest.raises(ValueError, match="Decimal is written"):
            parse_decimal(bad)
    assert format_decimal(to_decimal(15000)) == "150.00"
    assert format_decimal(Decimal("1E+2")) == "100"


async def test_demo_balances_equal_the_sum_of_their_ledger(demo) -> None:
    for line in await Line.all():
        entries = await LedgerEntry.filter(line_id=line.id)
        assert entries, line.msisdn
        assert sum(e.amount for e in entries) == line.balance


async def test_concurrent_postings_are_all_counted(demo) -> None:
    line = await Line.get(msisdn="9031234567")
    start = line.balance
    await asyncio.gather(*(post_entry(line.id, 1_00, EntryKind.TOP_UP) for _ in range(20)))
    await line.refresh_from_db()
    assert line.balance == start + 20_00
    assert sorted(
        e.balance_after for e in await LedgerEntry.filter(line_id=line.id, amount=100)
    ) == [start + 100 * n for n in range(1, 21)]


async def test_a_retried_top_up_with_the_same_key_lands_once(demo) -> None:
    line = await Line.get(msisdn="9031234568")
    first = await post_entry(line.id, 500_00, EntryKind.TOP_UP, idempotency_key="pay-42")
    again = await post_entry(line.id, 500_00, EntryKind.TOP_UP, idempotency_key="pay-42")
    assert first.id == again.id
    await line.refresh_from_db()
    assert line.balance == first.balance_after


async def test_keys_belong_to_their_line_and_a_reused_key_is_refused(demo) -> None:
    anna, boris = [await Line.get(msisdn=m) for m in ("9031234567", "9161112233")]
    mine = await post_entry(anna.id, 100_00, EntryKind.TOP_UP, idempotency_key="pay-1")
    theirs = await post_entry(boris.id, 500_00, EntryKind.TOP_UP, idempotency_key="pay-1")
    assert (theirs.line_id, theirs.amount) == (boris.id, 500_00)
    await boris.refresh_from_db()
    assert boris.balance == theirs.balance_after
    # the same key on the same line for another amount: a client bug, refused, no change
    with pytest.raises(DomainError) as refused:
        await post_entry(anna.id, 200_00, EntryKind.TOP_UP, idempotency_key="pay-1")
    assert refused.value.message_key == "idempotency_key_reused"
    await anna.refresh_from_db()
    assert anna.balance == mine.balance_after


async def test_parallel_retries_with_one_key_land_once(demo) -> None:
    line = await Line.get(msisdn="9031234569")
    start = line.balance
    entries = await asyncio.gather(
        *(post_entry(line.id, 300_00, EntryKind.TOP_UP, idempotency_key="pay-7") for _ in range(8))
    )
    assert len({entry.id for entry in entries}) == 1
    await line.refresh_from_db()
    assert line.balance == start + 300_00
    assert await LedgerEntry.filter(line_id=line.id, idempotency_key="pay-7").count() == 1


async def test_every_demo_line_has_services_a_paid_subscription_and_allowances(demo) -> None:
    """API.md section 9: a tariff, a few services, one a paid subscription the family
    forgot about, and what is left of this period's allowances."""
    for line in await Line.all():
        connected = await LineService.filter(line_id=line.id).prefetch_related("service")
        assert len(connected) >= 2, line.msisdn
        assert any(c.service.is_subscription and c.price > 0 for c in connected), line.msisdn
        assert await Allowance.filter(line_id=line.id).exists(), line.msisdn


async def test_float_amounts_are_refused(demo) -> None:
    line = await Line.get(msisdn="9031234568")
    with pytest.raises(TypeError):
        # a float on purpose: the annotation forbids it, and so must the code at run time
        await post_entry(line.id, 1.5, EntryKind.TOP_UP)  # type: ignore[arg-type]


async def test_demo_refuses_to_load_twice_and_reset_starts_over(database_url: str) -> None:
    assert (await linehub(database_url, "demo"))[0] == 0
    assert await Line.filter(msisdn="9031234567").exists()
    code, output = await linehub(database_url, "demo")
    assert code == 1
    assert "--reset" in output
    assert (await linehub(database_url, "demo", "--if-empty"))[0] == 0
    await Line.filter(msisdn="9031234567").update(label="changed")
    assert (await linehub(database_url, "demo", "--reset"))[0] == 0
    assert (await Line.get(msisdn="9031234567")).label == "Мой"
    assert await Line.all().count() == 8


async def test_demo_on_a_database_never_migrated_says_to_migrate(tmp_path) -> None:
    code, output = await linehub(f"sqlite://{tmp_path}/never-migrated.sqlite3", "demo")
    assert code == 1
    assert "run `linehub migrate` first" in output
    assert "Traceback" not in output
