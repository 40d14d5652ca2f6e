"""Usage records coming in from the network: each line of a batch checked on its own,
stored once (by the network's record id), rated and charged.

Valid records are kept and invalid ones reported by their line number: a network
resends a batch whole, and one bad record must not hold back the calls of a thousand
other subscribers, nor be guessed at. A batch is taken in chunks; a chunk's records
are rated line by line in time order in one transaction with their lines locked
(models.ingest_store), so two batches for the same line never take the same package
minute twice, and a chunk costs the same few statements however many lines it covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from models.ingest_parse import BadRecord, Incoming, parse_line
from models.ingest_sql import select_in
from models.ingest_store import Pending, pending, store, stored_already
from models.line import Line

__all__ = [
    "CHUNK",
    "BadRecord",
    "Incoming",
    "Outcome",
    "Refused",
    "ingest",
    "ingest_lines",
    "parse_line",
]

_NUMBERS = 'SELECT "msisdn", "id" FROM "line"'


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


async def ingest(records: list[tuple[int, Incoming]], outcome: Outcome | None = None) -> Outcome:
    """Store, rate and charge the records not seen before; the rest are duplicates, or
    errors when their number is not one of ours."""
    outcome = outcome or Outcome()
    numbers = {r.msisdn for _, r in records} | {r.counterpart for _, r in records if r.counterpart}
    # one read answers both: which records' lines are ours, and which counterparts are
    # on-net (priced apart)
    ours: dict[str, int] = {
        row["msisdn"]: row["id"]
        for row in await select_in(Line._meta.db, _NUMBERS, "msisdn", "text", numbers)
    }
    seen: dict[str, tuple[int, Incoming]] = {}
    for number, record in records:
        if record.msisdn not in ours:
            outcome.errors.append(Refused(number, "UNKNOWN_NUMBER", "msisdn: not served here"))
        elif record.network_id in seen:
            outcome.duplicates += 1
        else:
            seen[record.network_id] = (ours[record.msisdn], record)
    # a resent batch is known already: left out before any line is locked (and read again
    # under the locks, for a batch stored at this very moment)
    known = await stored_already(list(seen))
    outcome.duplicates += len(known)
    onnet = set(ours)
    by_line: dict[int, list[Pending]] = defaultdict(list)
    for network_id, (line_id, record) in seen.items():
        if network_id not in known:
            by_line[line_id].append(pending(record, onnet))
    given = len(seen) - len(known)
    accepted = await store(by_line) if given else 0
    outcome.accepted += accepted
    outcome.duplicates += given - accepted
    return outcome


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
