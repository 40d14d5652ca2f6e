"""Jobs per second through the queue: two real `linehub worker` processes on PostgreSQL.

Runs in its own process (`python -m bench.jobs`) against a throwaway database, as the
plans scenario does: migrated with the real migrations (procrastinate's schema
included), two workers started, jobs deferred one by one and in batches, and the time
until the last one finished measured from the queue's own table.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import asyncpg
from procrastinate.types import JSONValue

from bench.core import Table, print_table, scenario, table_from_child
from bench.env import BenchEnv
from bench.plans import _create_database, _drop_database

ROOT = Path(__file__).resolve().parents[1]
SINGLE = 1_000  # deferred one INSERT at a time, as requests do
BATCH = 10_000  # deferred in one statement
WORKERS = 2
CONCURRENCY = 4


async def _start_workers(url: str) -> list[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ENV": "test",
        "JOB_MODULES": "bench.job_probe",
        "WORKER_CONCURRENCY": str(CONCURRENCY),
        # a log line per job is what production writes too, but here it would measure
        # the terminal: warnings only
        "LOG_LEVEL": "WARNING",
    }
    workers = []
    for n in range(WORKERS):
        workers.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "cli",
                "worker",
                "--name",
                f"bench-{n}",
                env=env,
                cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        )
    return workers


async def _succeeded(conn: asyncpg.Connection) -> int:
    return int(
        await conn.fetchval("SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'")
    )


async def _drain(conn: asyncpg.Connection, target: int, limit: float = 600) -> float:
    start = time.perf_counter()
    while await _succeeded(conn) < target:
        if time.perf_counter() - start > limit:
            raise RuntimeError(f"the workers did not finish {target} jobs in {limit} s")
        await asyncio.sleep(0.02)
    return time.perf_counter()


async def measure(url: str) -> Table:
    from config import Settings
    from jobs.engine import JobQueue

    settings = Settings(env="test", database_url=url)
    import bench.job_probe  # noqa: F401 - declares the job the workers run

    queue = JobQueue(settings)
    workers = await _start_workers(url)
    conn = await asyncpg.connect(url)
    table = Table(
        f"job queue: {WORKERS} linehub worker processes x {CONCURRENCY} jobs at once, "
        "PostgreSQL (procrastinate)",
        ["how deferred", "jobs", "defer /s", "run /s (defer to last done)"],
    )
    try:
        await asyncio.sleep(2)  # let both workers register and listen
        await queue.open()
        start = time.perf_counter()
        for n in range(SINGLE):
            await queue.defer("bench.noop", n=n)
        deferred = time.perf_counter()
        done = await _drain(conn, SINGLE)
        table.add("one at a time", SINGLE, SINGLE / (deferred - start), SINGLE / (done - start))

        task = queue.app.configure_task("bench.noop")
        start = time.perf_counter()
        batch: list[dict[str, JSONValue]] = [{"n": n} for n in range(BATCH)]
        await task.batch_defer_async(*batch)
        deferred = time.perf_counter()
        done = await _drain(conn, SINGLE + BATCH)
        table.add("one batch", BATCH, BATCH / (deferred - start), BATCH / (done - start))
        table.notes += [
            "bench.noop does nothing: this is the queue's own cost per job (fetch with a "
            "row lock, run, record the result), every job's floor",
            "defer /s: from this one process; run /s: from the first defer to the last "
            "job done, so it includes the deferring",
        ]
    finally:
        await queue.close()
        await conn.close()
        for worker in workers:
            worker.terminate()
        await asyncio.gather(*(worker.wait() for worker in workers))
    return table


async def run_in_own_database() -> Table:
    from cli.db import apply_migrations

    url = await _create_database()
    try:
        await apply_migrations(url)
        return await measure(url)
    finally:
        await _drop_database(url)


@scenario("jobs", "jobs per second through the queue with two linehub worker processes")
async def jobs(env: BenchEnv) -> Table:
    return await table_from_child("bench.jobs")


def main(argv: list[str]) -> int:
    import logging

    logging.disable(logging.INFO)
    return print_table(asyncio.run(run_in_own_database()), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
