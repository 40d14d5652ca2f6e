"""Ingestion: JSON lines POSTed to /network/usage, and `linehub usage import FILE`."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.usage.server import _environment
from bench.usage.sizes import (
    IMPORT_RECORDS,
    INGEST_BATCH,
    INGEST_RECORDS,
    NETWORK_KEY,
    ROOT,
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
