"""POST /network/usage and `linehub usage import`: records stored once by the network's
id, bad lines reported by number while the rest are kept, unknown numbers reported."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx

from models import Line, UsageRecord
from models.ledger import verify
from tests.helpers import linehub
from tests.usage.conftest import MASHA, PETYA, body, record, send


async def test_a_batch_is_stored_and_rated_and_sending_it_again_changes_nothing(
    client: httpx.AsyncClient, demo
) -> None:
    batch = body(
        record("net-1"),
        record("net-2", kind="SMS", seconds=None, units=1),
        record("net-3", kind="DATA", seconds=None, bytes=3 * 1024 * 1024, counterpart=None),
    )
    first = await send(client, batch)
    assert first.status_code == 200
    assert first.json() == {"accepted": 3, "duplicates": 0, "errors": [], "errorCount": 0}
    line = await Line.get(msisdn=PETYA)
    again = await send(client, batch)
    assert again.json() == {"accepted": 0, "duplicates": 3, "errors": [], "errorCount": 0}
    assert await UsageRecord.filter(line_id=line.id).count() == 3
    assert (await Line.get(id=line.id)).balance == line.balance
    assert await verify() == []


async def test_bad_lines_are_reported_by_number_and_the_rest_kept(
    client: httpx.AsyncClient, demo
) -> None:
    future = datetime.now(UTC) + timedelta(days=2)
    batch = body(
        record("ok-1"),
        "{not json",
        record("ok-2", kind="FAX"),
        record("ok-3", startedAt="2026-11-03T10:15:00"),
        record("ok-4", started=future),
        record("ok-5", msisdn="9039999999"),
        record("ok-6", seconds=-5),
        record("ok-7", msisdn="12"),
        record("ok-8", kind="DATA", seconds=None),
        record("ok-1"),  # the same id again in one batch
        record("ok-9", msisdn=MASHA, counterpart="4951234567"),
    )
    answer = (await send(client, batch)).json()
    assert (answer["accepted"], answer["duplicates"]) == (2, 1)
    assert [(e["line"], e["code"]) for e in answer["errors"]] == [
        (2, "INVALID_JSON"),
        (3, "INVALID_RECORD"),
        (4, "INVALID_RECORD"),
        (5, "INVALID_RECORD"),
        (6, "UNKNOWN_NUMBER"),
        (7, "INVALID_RECORD"),
        (8, "INVALID_RECORD"),
        (9, "INVALID_RECORD"),
    ]
    messages = {e["line"]: e["message"] for e in answer["errors"]}
    assert "kind" in messages[3]
    assert "offset" in messages[4]
    assert "future" in messages[5]
    assert "bytes" in messages[9]
    stored = sorted([r.network_id for r in await UsageRecord.all()])
    assert stored == ["ok-1", "ok-9"]


async def test_what_is_not_json_lines_at_all_is_400_and_a_wrong_key_401(
    client: httpx.AsyncClient, demo
) -> None:
    assert (await send(client, "<xml>hello</xml>\n")).status_code == 400
    assert (await send(client, body(record("k-1")), key="wrong")).status_code == 401
    refused = await client.post("/network/usage", content=b"\xff\xfe")
    assert refused.status_code == 401
    assert await UsageRecord.all().count() == 0
    empty = await send(client, "")
    assert empty.json()["accepted"] == 0


async def test_the_same_batch_sent_twice_at_once_is_stored_once(
    client: httpx.AsyncClient, demo
) -> None:
    batch = body(*(record(f"par-{n}", seconds=60) for n in range(40)))
    line = await Line.get(msisdn=PETYA)
    answers = await asyncio.gather(*(send(client, batch) for _ in range(3)))
    results = [a.json() for a in answers]
    assert sum(r["accepted"] for r in results) == 40
    assert sum(r["duplicates"] for r in results) == 80
    assert await UsageRecord.filter(line_id=line.id).count() == 40
    assert await verify() == []


async def test_a_file_is_imported_the_same_way(database_url: str, demo, tmp_path) -> None:
    path = tmp_path / "usage.jsonl"
    path.write_text(body(record("file-1"), record("file-2", msisdn="9039999999"), "oops"))
    code, output = await linehub(database_url, "usage", "import", str(path))
    assert code == 1
    assert "1 accepted, 0 duplicates, 2 refused" in output
    assert "line 2: UNKNOWN_NUMBER" in output
    assert "line 3: INVALID_JSON" in output
    code, output = await linehub(database_url, "usage", "import", str(path))
    assert "0 accepted, 1 duplicates, 2 refused" in output
    assert json.loads(path.read_text().splitlines()[0])["id"] == "file-1"
    assert await UsageRecord.filter(network_id="file-1").count() == 1
