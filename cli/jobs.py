"""`linehub jobs`: what the queue holds, failed jobs with their errors, retrying one,
and the schedule."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import procrastinate
from tortoise import Tortoise

from config import Settings
from jobs.engine import JobQueue, load_modules
from jobs.schedule import entries
from models import tortoise_config
from models.job import last_failures

LISTED = 50  # newest jobs shown
ON_SQLITE = "linehub jobs: on SQLite the queue lives in the server's memory; nothing to list"


def print_schedule(settings: Settings) -> int:
    load_modules(settings)
    rows = entries(settings.jobs.modules)
    width = max(len(entry.job) for entry in rows)
    cron_width = max(len(entry.cron) for entry in rows)
    for entry in rows:
        print(f"{entry.job:<{width}}  {entry.cron:<{cron_width}}  {entry.what}")
    return 0


@contextlib.asynccontextmanager
async def _opened(settings: Settings) -> AsyncIterator[JobQueue | None]:
    queue = JobQueue(settings)
    if queue.in_process:
        yield None
        return
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        await queue.open()
        yield queue
    finally:
        await queue.close()
        await Tortoise.close_connections()


def _line(job: procrastinate.jobs.Job, error: str | None) -> str:
    args = json.dumps(job.task_kwargs, ensure_ascii=False, sort_keys=True)
    due = job.scheduled_at.isoformat(timespec="seconds") if job.scheduled_at else "-"
    text = (
        f"{job.id:>8}  {job.status or '':<9}  {job.attempts:>5}  {job.task_name:<36}  {due}  {args}"
    )
    return f"{text}\n{'':>10}error: {error}" if error else text


async def list_jobs(settings: Settings, *, failed: bool) -> int:
    async with _opened(settings) as queue:
        if queue is None:
            print(ON_SQLITE)
            return 2
        found = await queue.app.job_manager.list_jobs_async(status="failed" if failed else None)
        newest = sorted(found, key=lambda job: job.id or 0, reverse=True)[:LISTED]
        errors = await last_failures([job.id for job in newest if job.id is not None])
        print(f"{'id':>8}  {'status':<9}  {'tries':>5}  {'job':<36}  due  arguments")
        for job in newest:
            print(_line(job, errors.get(job.id or 0) if job.status == "failed" else None))
        return 0


async def retry(settings: Settings, job_id: int) -> int:
    """Put a failed job back in the queue, due now."""
    async with _opened(settings) as queue:
        if queue is None:
            print(ON_SQLITE)
            return 2
        found = list(await queue.app.job_manager.list_jobs_async(id=job_id))
        if not found:
            print(f"linehub jobs: no job {job_id}")
            return 1
        if found[0].status != "failed":
            print(f"linehub jobs: job {job_id} is {found[0].status}, not failed; nothing to retry")
            return 1
        await queue.app.job_manager.retry_job_by_id_async(job_id, retry_at=datetime.now(UTC))
        print(f"linehub jobs: job {job_id} is queued again")
        return 0
