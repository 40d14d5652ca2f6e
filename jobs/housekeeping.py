"""The engine's and the database's own upkeep, run on the schedule (`jobs.schedule`)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from jobs.registry import JobRun, Retry, job
from models.housekeeping import purge_expired
from models.job import expired_files, forget_file

log = logging.getLogger("linehub.jobs")


@job("housekeeping.purge_expired", retry=Retry(attempts=3, backoff_seconds=60), single=True)
async def purge(run: JobRun) -> dict[str, int]:
    removed = await purge_expired()
    log.info("purged expired rows", extra={"removed": removed})
    return removed


@job("housekeeping.retry_stalled", single=True)
async def retry_stalled(run: JobRun) -> int:
    """Put back in the queue the jobs of workers that stopped beating (killed, or their
    machine gone): a SIGKILLed worker's job is retried, not lost."""
    stalled = list(
        await run.queue.get_stalled_jobs(seconds_since_heartbeat=run.settings.jobs.stalled_seconds)
    )
    for found in stalled:
        log.warning(
            "retrying the job of a stalled worker",
            extra={"job_id": found.id, "task": found.task_name, "worker": found.worker_id},
        )
        await run.queue.retry_job(found)
    return len(stalled)


@job("housekeeping.delete_finished_jobs", single=True)
async def delete_finished_jobs(run: JobRun) -> None:
    """The queue keeps finished jobs for a month (for `linehub jobs`), failed ones too."""
    await run.queue.delete_old_jobs(nb_hours=24 * 30, include_failed=True)


@job("housekeeping.expire_files", retry=Retry(attempts=3, backoff_seconds=60), single=True)
async def expire_files(run: JobRun) -> int:
    """Delete the files of finished jobs whose links have expired."""
    root = Path(run.settings.jobs.files_dir)
    gone = 0
    for row in await expired_files():
        if row.file_path:
            await asyncio.to_thread((root / row.file_path).unlink, missing_ok=True)
        await forget_file(row)
        gone += 1
    return gone
