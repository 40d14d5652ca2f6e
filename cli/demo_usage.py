"""The demo's usage (API.md section 9): three months of plausible records on every line.

Calls with the grandmother, a roaming week in Europe for Anna last month, a data-heavy
teenager, the modem's traffic. This period's records add up exactly to what each
line's packages show as used; earlier periods' were covered by their packages, except
the roaming week, which is priced by its zone and charged as one ledger row.
Deterministic (a seeded random), so every demo load reads the same.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from cli.demo_money import paid
from i18n import OPERATOR_LANGUAGE, translate
from models import Allowance, AllowanceKind, LedgerEntry, Line, UsageRecord, User
from models.ledger import charge
from models.rating import Usage, home_rates, rate
from models.usage import Direction, UsageKind

GRANDMA, MUM = "9162223344", "9031234567"
# who each line talks to most; the rest are other numbers of the family
CONTACTS = {
    "9031234567": [GRANDMA, "9031234568", "9031234569", "4951234567"],
    "9031234568": [GRANDMA, MUM, "9031234569"],
    "9031234569": [MUM, "9031234568", "9265554433"],
    "9162223344": ["9031234568", MUM],
    "9161112233": ["4957654321"],
}
# data-heavy lines get sessions this big (KB), the others smaller
HEAVY = {"9031234569": 250_000, "9031234571": 900_000, "0891234567": 2_000_000}
BATCH = 500


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` as `parts` positive whole numbers (fewer if it is small)."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if total > 1 and parts > 1 else []
    edges = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(edges) if b > a]


def _moment(start: datetime, end: datetime, rng: random.Random) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _records(
    line: Line, used: dict[AllowanceKind, int], start: datetime, end: datetime, tag: str
) -> list[UsageRecord]:
    """Records whose package use adds up to `used`: calls in whole billed minutes, SMS,
    data sessions in KB; and incoming calls, which take nothing."""
    rng = random.Random(f"{line.msisdn}:{tag}")
    contacts = CONTACTS.get(line.msisdn, [])
    rows: list[UsageRecord] = []

    def add(kind: UsageKind, direction: Direction, **fields: object) -> None:
        rows.append(
            UsageRecord(
                line_id=line.id,
                network_id=f"demo-{line.msisdn}-{tag}-{len(rows)}",
                kind=kind,
                direction=direction,
                started_at=_moment(start, end, rng),
                **fields,
            )
        )

    if contacts:
        for minutes in _split(used.get(AllowanceKind.MINUTES, 0), 20, rng):
            seconds = (minutes - 1) * 60 + rng.randrange(1, 61)
            who = rng.choice(contacts)
            add(
                UsageKind.CALL,
                Direction.OUT,
                counterpart=who,
                seconds=seconds,
                allowance_used=minutes,
            )
        for _ in range(10):
            add(
                UsageKind.CALL,
                Direction.IN,
                counterpart=rng.choice(contacts),
                seconds=rng.randrange(20, 900),
            )
        for count in _split(used.get(AllowanceKind.SMS, 0), 8, rng):
            add(
                UsageKind.SMS,
                Direction.OUT,
                counterpart=rng.choice(contacts),
                units=count,
                allowance_used=count,
            )
    size = HEAVY.get(line.msisdn, 150_000)
    for kb in _split(
        used.get(AllowanceKind.DATA, 0), max(1, used.get(AllowanceKind.DATA, 0) // size), rng
    ):
        add(
            UsageKind.DATA,
            Direction.OUT,
            bytes=kb * 1024 - rng.randrange(0, 1024),
            allowance_used=kb,
        )
    return rows


async def _roaming_week(line: Line, payer: User, start: datetime) -> list[UsageRecord]:
    """Anna's week in Europe: calls home and data, priced by the zone and charged."""
    rng = random.Random(f"{line.msisdn}:roaming")
    rows: list[tuple[UsageKind, datetime, str | None, int | None, int | None]] = []
    for day in range(7):
        at = start + timedelta(days=day, hours=rng.randrange(8, 22))
        rows.append((UsageKind.CALL, at, GRANDMA, rng.randrange(60, 400), None))
        rows.append((UsageKind.DATA, at, None, None, rng.randrange(300, 1500) * 1024))
    records, total = [], 0
    direction = Direction.OUT
    for n, (kind, at, who, seconds, size) in enumerate(rows):
        usage = Usage(kind, direction, seconds, size, None, True, "EUROPE", offnet=False)
        _, cost = rate(usage, home_rates(None), None)
        total += cost
        records.append(
            UsageRecord(
                line_id=line.id,
                network_id=f"demo-{line.msisdn}-eu-{n}",
                kind=kind,
                direction=direction,
                started_at=at,
                counterpart=who,
                seconds=seconds,
                bytes=size,
                roaming=True,
                zone="EUROPE",
                cost=cost,
            )
        )
    text = translate("ledger_usage", OPERATOR_LANGUAGE)
    async with in_transaction() as conn:
        entry = await charge(
            conn, line.id, total, text, allow_debt=True, idempotency_key="usage:demo-roaming"
        )
    back = start + timedelta(days=7)
    await LedgerEntry.filter(id=entry.id).update(created_at=back)
    for record in records:
        record.ledger_entry_id = entry.id
    # and back home she topped up what the trip cost
    await paid(line, payer, -(-total // 100_00) * 100_00, back + timedelta(hours=2))
    return records


async def _holder(line: Line) -> User:
    return await User.get(contracts__lines__id=line.id)


async def demo_usage(now: datetime, period_starts: list[datetime]) -> None:
    """`period_starts`: the current billing period's start, then the earlier ones'."""
    current, *earlier = period_starts
    rows: list[UsageRecord] = []
    for line in await Line.all().order_by("id"):
        packages = await Allowance.filter(line_id=line.id)
        used_now = {p.kind: p.total - p.left for p in packages if not p.unlimited}
        if any(p.unlimited for p in packages):  # the modem and home internet: traffic
            used_now[AllowanceKind.DATA] = HEAVY.get(line.msisdn, 0) * 3
        rows += _records(line, used_now, current, now, "now")
        end = current
        for n, start in enumerate(earlier):
            share = {kind: amount * (8 + n) // 10 for kind, amount in used_now.items()}
            rows += _records(line, share, start, end, f"m{n + 1}")
            end = start
        if line.msisdn == MUM and earlier:
            anna = await User.get(id=line.user_id) if line.user_id else await _holder(line)
            rows += await _roaming_week(line, anna, earlier[0] + timedelta(days=9))
    for n in range(0, len(rows), BATCH):
        await UsageRecord.bulk_create(rows[n : n + BATCH])
