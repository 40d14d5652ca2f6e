"""Rating: packages first, exactly (calls per started minute, SMS per message, data per
started kilobyte), then the tariff's prices through one ledger row; roaming and off-net
priced apart; the period boundary; blocked lines' records stored and flagged."""

from __future__ import annotations

from datetime import timedelta

import httpx
import time_machine

from models import Allowance, AllowanceKind, LedgerEntry, Line, LineStatus, UsageRecord
from models.allowance import month_before
from models.ledger import verify
from models.rating import STANDARD, ZONES
from tests.conftest import GQL
from tests.helpers import token_for
from tests.usage.conftest import ANNA, GALINA, PETYA, body, record, send

REMAINS = """query R($m: String!) { viewer { line(msisdn: $m) {
  remains { kind left total } } } }"""


async def packages(msisdn: str, minutes: int, sms: int, kb: int) -> Line:
    line = await Line.get(msisdn=msisdn)
    for kind, left in (
        (AllowanceKind.MINUTES, minutes),
        (AllowanceKind.SMS, sms),
        (AllowanceKind.DATA, kb),
    ):
        await Allowance.filter(line_id=line.id, kind=kind).update(left=left)
    return line


async def left(line: Line) -> dict[str, int]:
    return {a.kind.value: a.left for a in await Allowance.filter(line_id=line.id)}


async def test_packages_are_used_first_then_each_unit_is_priced_exactly(
    client: httpx.AsyncClient, demo
) -> None:
    line = await packages(PETYA, minutes=10, sms=2, kb=1024)
    before = line.balance
    answer = await send(
        client,
        body(
            record("r-1", seconds=125),  # 3 started minutes, from the package
            record("r-2", seconds=481),  # 9 minutes: 7 left in the package, 2 paid
            record("r-3", direction="IN", seconds=600),  # incoming at home: free
            record("r-4", kind="SMS", seconds=None, units=3),  # 2 from the package, 1 paid
            record("r-5", kind="DATA", seconds=None, bytes=1536 * 1024 + 1, counterpart=None),
            record("r-6", seconds=61, counterpart="4951234567"),  # off-net: 2 paid minutes
            record("r-7", kind="MMS", seconds=None, units=1),
        ),
    )
    assert answer.json()["accepted"] == 7
    costs = {r.network_id: (r.allowance_used, r.cost) for r in await UsageRecord.all()}
    data_beyond_kb = 1537 - 1024  # a started kilobyte counts whole
    assert costs == {
        "r-1": (3, 0),
        "r-2": (7, 2 * STANDARD.minute),
        "r-3": (0, 0),
        "r-4": (2, STANDARD.sms),
        "r-5": (1024, -(-data_beyond_kb * STANDARD.mb // 1024)),
        "r-6": (0, 2 * STANDARD.offnet_minute),
        "r-7": (0, STANDARD.mms),
    }
    assert await left(line) == {"MINUTES": 0, "SMS": 0, "DATA": 0}
    total = sum(cost for _, cost in costs.values())
    assert (await Line.get(id=line.id)).balance == before - total
    # one ledger row for the batch, the sum of its records
    usage_rows = await LedgerEntry.filter(line_id=line.id, idempotency_key__startswith="usage:")
    assert [-row.amount for row in usage_rows] == [total]
    assert await verify() == []


async def test_roaming_is_priced_by_its_zone_and_never_takes_the_packages(
    client: httpx.AsyncClient, demo
) -> None:
    line = await packages(PETYA, minutes=100, sms=100, kb=100 * 1024)
    await send(
        client,
        body(
            record("z-1", roaming=True, zone="EUROPE", seconds=90),
            record("z-2", roaming=True, zone="EUROPE", direction="IN", seconds=30),
            record("z-3", roaming=True, zone="Mars", seconds=60),  # unknown: the world's
            record("z-4", kind="DATA", roaming=True, zone="CIS", seconds=None, bytes=10 * 1024),
            record("z-5", kind="SMS", roaming=True, zone="EUROPE", seconds=None, units=1),
        ),
    )
    costs = {r.network_id: r.cost for r in await UsageRecord.all()}
    europe, world, cis = ZONES["EUROPE"], ZONES["WORLD"], ZONES["CIS"]
    assert costs == {
        "z-1": 2 * europe.minute_out,
        "z-2": europe.minute_in,
        "z-3": world.minute_out,
        "z-4": -(-10 * cis.mb // 1024),
        "z-5": europe.sms,
    }
    assert await left(line) == {"MINUTES": 100, "SMS": 100, "DATA": 100 * 1024}


async def test_data_packages_show_whole_megabytes_rounded_down(
    client: httpx.AsyncClient, gql: GQL, demo
) -> None:
    await packages(PETYA, minutes=10, sms=10, kb=5 * 1024)
    await send(
        client,
        body(record("d-1", kind="DATA", seconds=None, bytes=1024 + 1, counterpart=None)),
    )
    anna = await token_for(gql, ANNA)
    remains = (await gql(REMAINS, {"m": PETYA}, token=anna))["data"]["viewer"]["line"]["remains"]
    data = next(r for r in remains if r["kind"] == "DATA")
    # 5 MB less two started kilobytes is 4 whole MB left; the tariff gives 5 120 MB
    assert (data["left"], data["total"]) == (4, 5120)
    line = await Line.get(msisdn=PETYA)
    assert (await left(line))["DATA"] == 5 * 1024 - 2


async def test_a_call_across_the_reset_belongs_to_the_period_it_started_in(
    client: httpx.AsyncClient, demo
) -> None:
    """A call that starts a minute before the packages reset is rated whole in the old
    period, even if it ends in the new one; the first record after the reset closes the
    old period (its fee, once) and uses the renewed package; a record from a period
    already closed is priced per unit and flagged LATE."""
    line = await packages(PETYA, minutes=5, sms=0, kb=0)
    reset = (await Allowance.get(line_id=line.id, kind="MINUTES")).resets_at
    with_fee = await LedgerEntry.filter(line_id=line.id).count()
    before = (await Line.get(id=line.id)).balance
    with time_machine.travel(reset + timedelta(hours=1), tick=True):
        await send(
            client,
            body(
                record("b-1", started=reset - timedelta(minutes=1), seconds=600),
                record("b-2", started=reset + timedelta(minutes=30), seconds=60),
            ),
        )
        late = month_before(month_before(reset)) + timedelta(days=3)
        await send(client, body(record("b-3", started=late, seconds=60)))
    rows = {r.network_id: r for r in await UsageRecord.all()}
    assert (rows["b-1"].allowance_used, rows["b-1"].cost) == (5, 5 * STANDARD.minute)
    assert (rows["b-2"].allowance_used, rows["b-2"].cost) == (1, 0)
    assert (rows["b-3"].flag, rows["b-3"].cost) == ("LATE", STANDARD.minute)
    renewed = await Allowance.get(line_id=line.id, kind="MINUTES")
    assert renewed.resets_at > reset
    assert renewed.left == renewed.total - 1
    fees = await LedgerEntry.filter(line_id=line.id, idempotency_key__startswith="fee:").count()
    assert fees >= 1
    assert await LedgerEntry.filter(line_id=line.id).count() > with_fee
    assert (await Line.get(id=line.id)).balance < before
    assert await verify() == []


async def test_a_blocked_lines_records_are_stored_flagged_and_not_charged(
    client: httpx.AsyncClient, demo
) -> None:
    line = await Line.get(msisdn=PETYA)
    await Line.filter(id=line.id).update(status=LineStatus.BLOCKED)
    await send(client, body(record("x-1", seconds=600, counterpart=GALINA)))
    stored = await UsageRecord.get(network_id="x-1")
    assert (stored.flag, stored.cost) == ("BLOCKED", 0)
    assert (await Line.get(id=line.id)).balance == line.balance


async def test_usage_beyond_the_balance_is_charged_into_debt_and_suspends_the_line(
    client: httpx.AsyncClient, demo
) -> None:
    line = await packages(PETYA, minutes=0, sms=0, kb=0)
    minutes = line.balance // STANDARD.offnet_minute + 5
    await send(client, body(record("debt-1", seconds=minutes * 60, counterpart="4951234567")))
    after = await Line.get(id=line.id)
    assert after.balance < 0
    assert after.status is LineStatus.SUSPENDED
    # what comes after is stored, flagged, free
    await send(client, body(record("debt-2", seconds=60)))
    assert (await UsageRecord.get(network_id="debt-2")).flag == "SUSPENDED"
    assert await verify() == []
