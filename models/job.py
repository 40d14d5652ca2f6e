"""Jobs a person follows (an export: status, progress, its file), and failed tries.

The queue itself is procrastinate's (jobs/); these rows are what linehub tells people
and operators about it. A `Job` belongs to the person who asked; `JobFailure` keeps the
error of every failed try, which the queue does not.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.person import User

# a finished job's file is downloadable this long (API.md section 10: 24 hours)
DOWNLOAD_TTL = timedelta(hours=24)
# progress is written at most this often, however fast the job reports it
PROGRESS_EVERY_SECONDS = 0.5


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class Job(Model):
    id = fields.BigIntField(primary_key=True)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "linehub.User", related_name="jobs", on_delete=fields.CASCADE
    )
    owner_id: int
    kind = fields.CharField(max_length=40)
    status = fields.CharEnumField(JobStatus, max_length=8, default=JobStatus.QUEUED)
    progress = fields.FloatField(default=0.0, description="0..1")
    params: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # why it failed, as a message key (i18n): told in the reader's language
    error_code = fields.CharField(max_length=40, null=True)
    # the file, relative to JOB_FILES_DIR, and how a download names it
    file_path = fields.CharField(max_length=200, null=True)
    file_name = fields.CharField(max_length=200, null=True)
    content_type = fields.CharField(max_length=100, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    queue_job_id = fields.BigIntField(null=True)

    class Meta:
        table = "job"
        ordering = ("-created_at", "-id")
        # a person's jobs, newest first (viewer.jobs pages); the files that expired
        indexes = (
            Index(fields=("owner_id", "created_at", "id"), name="job_owner_created_idx"),
            Index(fields=("expires_at",), name="job_expires_idx"),
        )


class JobFailure(Model):
    """One failed try of a queued job, with its error (for linehub jobs --failed)."""

    id = fields.BigIntField(primary_key=True)
    queue_job_id = fields.BigIntField()
    task = fields.CharField(max_length=128)
    attempt = fields.IntField()
    error = fields.TextField()
    failed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "job_failure"
        indexes = (Index(fields=("queue_job_id",), name="job_failure_job_idx"),)


def _now() -> datetime:
    return datetime.now(UTC)


async def create(owner_id: int, kind: str, params: dict[str, Any]) -> Job:
    return await Job.create(owner_id=owner_id, kind=kind, params=params)


async def attach(job: Job, queue_job_id: int) -> None:
    job.queue_job_id = queue_job_id
    await Job.filter(id=job.id).update(queue_job_id=queue_job_id)


async def start(job: Job) -> None:
    """A try begins: RUNNING from the start (a retry starts again from nothing)."""
    job.status, job.progress, job.started_at = JobStatus.RUNNING, 0.0, _now()
    await Job.filter(id=job.id).update(status=job.status, progress=0.0, started_at=job.started_at)


async def finish(job: Job, file_path: str, file_name: str, content_type: str) -> None:
    now = _now()
    job.status, job.progress, job.finished_at = JobStatus.DONE, 1.0, now
    job.file_path, job.file_name, job.content_type = file_path, file_name, content_type
    job.expires_at = now + DOWNLOAD_TTL
    await Job.filter(id=job.id).update(
        status=job.status,
        progress=1.0,
        finished_at=now,
        expires_at=job.expires_at,
        file_path=file_path,
        file_name=file_name,
        content_type=content_type,
    )


async def fail(job: Job, error_code: str) -> None:
    job.status, job.error_code, job.finished_at = JobStatus.FAILED, error_code, _now()
    await Job.filter(id=job.id).update(
        status=job.status, error_code=error_code, finished_at=job.finished_at
    )


async def record_failure(queue_job_id: int, task: str, attempt: int, error: str) -> None:
    await JobFailure.create(
        queue_job_id=queue_job_id, task=task, attempt=attempt, error=error[:4000]
    )


async def last_failures(queue_job_ids: list[int]) -> dict[int, str]:
    """The newest error of each queued job."""
    found: dict[int, str] = {}
    rows = await JobFailure.filter(queue_job_id__in=queue_job_ids).order_by("id")
    for row in rows:
        found[row.queue_job_id] = row.error
    return found


class Progress:
    """Reports a job's progress (0..1), writing it at most every PROGRESS_EVERY_SECONDS:
    a job may report per row, the database sees a few writes a second."""

    def __init__(self, job: Job, every: float = PROGRESS_EVERY_SECONDS) -> None:
        self.job = job
        self.every = every
        self._written_at = 0.0
        self.writes = 0

    async def report(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        self.job.progress = fraction
        now = time.monotonic()
        if now - self._written_at < self.every:
            return
        self._written_at = now
        self.writes += 1
        await Job.filter(id=self.job.id, status=JobStatus.RUNNING).update(progress=fraction)


async def downloadable(job_id: int) -> Job | None:
    """A finished job whose file has not expired, or None."""
    return await Job.get_or_none(
        id=job_id, status=JobStatus.DONE, file_path__isnull=False, expires_at__gt=_now()
    )


async def expired_files(now: datetime | None = None) -> list[Job]:
    """Finished jobs whose links have expired and whose files are still kept."""
    return list(await Job.filter(expires_at__lte=now or _now(), file_path__isnull=False))


async def forget_file(job: Job) -> None:
    await Job.filter(id=job.id).update(file_path=None)
