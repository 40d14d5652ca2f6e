"""Usage-detail files: seconds and peak memory to write N rows as CSV, XLSX and PDF.

`python -m bench.usage_files [ROWS]` (1 000 000 by default) prints the table;
`measure(rows)` returns (what, seconds, peak MB) for a scenario to show.

Each format is written in its own process, because a process's peak resident set never
goes down: one process per format makes each peak that format's alone. The process reads
its peak itself, from /proc/self/status (VmHWM): that mark belongs to the process's own
memory and starts afresh at exec, where ru_maxrss in a forked child starts at what the
parent had resident, so a big caller (bench/usage, the ORM and the app) would show in
every figure. Without /proc it falls back to ru_maxrss.

The rows are made on the fly, a page of 1 000 at a time, as the job
gets them from the database; the "rows only" line is that generation without a file,
the floor under the others. The PDF stops at its cap (`PDF_MAX_ROWS`), so its line is
the time and memory of a capped PDF whatever the rows asked for.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.core import Table
from jobs.usage_files import ExportFormat, UsageHeader, UsageRow, write_usage_file

PAGE = 1_000
ROWS = 1_000_000
ROOT = Path(__file__).resolve().parents[1]  # where `-m bench.usage_files` imports from
ONLY_ROWS = "rows only"
START = datetime(2026, 9, 30, 21, tzinfo=UTC)


def _row(n: int) -> UsageRow:
    # a busy line's mix: every third a call, then messages and data sessions, some abroad
    kind = ("CALL", "DATA", "SMS", "CALL", "DATA", "MMS")[n % 6]
    abroad = n % 17 == 0
    return UsageRow(
        started_at=START + timedelta(seconds=n * 2),
        kind=kind,
        direction="IN" if n % 3 == 0 else "OUT",
        counterpart=None if kind == "DATA" else f"916{n % 10_000_000:07d}",
        seconds=37 + n % 900 if kind == "CALL" else None,
        bytes=1_000 + n * 7919 % 5_000_000 if kind == "DATA" else None,
        units=1 if kind in ("SMS", "MMS") else None,
        roaming=abroad,
        zone="Europe" if abroad else None,
        cost=n % 5_000,
    )


async def synthetic_pages(rows: int) -> AsyncIterator[list[UsageRow]]:
    """`rows` rows, a page at a time, made as they are asked for."""
    for first in range(0, rows, PAGE):
        yield [_row(n) for n in range(first, min(first + PAGE, rows))]
        await asyncio.sleep(0)  # a database page would give the loop a turn too


def _peak_mb() -> float:
    """This process's peak resident set in MB: VmHWM, else ru_maxrss (see the top)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes there, KB here


async def _one(what: str, rows: int) -> dict[str, Any]:
    """Write one format (or only make the rows) in this process; its figures as a dict."""
    header = UsageHeader("9031234567", START, START + timedelta(days=31), "ru", START)
    before = _peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        if what == ONLY_ROWS:
            async for _ in synthetic_pages(rows):
                pass
            written, truncated, size = rows, False, 0
        else:
            fmt = ExportFormat(what)
            path = Path(folder) / f"usage{fmt.suffix}"
            result = await write_usage_file(path, fmt, header, synthetic_pages(rows))
            written, truncated, size = result.rows, result.truncated, path.stat().st_size
        seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "before_mb": before,
        "rows": written,
        "truncated": truncated,
        "file_mb": size / 2**20,
    }


async def _child(what: str, rows: int) -> dict[str, Any]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.usage_files",
        "--one",
        what,
        str(rows),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"bench.usage_files {what} exited {child.returncode}: {err.decode()}")
    figures: dict[str, Any] = json.loads(out)
    return figures


async def _all(rows: int) -> list[tuple[str, dict[str, Any]]]:
    return [(what, await _child(what, rows)) for what in (ONLY_ROWS, "CSV", "XLSX", "PDF")]


async def measure(rows: int) -> list[tuple[str, float, float]]:
    """(what, seconds, peak resident MB) for making `rows` rows, then each format."""
    return [(what, f["seconds"], f["peak_mb"]) for what, f in await _all(rows)]


def table(rows: int, results: list[tuple[str, dict[str, Any]]]) -> Table:
    """The figures as a bench table, with the rows written and the file's size."""
    out = Table(
        f"usage-detail files: {rows:,} rows in pages of {PAGE:,}, one process per format",
        ["what", "rows written", "seconds", "peak RSS MB", "before MB", "file MB"],
    )
    for what, f in results:
        label = f"{what} (capped)" if f["truncated"] else what
        out.add(label, f["rows"], f["seconds"], f["peak_mb"], f["before_mb"], f["file_mb"])
    out.notes += [
        "peak RSS: the process's largest resident set over its life (VmHWM from /proc, "
        "ru_maxrss without it); before MB: the same just before writing, after the imports",
    ]
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(asyncio.run(_one(argv[1], int(argv[2])))))
        return 0
    rows = int(argv[0]) if argv else ROWS
    print(table(rows, asyncio.run(_all(rows))).render())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
