"""A chunk of new usage records stored, rated and charged over many lines at once.

The network spreads a batch over thousands of lines, one or two records each. Done a
line at a time that cost a transaction and about ten round trips a line (lock, packages,
tariff, the charge's reads and writes, records, packages again): 200 records a second.
Here a chunk's lines share one transaction and a fixed dozen statements, however many
lines it covers: the lines locked and read in one SELECT, the records already stored,
the packages and the tariffs in one each, then one UPDATE of the balances, one INSERT of
the ledger rows, one of the records (per ~1 900 of them) and one UPDATE of the packages.

What holds, as it did a line at a time:
- Each line's records are rated in time order with the line locked (SELECT .. FOR
  UPDATE), so two batches never take the same package minute twice. A chunk locks its
  lines in id order: two chunks wanting some of the same lines queue, never deadlock.
- A record is stored once. Which of a chunk's records are stored already is read after
  the locks are held: a concurrent batch storing the same record holds its line until
  it commits, so it is seen. Only the same network id under another number can slip
  past; the unique index catches it (ON CONFLICT .. RETURNING shows a row missing), and
  the chunk rolls back whole and is rated again: nothing is charged for a record that
  was not stored, and what this call stored is what it counts as accepted.
- A line's charge is one ledger row per chunk (bonuses first, then money, into debt if
  need be: the usage happened), written in the transaction with its records; a line
  taken below zero is suspended. Blocked and suspended lines' records are stored,
  flagged and free.
- The period boundary: a line's records from before its packages reset are rated in this
  round; the rest wait until the old period is closed (its fee, renewed packages:
  models.billing.close_period, a transaction of its own) and are rated in the next.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, translate
from models.allowance import AllowanceKind, month_before
from models.billing import close_period
from models.ingest_parse import Incoming
from models.ingest_sql import insert_rows, moment, select_in, update_by_id
from models.ledger import EntryKind
from models.line import LineStatus
from models.rating import HomeRates, Packages, Usage, home_rates, rate
from models.tariff import Tariff
from models.usage import UsageFlag, UsageRecord

# a chunk that met a record id stored under another number a moment ago is rated again;
# the second time that record is known, so a third try is already more than needed
ATTEMPTS = 3
TARIFF_PRICES = ("id", "minute_price", "offnet_minute_price", "sms_price", "mms_price", "mb_price")
# what a record and a ledger row are written with: column -> PostgreSQL type
RECORD_COLUMNS = {
    "network_id": "text",
    "kind": "text",
    "direction": "text",
    "started_at": "timestamptz",
    "counterpart": "text",
    "seconds": "int",
    "bytes": "bigint",
    "units": "int",
    "roaming": "bool",
    "zone": "text",
    "offnet": "bool",
    "allowance_used": "bigint",
    "cost": "bigint",
    "flag": "text",
    "ledger_entry_id": "bigint",
    "created_at": "timestamptz",
    "line_id": "int",
}
LEDGER_AT = list(RECORD_COLUMNS).index("ledger_entry_id")
LEDGER_COLUMNS = {
    "kind": "text",
    "amount": "bigint",
    "balance_after": "bigint",
    "bonus": "bigint",
    "bonus_after": "bigint",
    "description": "text",
    "idempotency_key": "text",
    "created_at": "timestamptz",
    "line_id": "int",
}
_LINES = 'SELECT "id", "status", "tariff_id", "balance", "bonus_balance" FROM "line"'
_PACKAGES = 'SELECT "id", "line_id", "kind", "left", "unlimited", "resets_at" FROM "allowance"'
_STORED = 'SELECT "network_id" FROM "usage_record"'
# money and bonuses off each charged line (v.column2, v.column3); one pushed below zero
# while ACTIVE is suspended, as the billing day does (the SET sees the row before)
_CHARGE = (
    '"balance" = "line"."balance" - v.column2, '
    '"bonus_balance" = "line"."bonus_balance" - v.column3, '
    f'"status" = CASE WHEN "line"."status" = \'{LineStatus.ACTIVE.value}\' '
    f'AND "line"."balance" - v.column2 < 0 THEN \'{LineStatus.SUSPENDED.value}\' '
    'ELSE "line"."status" END'
)
_USE_PACKAGES = '"left" = "allowance"."left" - v.column2'


class Collision(IntegrityError):
    """A record of the chunk was stored by another batch under another number."""


@dataclass(frozen=True)
class Pending:
    """A record waiting to be rated, with what rating needs of it."""

    record: Incoming
    usage: Usage


@dataclass
class _Charge:
    line_id: int
    money: int
    bonuses: int


def pending(record: Incoming, onnet: set[str]) -> Pending:
    offnet = bool(record.counterpart) and record.counterpart not in onnet
    usage = Usage(
        record.kind,
        record.direction,
        record.seconds,
        record.bytes,
        record.units,
        record.roaming,
        record.zone,
        offnet=offnet,
    )
    return Pending(record, usage)


async def stored_already(ids: Collection[str], conn: BaseDBAsyncClient | None = None) -> set[str]:
    """Which of these network ids are stored."""
    rows = await select_in(conn or UsageRecord._meta.db, _STORED, "network_id", "text", ids)
    return {row["network_id"] for row in rows}


async def store(by_line: dict[int, list[Pending]]) -> int:
    """Store, rate and charge each line's records (none of them stored a moment ago is
    stored again); answers how many this call stored."""
    waiting = {
        line_id: sorted(batch, key=lambda p: p.record.started_at)
        for line_id, batch in by_line.items()
        if batch
    }
    stored = 0
    while waiting:
        done, later = await _round_retried(waiting)
        stored += done
        for line_id, records in sorted(later.items()):
            await close_period(line_id, records[0].record.started_at)
        waiting = later
    return stored


async def _round_retried(waiting: dict[int, list[Pending]]) -> tuple[int, dict[int, list[Pending]]]:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with in_transaction() as conn:
                return await _round(conn, waiting)
        except Collision:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class _Line:
    id: int
    status: LineStatus
    tariff_id: int | None
    bonus_balance: int


@dataclass(frozen=True)
class _Package:
    id: int
    kind: AllowanceKind
    left: int
    unlimited: bool
    resets_at: datetime


async def _locked(conn: BaseDBAsyncClient, line_ids: list[int]) -> list[_Line]:
    """The chunk's lines, locked in id order: two chunks never wait on each other in a
    circle, whatever lines they share."""
    rows = await select_in(conn, _LINES, "id", "int", line_ids, order_by="id", lock=True)
    return [
        _Line(row["id"], LineStatus(row["status"]), row["tariff_id"], row["bonus_balance"])
        for row in rows
    ]


async def _packages(conn: BaseDBAsyncClient, line_ids: list[int]) -> dict[int, list[_Package]]:
    """Each line's packages (read after its lock: whoever changes them holds it too)."""
    found: dict[int, list[_Package]] = defaultdict(list)
    for row in await select_in(conn, _PACKAGES, "line_id", "int", line_ids):
        found[row["line_id"]].append(
            _Package(
                row["id"],
                AllowanceKind(row["kind"]),
                row["left"],
                bool(row["unlimited"]),
                moment(row["resets_at"]),
            )
        )
    return found


async def _rates(conn: BaseDBAsyncClient, lines: list[_Line]) -> dict[int | None, HomeRates]:
    """Each tariff's prices (a handful of tariffs for thousands of lines)."""
    ids = {line.tariff_id for line in lines if line.tariff_id is not None}
    tariffs = await Tariff.filter(id__in=ids).only(*TARIFF_PRICES).using_db(conn) if ids else []
    rates: dict[int | None, HomeRates] = {tariff.id: home_rates(tariff) for tariff in tariffs}
    rates[None] = home_rates(None)
    return rates


async def _round(
    conn: BaseDBAsyncClient, waiting: dict[int, list[Pending]]
) -> tuple[int, dict[int, list[Pending]]]:
    """One transaction: (records stored, each line's records after its period's end)."""
    line_ids = sorted(waiting)
    lines = await _locked(conn, line_ids)
    if len(lines) != len(line_ids):
        # lines are closed, never deleted; were one gone, its records must not pass as
        # duplicates: the batch fails, and sent again reports the number unknown
        raise LookupError("a line of this chunk is gone")
    # read again under the locks: a batch storing the same records holds their lines
    known = await stored_already([p.record.network_id for b in waiting.values() for p in b], conn)
    packages = await _packages(conn, line_ids)
    rates = await _rates(conn, lines)
    now = datetime.now(UTC)
    rows: dict[int, list[list[Any]]] = {}
    charges: list[_Charge] = []
    used: list[tuple[int, int]] = []
    later: dict[int, list[Pending]] = {}
    for line in lines:
        fresh = [p for p in waiting[line.id] if p.record.network_id not in known]
        own = packages.get(line.id, [])
        boundary = min((p.resets_at for p in own), default=None)
        now_part = [p for p in fresh if boundary is None or p.record.started_at < boundary]
        if len(now_part) < len(fresh):
            later[line.id] = fresh[len(now_part) :]
        if not now_part:
            continue
        prices = rates.get(line.tariff_id, rates[None])
        rows[line.id], total, taken = _rate_line(line, own, now_part, boundary, prices, now)
        used += taken
        if total > 0:
            # bonuses first, then money (models.ledger.charge): the line is locked
            bonuses = min(max(line.bonus_balance, 0), total)
            charges.append(_Charge(line.id, total - bonuses, bonuses))
    entries = await _charge(conn, charges, now)
    records = []
    for line_id, batch in rows.items():
        for row in batch:
            row[LEDGER_AT] = entries.get(line_id)
            records.append(row)
    written = await insert_rows(
        conn,
        "usage_record",
        RECORD_COLUMNS,
        records,
        returning=("network_id",),
        skip_conflicts_on="network_id",
    )
    if len(written) != len(records):
        raise Collision("a record of this chunk was stored under another number")
    await update_by_id(conn, "allowance", used, _USE_PACKAGES)
    return len(records), later


def _rate_line(
    line: _Line,
    own: list[_Package],
    records: list[Pending],
    boundary: datetime | None,
    rates: HomeRates,
    now: datetime,
) -> tuple[list[list[Any]], int, list[tuple[int, int]]]:
    """A line's records in time order against its packages: (rows to insert, the cost,
    (package id, units taken) of each package that gave some)."""
    held = Packages({p.kind: p.left for p in own}, {p.kind for p in own if p.unlimited})
    before = dict(held.left)
    start = month_before(boundary) if boundary is not None else None
    rows, total = [], 0
    for waiting in records:
        flag, units, cost = _rated(line.status, waiting, held, start, rates)
        total += cost
        record = waiting.record
        rows.append(
            [
                record.network_id,
                record.kind.value,
                record.direction.value,
                record.started_at,
                record.counterpart,
                record.seconds,
                record.bytes,
                record.units,
                record.roaming,
                record.zone,
                waiting.usage.offnet,
                units,
                cost,
                flag.value if flag is not None else None,
                None,  # the ledger row, once written
                now,
                line.id,
            ]
        )
    taken = [(p.id, before[p.kind] - held.left[p.kind]) for p in own]
    taken = [(package, units) for package, units in taken if units]
    return rows, total, taken


def _rated(
    status: LineStatus,
    waiting: Pending,
    packages: Packages,
    start: datetime | None,
    rates: HomeRates,
) -> tuple[UsageFlag | None, int, int]:
    """(flag, package units used, kopecks) of one record."""
    if status is LineStatus.BLOCKED:
        return UsageFlag.BLOCKED, 0, 0
    if status is LineStatus.SUSPENDED:
        return UsageFlag.SUSPENDED, 0, 0
    if start is not None and waiting.record.started_at < start:
        used, cost = rate(waiting.usage, rates, None)
        return UsageFlag.LATE, used, cost
    used, cost = rate(waiting.usage, rates, packages)
    return None, used, cost


async def _charge(conn: BaseDBAsyncClient, charges: list[_Charge], now: datetime) -> dict[int, int]:
    """Each line's charge as one ledger row: the balances moved in one UPDATE (which
    answers what they became), the rows in one INSERT; answers line id -> ledger row."""
    if not charges:
        return {}
    after = {
        row["id"]: row
        for row in await update_by_id(
            conn,
            "line",
            [(c.line_id, c.money, c.bonuses) for c in charges],
            _CHARGE,
            returning=("id", "balance", "bonus_balance"),
        )
    }
    text = translate("ledger_usage", OPERATOR_LANGUAGE)
    entries = await insert_rows(
        conn,
        "ledger_entry",
        LEDGER_COLUMNS,
        [
            [
                EntryKind.CHARGE.value,
                -c.money,
                after[c.line_id]["balance"],
                -c.bonuses,
                after[c.line_id]["bonus_balance"],
                text,
                f"usage:{uuid.uuid4().hex}",
                now,
                c.line_id,
            ]
            for c in charges
        ],
        returning=("id", "line_id"),
    )
    return {row["line_id"]: row["id"] for row in entries}
