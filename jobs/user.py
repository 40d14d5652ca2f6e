"""Jobs a person asked for and follows (`Job` node): status, progress, a file at the end.

`@user_job` wraps a job function with the bookkeeping every such job needs, so that an
export is only the work itself:

    @user_job("export.transactions", retry=Retry(attempts=3, backoff_seconds=30))
    async def transactions(run: JobRun, job: Job, progress: Progress, line_id: int) -> Output:
        ...write run.files.path_for(job, ".csv")...
        return Output(path, "statement.csv", "text/csv")
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from jobs.registry import REGISTRY, JobRefused, JobRun, Retry, job
from models import job as job_model
from models.job import Job, JobStatus, Progress

log = logging.getLogger("linehub.jobs")

# what the person reads when a job failed for a reason that is not theirs to fix
JOB_FAILED = "job_failed"


@dataclass(frozen=True)
class Output:
    path: Path  # inside JOB_FILES_DIR (`file_path`)
    name: str  # what the download is called
    content_type: str


def file_path(files_dir: str, job: Job, suffix: str) -> Path:
    """A new file for `job`'s output: a random name, so that one job's retry never
    serves half of another try's file, and a link names exactly one file."""
    root = Path(files_dir)
    root.mkdir(parents=True, exist_ok=True)
    return root / f"{job.id}-{secrets.token_urlsafe(12)}{suffix}"


UserJobFunction = Callable[..., Awaitable[Output]]


class Deferrer(Protocol):
    async def defer(self, name: str, **arguments: Any) -> int: ...


async def submit(queue: Deferrer, owner_id: int, kind: str, arguments: dict[str, Any]) -> Job:
    """Record the person's job, then queue it. The row comes first so that the job can
    always find it; a queue that refuses leaves it FAILED, never QUEUED forever. The
    arguments are kept with it: on SQLite, where the queue is memory, a restarted server
    queues its unfinished jobs again from them (`requeue_unfinished`)."""
    row = await job_model.create(owner_id, kind, arguments)
    try:
        queue_job_id = await queue.defer(kind, job_id=row.id, **arguments)
    except Exception:
        await job_model.fail(row, JOB_FAILED)
        raise
    await job_model.attach(row, queue_job_id)
    return row


async def requeue_unfinished(queue: Deferrer) -> int:
    """Queue again every job a person still waits for (QUEUED or RUNNING): after a
    restart of a server whose queue was its memory, none of them is lost."""
    count = 0
    for row in await Job.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)):
        if row.kind not in REGISTRY:  # a kind this release no longer has
            await job_model.fail(row, JOB_FAILED)
            continue
        queue_job_id = await queue.defer(row.kind, job_id=row.id, **row.params)
        await job_model.attach(row, queue_job_id)
        count += 1
    return count


def user_job(
    name: str, *, retry: Retry | None = None
) -> Callable[[UserJobFunction], UserJobFunction]:
    """Declare a job a person follows; it is deferred with `job_id=` and its arguments."""

    def register(function: UserJobFunction) -> UserJobFunction:
        async def run_user_job(run: JobRun, job_id: int, **arguments: Any) -> None:
            row = await Job.get_or_none(id=job_id)
            if row is None:
                # the person's account went, and their jobs with it: nothing to do
                log.info("job gone before it ran", extra={"job": job_id, "kind": name})
                return
            if row.status is JobStatus.DONE:
                return  # done by an earlier try (a stalled worker's job run again)
            await job_model.start(row)
            try:
                output = await function(run, row, Progress(row), **arguments)
            except JobRefused as refused:
                await job_model.fail(row, refused.code)
                raise
            except Exception:
                if run.final:
                    await job_model.fail(row, JOB_FAILED)
                raise
            # files live flat in JOB_FILES_DIR (`file_path`): the row keeps the name only
            await job_model.finish(row, output.path.name, output.name, output.content_type)

        job(name, retry=retry)(run_user_job)
        return function

    return register
