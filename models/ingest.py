"""Usage records coming in from the network: each line of a batch checked on its own,
stored once (by the network's record id), rated and charged.

Valid records are kept and invalid ones reported by their line number: a network
resends a batch whole, and one bad record must not hold back the calls of a thousand
other subscribers, nor be guessed at. A batch of one line's records is rated in time
order in one transaction with the line locked, so two batches for the same line never
take the same package minute twice.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, translate
from models.allowance import Allowance, month_before
from models.billing import close_period
from models.errors import DomainError
from models.ledger import charge
from models.line import Line, LineStatus
from models.msisdn import normalize_any_number, normalize_line_number
from models.rating import Packages, Usage, home_rates, rate
from models.tariff import Tariff
from models.usage import Direction, UsageFlag, UsageKind, UsageRecord

MAX_SECONDS = 24 * 3600
MAX_BYTES = 10**12
MAX_UNITS = 100
# the network's clocks may run a little ahead of ours
CLOCK_SKEW = timedelta(minutes=5)
OLDEST = timedelta(days=366)
NETWORK_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
SHORT_CODE = re.compile(r"[0-9]{2,8}")
ZONE = re.compile(r"[A-Za-z_-]{1,20}")


@dataclass(frozen=True)
class Incoming:
    """One checked record of a batch."""

    network_id: str
    msisdn: str
    kind: UsageKind
    direction: Direction
    started_at: datetime
    counterpart: str | None
    seconds: int | None
    bytes: int | None
    units: int | None
    roaming: bool
    zone: str | None


@dataclass(frozen=True)
class Refused:
    line: int  # counted from 1
    code: str  # INVALID_JSON | INVALID_RECORD | UNKNOWN_NUMBER
    message: str


@dataclass
class Outcome:
    accepted: int = 0
    duplicates: int = 0
    errors: list[Refused] = field(default_factory=list)


class BadRecord(ValueError):
    pass


def parse_line(text: str, now: datetime) -> Incoming:
    """One JSON line as the network sends it (API.md section 10); BadRecord says why not."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadRecord("not JSON") from exc
    if not isinstance(data, dict):
        raise BadRecord("not a JSON object")
    network_id = data.get("id")
    if not isinstance(network_id, str) or not NETWORK_ID.fullmatch(network_id):
        raise BadRecord("id: 1 to 64 of A-Z a-z 0-9 . _ : -")
    try:
        msisdn = normalize_line_number(str(data.get("msisdn", "")))
    except DomainError:
        raise BadRecord("msisdn: not a number") from None
    kind = _enum(UsageKind, data.get("kind"), "kind")
    direction = _enum(Direction, data.get("direction"), "direction")
    started_at = _moment(data.get("startedAt"), now)
    seconds = _count(data, "seconds", MAX_SECONDS, kind is UsageKind.CALL)
    size = _count(data, "bytes", MAX_BYTES, kind is UsageKind.DATA)
    units = _count(data, "units", MAX_UNITS, False)
    roaming = data.get("roaming", False)
    if not isinstance(roaming, bool):
        raise BadRecord("roaming: true or false")
    zone = data.get("zone")
    if zone is not None and (not isinstance(zone, str) or not ZONE.fullmatch(zone)):
        raise BadRecord("zone: up to 20 Latin letters")
    return Incoming(
        network_id,
        msisdn,
        kind,
        direction,
        started_at,
        _counterpart(data.get("counterpart")),
        seconds,
        size,
        units if kind in (UsageKind.SMS, UsageKind.MMS) else None,
        roaming,
        zone.upper() if zone else None,
    )


def _enum(kind: Any, value: object, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise BadRecord(f"{name}: one of {', '.join(m.value for m in kind)}") from None


def _moment(value: object, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise BadRecord("startedAt: an ISO 8601 time with its offset")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadRecord("startedAt: an ISO 8601 time with its offset") from None
    if moment.tzinfo is None:
        raise BadRecord("startedAt: the offset is missing (e.g. +03:00)")
    if moment > now + CLOCK_SKEW or moment < now - OLDEST:
        raise BadRecord("startedAt: in the future, or over a year ago")
    return moment.astimezone(UTC)


def _count(data: dict[str, Any], name: str, most: int, required: bool) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise BadRecord(f"{name}: required for this kind")
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        raise BadRecord(f"{name}: a whole number from 0 to {most}")
    return value


def _counterpart(value: object) -> str | None:
    """A number in the national form, or a short code; anything else is refused."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord("counterpart: a number as text")
    if SHORT_CODE.fullmatch(value):
        return value
    number = normalize_any_number(value)
    if number is None:
        raise BadRecord("counterpart: not a number")
    return number


async def ingest(records: list[tuple[int, Incoming]], outcome: Outcome | None = None) -> Outcome:
    """Store, rate and charge the records not seen before; the rest are duplicates, or
    errors when their number is not one of ours."""
    outcome = outcome or Outcome()
    lines = {
        row["msisdn"]: row
        for row in await Line.filter(msisdn__in={r.msisdn for _, r in records}).values(
            "id", "msisdn"
        )
    }
    seen: set[str] = set()
    by_line: dict[int, list[Incoming]] = defaultdict(list)
    for number, record in records:
        line = lines.get(record.msisdn)
        if line is None:
            outcome.errors.append(Refused(number, "UNKNOWN_NUMBER", "msisdn: not served here"))
        elif record.network_id in seen:
            outcome.duplicates += 1
        else:
            seen.add(record.network_id)
            by_line[line["id"]].append(record)
    for line_id, batch in by_line.items():
        accepted = await _store_line(line_id, batch)
        outcome.accepted += accepted
        outcome.duplicates += len(batch) - accepted
    return outcome


async def _store_line(line_id: int, batch: list[Incoming]) -> int:
    """One line's new records; a record another batch stored a moment ago is left out
    and the rest stored again (the unique network id decides)."""
    for _ in range(3):
        fresh = await _unseen(batch)
        try:
            return await _rate_in_periods(line_id, fresh)
        except IntegrityError:
            continue
    return await _rate_in_periods(line_id, await _unseen(batch))


async def _unseen(batch: list[Incoming]) -> list[Incoming]:
    ids = [r.network_id for r in batch]
    rows = await UsageRecord.filter(network_id__in=ids).values_list("network_id", flat=True)
    known = {str(row) for row in rows}
    return sorted((r for r in batch if r.network_id not in known), key=lambda r: r.started_at)


async def _rate_in_periods(line_id: int, records: list[Incoming]) -> int:
    """Rate in time order; a record from a period that has ended but was not closed yet
    closes it first (its fee, its packages renewed), as the billing day would have."""
    stored = 0
    while records:
        resets = [
            a.resets_at for a in await Allowance.filter(line_id=line_id).only("id", "resets_at")
        ]
        boundary = min(resets) if resets else None
        now_part = [r for r in records if boundary is None or r.started_at < boundary]
        later = records[len(now_part) :]
        if now_part:
            stored += await _rate(line_id, now_part, boundary)
        if not later:
            break
        assert boundary is not None
        await close_period(line_id, later[0].started_at)
        records = later
    return stored


async def _rate(line_id: int, records: list[Incoming], boundary: datetime | None) -> int:
    counterparts = {r.counterpart for r in records if r.counterpart}
    onnet = {
        line.msisdn for line in await Line.filter(msisdn__in=counterparts).only("id", "msisdn")
    }
    async with in_transaction() as conn:
        line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        packages_rows = await Allowance.filter(line_id=line_id).using_db(conn)
        packages = Packages(
            {p.kind: p.left for p in packages_rows},
            {p.kind for p in packages_rows if p.unlimited},
        )
        before = {p.kind: p.left for p in packages_rows}
        tariff = await Tariff.get_or_none(id=line.tariff_id or 0, using_db=conn)
        rates = home_rates(tariff)
        start = month_before(boundary) if boundary is not None else None
        rows, total = [], 0
        for record in records:
            usage = Usage(
                record.kind,
                record.direction,
                record.seconds,
                record.bytes,
                record.units,
                record.roaming,
                record.zone,
                offnet=bool(record.counterpart) and record.counterpart not in onnet,
            )
            flag, used, cost = _rated(line, usage, record, packages, start, rates)
            total += cost
            rows.append(_row(line_id, record, usage.offnet, flag, used, cost))
        entry_id = await _charge(conn, line, total)
        for row in rows:
            row.ledger_entry_id = entry_id
        await UsageRecord.bulk_create(rows, using_db=conn)
        for package in packages_rows:
            left = packages.left[package.kind]
            if left != before[package.kind]:
                await Allowance.filter(id=package.id).using_db(conn).update(left=left)
    return len(rows)


def _rated(
    line: Line,
    usage: Usage,
    record: Incoming,
    packages: Packages,
    start: datetime | None,
    rates: Any,
) -> tuple[UsageFlag | None, int, int]:
    if line.status is LineStatus.BLOCKED:
        return UsageFlag.BLOCKED, 0, 0
    if line.status is LineStatus.SUSPENDED:
        return UsageFlag.SUSPENDED, 0, 0
    if start is not None and record.started_at < start:
        used, cost = rate(usage, rates, None)
        return UsageFlag.LATE, used, cost
    used, cost = rate(usage, rates, packages)
    return None, used, cost


def _row(
    line_id: int,
    record: Incoming,
    offnet: bool,
    flag: UsageFlag | None,
    used: int,
    cost: int,
) -> UsageRecord:
    return UsageRecord(
        line_id=line_id,
        network_id=record.network_id,
        kind=record.kind,
        direction=record.direction,
        started_at=record.started_at,
        counterpart=record.counterpart,
        seconds=record.seconds,
        bytes=record.bytes,
        units=record.units,
        roaming=record.roaming,
        zone=record.zone,
        offnet=offnet,
        allowance_used=used,
        cost=cost,
        flag=flag,
    )


async def _charge(conn: BaseDBAsyncClient, line: Line, total: int) -> int | None:
    """One ledger row for the batch's cost; the line is suspended below zero, as on the
    billing day (usage already happened: it is charged into debt)."""
    if total <= 0:
        return None
    text = translate("ledger_usage", OPERATOR_LANGUAGE)
    entry = await charge(
        conn, line.id, total, text, idempotency_key=f"usage:{uuid.uuid4().hex}", allow_debt=True
    )
    if entry.balance_after < 0 and line.status is LineStatus.ACTIVE:
        await Line.filter(id=line.id).using_db(conn).update(status=LineStatus.SUSPENDED)
    return entry.id


# records rated per round: bounds a transaction and the objects held at once
CHUNK = 2_000


async def ingest_lines(lines: Iterable[str], now: datetime | None = None) -> Outcome:
    """A JSON-lines body or file, line by line, in chunks; line numbers count from 1."""
    now = now or datetime.now(UTC)
    outcome = Outcome()
    chunk: list[tuple[int, Incoming]] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            chunk.append((number, parse_line(text, now)))
        except BadRecord as exc:
            code = "INVALID_JSON" if str(exc).startswith("not JSON") else "INVALID_RECORD"
            outcome.errors.append(Refused(number, code, str(exc)))
        if len(chunk) >= CHUNK:
            await ingest(chunk, outcome)
            chunk = []
    if chunk:
        await ingest(chunk, outcome)
    outcome.errors.sort(key=lambda error: error.line)
    return outcome
