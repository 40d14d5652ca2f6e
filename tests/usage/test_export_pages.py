"""The export reads records as tuples in keyset pages: every record once, oldest first,
ties on the start broken by id across a page's edge, and each row as the model reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jobs.usage_export import COLUMNS, pages
from jobs.usage_files import UsageRow
from models import Line, UsageRecord
from models.usage import Direction, UsageKind, UsageQuery, oldest_first_values
from tests.usage.conftest import MASHA


async def _records(line: Line) -> None:
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    # five records share one start: pages of three split them
    starts = [base + timedelta(hours=h) for h in (5, 1, 1, 1, 1, 1, 0, 7)]
    shapes: list[dict[str, Any]] = [
        {"kind": UsageKind.CALL, "seconds": 61, "counterpart": "9162223344"},
        {"kind": UsageKind.DATA, "bytes": 3 * 1024**2 + 5},
        {"kind": UsageKind.SMS, "units": 2, "direction": Direction.IN, "counterpart": "900"},
        {"kind": UsageKind.MMS, "units": 1, "roaming": True, "zone": "EUROPE"},
    ]
    for n, start in enumerate(starts):
        fields = {"direction": Direction.OUT, **shapes[n % len(shapes)]}
        await UsageRecord.create(
            line=line, network_id=f"p-{n}", started_at=start, cost=n * 150, **fields
        )


async def test_pages_of_tuples_hold_every_record_once_oldest_first(demo) -> None:
    line = await Line.get(msisdn=MASHA)
    await _records(line)
    query = UsageQuery().records(line.id)
    read = [row async for page in oldest_first_values(query, COLUMNS, page=3) for row in page]
    expected = await query.order_by("started_at", "id")
    assert [row[-1] for row in read] == [record.id for record in expected]
    assert len(read) == 8


async def test_the_exports_rows_are_the_records_as_the_model_reads_them(demo) -> None:
    line = await Line.get(msisdn=MASHA)
    await _records(line)
    query = UsageQuery()
    rows = [row async for page in pages(query, line.id) for row in page]
    expected = [
        UsageRow(
            started_at=r.started_at,
            kind=r.kind.value,
            direction=r.direction.value,
            counterpart=r.counterpart,
            seconds=r.seconds,
            bytes=r.bytes,
            units=r.units,
            roaming=r.roaming,
            zone=r.zone,
            cost=r.cost,
        )
        for r in await query.records(line.id).order_by("started_at", "id")
    ]
    assert rows == expected
    assert {type(row.kind) for row in rows} == {str}
