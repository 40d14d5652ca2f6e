"""Job functions for the job tests, loaded by real workers through JOB_MODULES.

Each run leaves a row in `job_probe` (created by the tests), so a test counts exactly
how often a job ran, on which worker and in which try.
"""

from __future__ import annotations

import asyncio
import os

from tortoise import connections

from jobs.registry import JobRun, Retry, job
from jobs.schedule import EXTENSIONS, Scheduled

TABLE = """CREATE TABLE IF NOT EXISTS job_probe (
    id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, n BIGINT, pid INT NOT NULL,
    attempt INT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())"""
TICK_CRON = "* * * * * */2"


def placeholders(count: int) -> str:
    """`$1, $2` for PostgreSQL, `?, ?` for SQLite."""
    if connections.get("default").capabilities.dialect == "postgres":
        return ", ".join(f"${i}" for i in range(1, count + 1))
    return ", ".join("?" * count)


async def _note(kind: str, n: int | None, run: JobRun) -> None:
    await connections.get("default").execute_query(
        f"INSERT INTO job_probe (kind, n, pid, attempt) VALUES ({placeholders(4)})",  # noqa: S608
        [kind, n, os.getpid(), run.attempt],
    )


@job("probe.record")
async def record(run: JobRun, n: int) -> None:
    await _note("record", n, run)


@job("probe.slow", retry=Retry(attempts=3))
async def slow(run: JobRun, n: int, seconds: float) -> None:
    """Slow on its first try only: a retry after a kill or a stop finishes at once."""
    await _note("started", n, run)
    await asyncio.sleep(seconds if run.attempt == 1 else 0)
    await _note("finished", n, run)


@job("probe.flaky", retry=Retry(attempts=2))
async def flaky(run: JobRun, n: int) -> None:
    await _note("flaky", n, run)
    raise RuntimeError(f"probe {n} fails on purpose (try {run.attempt})")


@job("probe.tick")
async def tick(run: JobRun) -> None:
    await _note("tick", run.tick, run)


EXTENSIONS.append(Scheduled("probe.tick", TICK_CRON, "the job tests' clock", module=__name__))
