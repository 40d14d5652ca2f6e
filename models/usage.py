"""Usage from the network: calls, SMS, MMS and data sessions of a line, each rated once.

A record is the network's (its id is the network's, unique: a batch sent twice is stored
once) and keeps what rating made of it: the allowance units it used and what it cost.
Records of one batch and line are charged together as one ledger row, written in the
same transaction as the records, so the ledger stays readable at millions of records
and still adds up: the row's amount is the sum of its records' costs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.expressions import CombinedExpression, Connector, F, Value
from tortoise.functions import Count, Sum
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.errors import DomainError, ErrorCode
from models.paging import oldest_first_values as keyset_values

if TYPE_CHECKING:
    from models.line import Line


class UsageKind(StrEnum):
    CALL = "CALL"
    SMS = "SMS"
    MMS = "MMS"
    DATA = "DATA"


class Direction(StrEnum):
    IN = "IN"
    OUT = "OUT"


class UsageFlag(StrEnum):
    """Why a record was stored but not rated."""

    BLOCKED = "BLOCKED"  # the line was blocked: the network should not have carried it
    SUSPENDED = "SUSPENDED"  # suspended for debt, likewise
    LATE = "LATE"  # from a period already closed: priced per unit, no allowance


class UsageRecord(Model):
    id = fields.BigIntField(primary_key=True)
    line: fields.ForeignKeyRelation[Line] = fields.ForeignKeyField(
        "linehub.Line", related_name="usage", on_delete=fields.RESTRICT
    )
    line_id: int
    network_id = fields.CharField(max_length=64, unique=True)
    kind = fields.CharEnumField(UsageKind, max_length=4)
    direction = fields.CharEnumField(Direction, max_length=3)
    started_at = fields.DatetimeField()
    counterpart = fields.CharField(max_length=20, null=True)
    seconds = fields.IntField(null=True)
    bytes = fields.BigIntField(null=True)
    units = fields.IntField(null=True)
    roaming = fields.BooleanField(default=False)
    zone = fields.CharField(max_length=20, null=True)
    # the counterpart is not a number this hub serves (priced apart)
    offnet = fields.BooleanField(default=False)
    # what rating made of it: allowance units used (minutes, SMS, KB) and kopecks
    allowance_used = fields.BigIntField(default=0)
    cost = fields.BigIntField(default=0, description="kopecks")
    flag = fields.CharEnumField(UsageFlag, max_length=9, null=True)
    ledger_entry_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "usage_record"
        # a line's detail, newest first, by keyset; totals of a period per kind
        indexes = (Index(fields=("line_id", "started_at", "id"), name="usage_line_started_idx"),)


@dataclass(frozen=True)
class KindTotal:
    """A kind's sum over a line's detail: records, billed minutes, messages, bytes, cost."""

    kind: UsageKind
    count: int
    minutes: int
    messages: int
    bytes: int
    cost: int


async def totals_by_kind(query: QuerySet[UsageRecord]) -> list[KindTotal]:
    """One grouped read: minutes are summed per record as billed (started minutes)."""
    rows = (
        await query.annotate(
            records=Count("id"),
            # integer division in SQLite and PostgreSQL alike: each started minute
            minutes=Sum(CombinedExpression(F("seconds") + 59, Connector.div, Value(60))),
            messages=Sum("units"),
            volume=Sum("bytes"),
            charged=Sum("cost"),
        )
        .group_by("kind")
        .values("kind", "records", "minutes", "messages", "volume", "charged")
    )
    found = {
        UsageKind(row["kind"]): KindTotal(
            UsageKind(row["kind"]),
            int(row["records"] or 0),
            int(row["minutes"] or 0),
            int(row["messages"] or 0),
            int(row["volume"] or 0),
            int(row["charged"] or 0),
        )
        for row in rows
    }
    return [found[kind] for kind in UsageKind if kind in found]


@dataclass(frozen=True)
class UsageQuery:
    """What of a line's usage is asked for: the detail's filter, as the schema takes it
    and as an export job carries it (`as_json` / `from_json`)."""

    start: datetime | None = None
    end: datetime | None = None
    kinds: tuple[UsageKind, ...] = ()
    direction: Direction | None = None
    roaming: bool | None = None
    counterpart: str | None = None  # normalised (models.msisdn.normalize_any_number)

    def records(self, line_id: int) -> QuerySet[UsageRecord]:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise DomainError(ErrorCode.INVALID_INPUT, "invalid_range", field=["filter", "from"])
        query = UsageRecord.filter(line_id=line_id)
        if self.start is not None:
            query = query.filter(started_at__gte=self.start)
        if self.end is not None:
            query = query.filter(started_at__lt=self.end)
        if self.kinds:
            query = query.filter(kind__in=list(self.kinds))
        if self.direction is not None:
            query = query.filter(direction=self.direction)
        if self.roaming is not None:
            query = query.filter(roaming=self.roaming)
        if self.counterpart:
            query = query.filter(counterpart=self.counterpart)
        return query

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "kinds": [kind.value for kind in self.kinds],
            "direction": self.direction.value if self.direction else None,
            "roaming": self.roaming,
            "counterpart": self.counterpart,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UsageQuery:
        def moment(text: str | None) -> datetime | None:
            return datetime.fromisoformat(text) if text else None

        return cls(
            moment(data.get("start")),
            moment(data.get("end")),
            tuple(UsageKind(kind) for kind in data.get("kinds") or ()),
            Direction(data["direction"]) if data.get("direction") else None,
            data.get("roaming"),
            data.get("counterpart"),
        )


async def oldest_first_values(
    query: QuerySet[UsageRecord], fields: tuple[str, ...], page: int = 1000
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The records of `query` by start, oldest first, in keyset pages of tuples of
    `fields` (which name "started_at" and "id"): an export reads a million of them."""
    async for rows in keyset_values(query, "started_at", fields, page):
        yield rows
