"""Exports: `export.usage` jobs run by fresh `linehub worker`s, and the writers alone."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.core import Table
from bench.usage.data import Loaded
from bench.usage.server import _environment, _peak_kb
from bench.usage.sizes import EARLY_SECONDS, EXPORT_SECONDS, ROOT, SECRET_KEY

# --------------------------------------------------------------------------- exports


@dataclass
class Export:
    format: str
    total: int  # the records the job exports
    rows: int  # done: all of them; stopped at the deadline: as far as it got
    seconds: float  # the job's own, started to finished (or to the deadline)
    idle_mb: float  # the worker's resident set before the job
    early_mb: float  # its peak EARLY_SECONDS into the job (0: it was done before)
    peak_mb: float  # the worker's largest resident set (VmHWM)
    file_mb: float
    finished: bool


def _worker(url: str, files: Path, fmt: str) -> subprocess.Popen[bytes]:
    env = _environment(
        url,
        WORKER_CONCURRENCY="1",
        WORKER_STOP_SECONDS="2",
        JOB_FILES_DIR=str(files),
        LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "cli", "worker", "--name", f"usage-bench-{fmt.lower()}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def export(url: str, loaded: Loaded, fmt: str, query: Any, files: Path) -> Export:
    """One `export.usage` job, run by a `linehub worker` of its own: a peak resident set
    is a process's largest ever, so one worker per format keeps each format's apart."""
    from config import Settings
    from jobs.engine import JobQueue
    from jobs.usage_export import USAGE
    from jobs.user import submit

    total = await query.records(loaded.big_line_id).count()
    worker = _worker(url, files, fmt)
    conn = await asyncpg.connect(url)
    queue = JobQueue(Settings(env="test", database_url=url, secret_key=SECRET_KEY))
    try:
        await asyncio.sleep(3)  # the worker imports, connects and listens
        if worker.poll() is not None:
            raise RuntimeError(f"linehub worker exited at start ({worker.returncode})")
        idle = _peak_kb(worker.pid, "VmRSS")
        arguments = {
            "line_id": loaded.big_line_id,
            "query": query.as_json(),
            "format": fmt,
            "language": "ru",
        }
        row = await submit(queue, loaded.owner_id, USAGE, arguments)
        submitted = time.monotonic()
        deadline = submitted + EXPORT_SECONDS if EXPORT_SECONDS else None
        early = 0
        while True:
            if not early and time.monotonic() - submitted > EARLY_SECONDS:
                early = _peak_kb(worker.pid)
            state = await conn.fetchrow(
                "SELECT status, progress, started_at, finished_at, file_path FROM job "
                "WHERE id = $1",
                row.id,
            )
            if state["status"] in ("DONE", "FAILED"):
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            if worker.poll() is not None:
                raise RuntimeError(f"linehub worker exited ({worker.returncode}) mid-export")
            await asyncio.sleep(0.25)
        peak = _peak_kb(worker.pid)
        if state["status"] == "FAILED":
            raise RuntimeError(f"the {fmt} export failed")
        done = state["status"] == "DONE"
        started = state["started_at"] or datetime.now(UTC)
        ended = state["finished_at"] if done else datetime.now(UTC)
        size = (files / state["file_path"]).stat().st_size if done else 0
        return Export(
            fmt,
            total,
            total if done else int(total * state["progress"]),
            (ended - started).total_seconds(),
            idle / 1024,
            early / 1024,
            peak / 1024,
            size / 2**20,
            done,
        )
    finally:
        _stop(worker)
        # an export stopped at the deadline would be tried again by the next worker
        await conn.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'export.usage'")
        await conn.close()
        await queue.close()


def exports_table(loaded: Loaded, exports: list[Export]) -> Table:
    """`python -m bench.usage --exports`: the exports alone, on a database of the big
    line's records and the demo's."""
    table = Table(
        f"usage exports: {exports[0].total:,} records of one line, each format by a fresh "
        f"linehub worker ({loaded.rows:,} records in the database)",
        ["format", "rows", "seconds", "idle RSS MB", f"RSS MB {EARLY_SECONDS} s in", "peak RSS MB"],
    )
    for done in exports:
        label = (
            done.format if done.finished else f"{done.format} (stopped at {EXPORT_SECONDS:.0f} s)"
        )
        table.add(label, done.rows, done.seconds, done.idle_mb, done.early_mb, done.peak_mb)
    table.notes += [
        "idle: the worker's resident set (VmRSS) 3 s after its start, before the job; "
        "peak: its largest ever (VmHWM), target under 100 MB",
        "files: " + ", ".join(f"{e.format} {e.file_mb:,.1f} MB" for e in exports if e.finished),
    ]
    return table


async def writers_alone(rows: int) -> list[tuple[str, float, float]]:
    """bench/usage_files.py's `measure`: each format written by a process of its own.

    Those processes are started afresh (exec), and each reads its own peak from /proc
    (VmHWM), so this process's size (the ORM, the app) is in none of their figures.
    """
    from bench.usage_files import measure

    return await measure(rows)
