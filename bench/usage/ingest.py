"""Ingestion: JSON lines POSTed to /network/usage, and `linehub usage import FILE`.

Two shapes, as the network sends them: each batch spread over every line (one or two
records a line: a batch covering a whole network) and each batch concentrated on
BUSY_LINES lines. `python -m bench --only usage` measures them at ten million records;
`python -m bench --only usage-ingest` (or `python -m bench.usage.ingest`) measures
ingestion alone in a quarter of a minute, on a throwaway database with the demo and
EXTRA_LINES lines but no usage loaded (the figures are the ingestion's own, not those of
a big table's indexes), and counts the statements of one batch of each shape.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.core import Table, print_table, scenario, table_from_child
from bench.env import BenchEnv
from bench.usage.server import _environment, _ready, _server
from bench.usage.sizes import (
    BUSY_LINES,
    EXTRA_LINES,
    IMPORT_RECORDS,
    INGEST_BATCH,
    INGEST_RECORDS,
    NETWORK_KEY,
    ROOT,
    SECRET_KEY,
    SENDERS,
)

# ------------------------------------------------------------------------- ingestion


def _records(prefix: str, count: int, lines: list[str], now: datetime) -> Iterator[str]:
    """`count` records as the network sends them, each line in turn, this period's."""
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    # this period only: the packages rate it (a record of a closed period is LATE)
    window = max(60, min(6 * 3600, int((now - month).total_seconds()) - 120))
    for n in range(count):
        kind = ("CALL", "DATA", "SMS", "CALL", "DATA", "MMS")[n % 6]
        onnet = n % 4 == 0
        counterpart = None
        if kind != "DATA":
            counterpart = lines[(n * 7) % len(lines)] if onnet else f"916{n % 10_000_000:07d}"
        record = {
            "id": f"{prefix}-{n}",
            "msisdn": lines[n % len(lines)],
            "kind": kind,
            "direction": "IN" if n % 3 == 0 else "OUT",
            "startedAt": (now - timedelta(seconds=30 + n % window)).isoformat(),
            "counterpart": counterpart,
            "seconds": 37 + n % 900 if kind == "CALL" else None,
            "bytes": 1_000 + n * 7919 % 5_000_000 if kind == "DATA" else None,
            "units": 1 if kind in ("SMS", "MMS") else None,
            "roaming": False,
            "zone": None,
        }
        yield json.dumps(record)


async def ingest_http(base: str, lines: list[str], prefix: str) -> tuple[int, float]:
    """INGEST_RECORDS records of `lines`, POSTed in batches by SENDERS at once:
    (stored, seconds)."""
    records = list(_records(prefix, INGEST_RECORDS, lines, datetime.now(UTC)))
    batches = [
        "\n".join(records[i : i + INGEST_BATCH]) + "\n"
        for i in range(0, len(records), INGEST_BATCH)
    ]
    batches.reverse()
    accepted = 0
    headers = {"Authorization": f"Bearer {NETWORK_KEY}", "Content-Type": "application/x-ndjson"}

    async def sender(client: httpx.AsyncClient) -> None:
        nonlocal accepted
        while batches:
            body = batches.pop()
            answer = await client.post(f"{base}/network/usage", content=body, headers=headers)
            data = answer.json()
            if answer.status_code != 200 or data["errorCount"]:
                raise RuntimeError(f"/network/usage answered {answer.status_code}: {data}"[:1000])
            accepted += data["accepted"]

    began = time.perf_counter()
    async with httpx.AsyncClient(timeout=600) as client:
        await asyncio.gather(*(sender(client) for _ in range(SENDERS)))
    return accepted, time.perf_counter() - began


async def ingest_file(url: str, lines: list[str], folder: Path) -> tuple[int, float, float]:
    """`linehub usage import FILE` of IMPORT_RECORDS records: (stored, seconds, seconds
    of the same command with an empty file: the process's start and stop)."""
    path, empty = folder / "usage.jsonl", folder / "empty.jsonl"
    records = _records("file", IMPORT_RECORDS, lines, datetime.now(UTC))
    path.write_text("\n".join(records) + "\n")
    empty.write_text("")

    async def run(source: Path) -> tuple[str, float]:
        began = time.perf_counter()
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "usage",
            "import",
            str(source),
            env=_environment(url, LOG_LEVEL="WARNING"),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"linehub usage import exited {child.returncode}: {err.decode()}")
        return out.decode(), time.perf_counter() - began

    _, start_stop = await run(empty)
    out, seconds = await run(path)
    # "linehub usage: N accepted, M duplicates, K refused"
    accepted = int(out.rsplit(":", 1)[1].split()[0])
    return accepted, seconds, start_stop


# ------------------------------------------------------------------- ingestion alone


async def _statements(lines: list[str], prefix: str) -> tuple[int, int]:
    """(statements, records) of one INGEST_BATCH batch of `lines` through the domain
    function, counted at the driver (bench/querycount.py)."""
    from bench.querycount import count_queries
    from models.ingest import ingest_lines

    batch = list(_records(prefix, INGEST_BATCH, lines, datetime.now(UTC)))
    async with count_queries() as queries:
        outcome = await ingest_lines(batch)
    return len(own_statements(queries.statements)), outcome.accepted


# asyncpg reads the catalogue the first time a connection meets an array of int, bigint,
# bool or timestamptz (three statements, once in the connection's life); which of the
# pool's connections meets one first depends on what ran before, not on the batch
DRIVER_TYPE_LOOKUP = ("typeinfo_tree", "current_setting('jit')", "set_config('jit'")


def own_statements(statements: list[str]) -> list[str]:
    """The statements ingestion sent itself, without asyncpg's type lookups."""
    return [sql for sql in statements if not any(mark in sql for mark in DRIVER_TYPE_LOOKUP)]


async def _load(url: str) -> list[str]:
    """The demo and EXTRA_LINES lines (bench/usage/data.py), no usage beyond the demo's:
    every line's number."""
    import asyncpg

    from bench.env import CHEAP_ARGON2
    from bench.usage.data import _grow_lines
    from cli.demo import load_demo
    from config import Settings

    await load_demo(
        Settings(env="test", database_url=url, secret_key=SECRET_KEY, argon2=CHEAP_ARGON2)
    )
    conn = await asyncpg.connect(url)
    try:
        await _grow_lines(conn)
        await conn.execute("VACUUM ANALYZE")
        return [r["msisdn"] for r in await conn.fetch("SELECT msisdn FROM line ORDER BY id")]
    finally:
        await conn.close()


async def ingestion_alone(url: str) -> Table:
    from tortoise import Tortoise

    from cli.db import apply_migrations
    from models import tortoise_config

    await apply_migrations(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        lines = await _load(url)
        shapes = [(f"each batch {len(lines):,} lines", lines, "spread")]
        shapes.append((f"each batch {BUSY_LINES} lines", lines[8 : 8 + BUSY_LINES], "busy"))
        table = Table(
            f"usage ingestion alone, PostgreSQL, linehub serve (1 worker), {len(lines):,} lines",
            ["what", "records", "seconds", "per second", "statements"],
        )
        server = _server(url)
        server.start()
        try:
            async with httpx.AsyncClient(timeout=600) as client:
                await _ready(server, client)
            base = server.url.rsplit("/", 1)[0]
            for label, over, prefix in shapes:
                stored, spent = await ingest_http(base, over, prefix)
                rate = f"{stored / spent:,.0f} records"
                table.add(f"POST /network/usage, {label}", stored, spent, rate, "")
        finally:
            server.stop()
        for label, over, prefix in shapes:
            count, stored = await _statements(over, f"{prefix}-counted")
            table.add(f"one batch, {label}", stored, "", "", count)
        with tempfile.TemporaryDirectory(prefix="linehub-ingest-bench-") as tmp:
            imported, spent, start_stop = await ingest_file(url, lines, Path(tmp))
        table.add(
            "linehub usage import FILE", imported, spent, f"{imported / spent:,.0f} records", ""
        )
    finally:
        await Tortoise.close_connections()
    table.notes += [
        f"{INGEST_RECORDS:,} new records per shape, batches of {INGEST_BATCH:,} JSON lines, "
        f"{SENDERS} senders at once; records take the lines in turn, start this period and "
        f"are rated against the packages; the demo's 8 lines + {EXTRA_LINES:,}, no usage "
        "loaded (python -m bench.usage measures the same at ten million records)",
        f"statements: one batch of {INGEST_BATCH:,} records through models.ingest.ingest_lines, "
        "counted at the driver (BEGIN and COMMIT included; chunks of "
        "models.ingest.CHUNK records)",
        f"the import's seconds include the process's start and stop ({start_stop:.1f} s with "
        "an empty file)",
    ]
    return table


async def usage_ingest(env: BenchEnv) -> Table:
    # its own process: its own tortoise on PostgreSQL, the bench's SQLite one untouched
    return await table_from_child("bench.usage.ingest")


# `python -m bench.usage.ingest` runs this file again as __main__, after the package
# imported it (and registered the scenario)
if __name__ != "__main__":
    scenario("usage-ingest", "usage ingestion alone: records/s spread and concentrated")(
        usage_ingest
    )


async def _alone_in_own_database() -> Table:
    from bench.plans import _create_database, _drop_database

    url = await _create_database()
    try:
        return await ingestion_alone(url)
    finally:
        await _drop_database(url)


def main(argv: list[str]) -> int:
    import logging

    logging.disable(logging.INFO)
    return print_table(asyncio.run(_alone_in_own_database()), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
