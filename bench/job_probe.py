"""The bench's job: nothing at all, so that the queue's own cost per job is measured."""

from __future__ import annotations

from jobs.registry import JobRun, job


@job("bench.noop")
async def noop(run: JobRun, n: int) -> None:
    return None
