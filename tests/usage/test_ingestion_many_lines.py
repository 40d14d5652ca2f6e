"""Ingestion of batches spread over many lines: a chunk's statements do not grow with its
lines, batches sent at once (by HTTP and by separate processes) store each record once
and leave every balance and package exact, and a record another batch stored a moment
ago (even under another number) is counted as the other batch's, never charged twice."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine

import models.ingest as ingest_module
import models.ingest_store as store_module
from bench.usage.ingest import own_statements
from models import Allowance, AllowanceKind, Contract, LedgerEntry, Line, UsageRecord
from models.contract import ContractKind
from models.ingest import ingest_lines
from models.ledger import EntryKind, post_entry, verify
from models.rating import home_rates
from models.tariff import Tariff
from tests.conftest import TEST_DB
from tests.helpers import linehub
from tests.querycount import QueryCounter, count_queries
from tests.usage.conftest import ANNA, MASHA, PETYA, body, record, send

MINUTES_LEFT = 5
BALANCE = 1_000_00
OFFNET = "4951234567"  # a Moscow landline: not a line of ours, priced off-net


async def many_lines(count: int) -> list[Line]:
    """`count` more lines of Anna's on Masha's tariff, each with 1 000 ₽ (a ledger row)
    and MINUTES_LEFT minutes left of its package."""
    masha = await Line.get(msisdn=MASHA)
    anna = await Line.get(msisdn=ANNA).prefetch_related("contract")
    contract = await Contract.create(
        number="T-MANY", kind=ContractKind.MOBILE, holder_id=anna.contract.holder_id
    )
    await Line.bulk_create(
        [
            Line(
                msisdn=f"977{n:07d}",
                contract_id=contract.id,
                device_kind=masha.device_kind,
                tariff_id=masha.tariff_id,
            )
            for n in range(count)
        ]
    )
    lines = await Line.filter(contract_id=contract.id).order_by("id")
    template = await Allowance.filter(line_id=masha.id)
    await Allowance.bulk_create(
        [
            Allowance(
                line_id=line.id,
                kind=package.kind,
                total=package.total,
                left=MINUTES_LEFT if package.kind is AllowanceKind.MINUTES else package.left,
                unlimited=package.unlimited,
                resets_at=package.resets_at,
            )
            for line in lines
            for package in template
        ]
    )
    for line in lines:
        await post_entry(line.id, BALANCE, EntryKind.TOP_UP, "test")
    return lines


def calls(lines: list[Line], count: int, prefix: str, seed: int = 7) -> list[dict[str, Any]]:
    """Outgoing off-net calls spread over the lines: what each line pays does not depend
    on the order its calls are rated in (one package, one price)."""
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    return [
        record(
            f"{prefix}-{n}",
            lines[n % len(lines)].msisdn,
            counterpart=OFFNET,
            seconds=rnd.randint(1, 400),
            started=now - timedelta(minutes=rnd.randint(5, 600)),
        )
        for n in range(count)
    ]


def started_minutes(lines: list[Line], sent: list[dict[str, Any]]) -> dict[int, int]:
    """Each line's started minutes in `sent`."""
    minutes = dict.fromkeys((line.msisdn for line in lines), 0)
    for item in sent:
        minutes[item["msisdn"]] += -(-item["seconds"] // 60)
    return {line.id: minutes[line.msisdn] for line in lines}


async def assert_exact(lines: list[Line], sent: list[dict[str, Any]]) -> None:
    """Each record stored once, on its line; each line charged exactly what it owes, by
    ledger rows that add up to its records; packages used exactly; the ledger clean."""
    ids = [item["id"] for item in sent]
    stored = await UsageRecord.filter(network_id__in=ids).values_list("network_id", "line_id")
    assert sorted(network_id for network_id, _ in stored) == sorted(ids)
    minutes = started_minutes(lines, sent)
    price = home_rates(await Tariff.get(id=lines[0].tariff_id)).offnet_minute
    # beyond the package, each started minute at the off-net price
    owed = {line_id: max(0, used - MINUTES_LEFT) * price for line_id, used in minutes.items()}
    by_id = {line.id: line for line in await Line.filter(id__in=list(owed))}
    for line_id, kopecks in owed.items():
        assert by_id[line_id].balance == BALANCE - kopecks, line_id
        rows = await LedgerEntry.filter(line_id=line_id, idempotency_key__startswith="usage:")
        assert -sum(row.amount for row in rows) == kopecks
        costs = await UsageRecord.filter(line_id=line_id).values_list("cost", "ledger_entry_id")
        assert sum(cost for cost, _ in costs) == kopecks
        assert {entry for _, entry in costs if entry is not None} <= {row.id for row in rows}
    for package in await Allowance.filter(line_id__in=list(owed), kind=AllowanceKind.MINUTES):
        assert package.left == max(0, MINUTES_LEFT - minutes[package.line_id])
    assert await verify() == []


def own(queries: QueryCounter) -> list[str]:
    """The statements ingestion itself sent (not asyncpg's first look at a type)."""
    return own_statements(queries.statements)


async def test_a_chunks_statements_do_not_grow_with_its_lines(demo, monkeypatch) -> None:
    lines = await many_lines(60)
    costs = []
    for shape, over in (("two", lines[:2]), ("sixty", lines)):
        # 120 calls: every line of the shape pays some and empties its package
        sent = calls(over, 120, shape)
        async with count_queries() as queries:
            outcome = await ingest_lines(body(*sent).splitlines())
        assert (outcome.accepted, outcome.duplicates) == (120, 0)
        costs.append(len(own(queries)))
        async with count_queries() as again:
            outcome = await ingest_lines(body(*sent).splitlines())
        assert (outcome.accepted, outcome.duplicates) == (0, 120)
        # a batch sent again is known before any line is locked: the lines, the records
        assert len(own(again)) == 2
    two, sixty = costs
    # the numbers and records known (2), then one transaction: BEGIN, lock, records
    # known, packages, tariffs, balances, ledger rows, records, packages, COMMIT
    assert two == sixty <= 12
    # a batch of two chunks costs two chunks' statements
    monkeypatch.setattr(ingest_module, "CHUNK", 60)
    sent = calls(lines, 120, "chunked")
    async with count_queries() as queries:
        await ingest_lines(body(*sent).splitlines())
    assert len(own(queries)) == 2 * sixty


async def test_the_same_batches_over_many_lines_sent_at_once_store_each_record_once(
    client: httpx.AsyncClient, demo, monkeypatch
) -> None:
    """Four senders at once, each the same records in its own order and chunks (two in
    reverse), some records in two batches: every record once, every balance exact."""
    lines = await many_lines(80)
    sent = calls(lines, 400, "par")
    monkeypatch.setattr(ingest_module, "CHUNK", 70)
    batches = [body(*sent), body(*reversed(sent)), body(*sent[::2], *sent[1::2])]
    batches.append(body(*reversed(sent[150:]), *sent[:150]))
    answers = await asyncio.gather(*(send(client, batch) for batch in batches))
    results = [answer.json() for answer in answers]
    assert all(answer.status_code == 200 for answer in answers), results
    assert sum(r["accepted"] for r in results) == len(sent)
    assert sum(r["duplicates"] for r in results) == 3 * len(sent)
    await assert_exact(lines, sent)


@pytest.mark.skipif(TEST_DB != "postgres", reason="several processes write one database")
async def test_imports_in_separate_processes_at_once_store_each_record_once(
    database_url: str, demo, tmp_path: Path
) -> None:
    """Three `linehub usage import` processes on PostgreSQL, each its own connections
    and transactions, the same records in other orders: every record once, exact."""
    lines = await many_lines(300)
    sent = calls(lines, 3000, "proc")
    files = []
    for n, order in enumerate((sent, sent[::-1], sent[1::2] + sent[::2])):
        path = tmp_path / f"usage-{n}.jsonl"
        path.write_text(body(*order))
        files.append(path)
    runs = await asyncio.gather(
        *(linehub(database_url, "usage", "import", str(path)) for path in files)
    )
    accepted = duplicates = 0
    for code, output in runs:
        assert code == 0, output
        summary = output.strip().splitlines()[-1]  # "linehub usage: N accepted, M duplicates"
        numbers = [int(word) for word in summary.replace(",", " ").split() if word.isdigit()]
        accepted, duplicates = accepted + numbers[0], duplicates + numbers[1]
    assert (accepted, duplicates) == (len(sent), 2 * len(sent))
    await assert_exact(lines, sent)


async def test_a_record_stored_under_another_number_meanwhile_rolls_the_chunk_back(
    demo, monkeypatch
) -> None:
    """The locks cannot see a record id that another batch stores under another number:
    the unique index does, and the chunk is rated again without it (never charged)."""
    await send_now(record("clash-1", MASHA, counterpart=OFFNET, seconds=600))
    petya = await Line.get(msisdn=PETYA)
    ledger = await LedgerEntry.filter(line_id=petya.id).count()

    async def blind(ids: Any, conn: Any = None) -> set[str]:
        return set()

    real = store_module.stored_already
    missed: list[bool] = []

    async def blind_once(ids: Any, conn: Any = None) -> set[str]:
        if not missed:
            missed.append(True)
            return set()
        return await real(ids, conn)

    # as if the other batch committed after both looks
    monkeypatch.setattr(ingest_module, "stored_already", blind)
    monkeypatch.setattr(store_module, "stored_already", blind_once)
    clash = record("clash-1", PETYA, counterpart=OFFNET, seconds=600, roaming=True)
    free = record("clash-2", PETYA, direction="IN", seconds=60)  # incoming at home: free
    outcome = await ingest_lines(body(clash, free).splitlines())
    assert (outcome.accepted, outcome.duplicates) == (1, 1)
    assert (await UsageRecord.get(network_id="clash-1")).line_id != petya.id
    assert await UsageRecord.filter(line_id=petya.id).count() == 1
    # the roaming call's charge went back with its chunk
    assert await LedgerEntry.filter(line_id=petya.id).count() == ledger
    assert (await Line.get(id=petya.id)).balance == petya.balance
    assert await verify() == []


async def test_records_stored_by_another_batch_between_periods_are_its_own(
    demo, monkeypatch
) -> None:
    """A batch across the reset stores the old period's records, closes the period, and
    finds the new period's stored by another batch meanwhile: it reports what it stored
    as accepted and only the others' as duplicates (it used to call them all duplicates)."""
    line = await Line.get(msisdn=PETYA)
    reset = min(a.resets_at for a in await Allowance.filter(line_id=line.id))
    old = [record(f"edge-{n}", started=reset - timedelta(hours=n + 1)) for n in range(3)]
    new = [record(f"edge-new-{n}", started=reset + timedelta(hours=n + 1)) for n in range(2)]
    real_close = store_module.close_period
    other: list[Any] = []

    async def close_then_another_batch(line_id: int, now: datetime) -> int | None:
        closed = await real_close(line_id, now)
        other.append(await ingest_lines(body(*new).splitlines()))
        return closed

    monkeypatch.setattr(store_module, "close_period", close_then_another_batch)
    with time_machine.travel(reset + timedelta(hours=5), tick=True):
        outcome = await ingest_lines(body(*old, *new).splitlines())
    assert (outcome.accepted, outcome.duplicates) == (3, 2)
    assert [(o.accepted, o.duplicates) for o in other] == [(2, 0)]
    ids = [item["id"] for item in old + new]
    assert await UsageRecord.filter(network_id__in=ids).count() == 5
    assert await verify() == []


async def send_now(item: dict[str, Any]) -> None:
    outcome = await ingest_lines([json.dumps(item)])
    assert outcome.accepted == 1, outcome
