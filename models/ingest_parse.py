"""Usage records as the network sends them: one JSON line checked on its own.

A line that is not a record the network could mean (API.md section 10) is refused with
the reason, never guessed at: its number and the reason go back to the network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from models.errors import DomainError
from models.msisdn import normalize_any_number, normalize_line_number
from models.usage import Direction, UsageKind

# Checking a number against the numbering plan (phonenumbers) was two thirds of a
# record's parsing; a subscriber's number comes back in every batch, and so do the
# numbers they call. About 10 MB at most for each.
_NUMBERS_KEPT = 65_536
_line_number = lru_cache(maxsize=_NUMBERS_KEPT)(normalize_line_number)
_any_number = lru_cache(maxsize=_NUMBERS_KEPT)(normalize_any_number)

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
        msisdn = _line_number(str(data.get("msisdn", "")))
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
    number = _any_number(value)
    if number is None:
        raise BadRecord("counterpart: not a number")
    return number
