"""Every job function, declared once with its retry policy (`@job`).

A declaration is data: the engine (`jobs.engine`) builds its tasks from this registry
for each process, so one registry serves the worker, the server and every test's app.

Example:
    @job("housekeeping.purge", retry=Retry(attempts=3, backoff_seconds=10))
    async def purge(run: JobRun) -> None: ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import procrastinate

from config import Settings
from gateways.acquirer import YooKassa
from gateways.email import EmailGateway
from gateways.sms import SmsGateway


class Deferrer(Protocol):
    async def defer(self, name: str, **arguments: Any) -> int: ...


class JobServices(Protocol):
    """What job functions may use of the process's services (`services.Services`)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sms(self) -> SmsGateway: ...
    @property
    def email(self) -> EmailGateway: ...
    @property
    def acquirer(self) -> YooKassa: ...
    @property
    def jobs(self) -> Deferrer: ...


@dataclass(frozen=True)
class Retry:
    """How often a job is tried and how long it waits in between.

    `attempts` counts every try, the first included; the wait before retry n (1, 2, ...)
    is `backoff_seconds` * 2 ** (n - 1), capped at `max_backoff_seconds`.
    """

    attempts: int = 1
    backoff_seconds: int = 0
    max_backoff_seconds: int = 3600

    def strategy(self) -> procrastinate.BaseRetryStrategy | bool:
        # procrastinate counts retries, not tries, and reads max_attempts=0 as "no limit"
        if self.attempts <= 1:
            return False
        return _Backoff(self)

    def wait_before(self, retry: int) -> int:
        return int(min(self.backoff_seconds * 2 ** (retry - 1), self.max_backoff_seconds))


class JobRefused(Exception):
    """The job's arguments no longer make sense (the line was deleted since, say): it
    fails at once and is not retried, since trying again would change nothing. `code`
    is a message key (i18n) that tells the person why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class _Backoff(procrastinate.BaseRetryStrategy):
    def __init__(self, policy: Retry) -> None:
        self.policy = policy

    def get_retry_decision(
        self, *, exception: BaseException, job: procrastinate.jobs.Job
    ) -> procrastinate.RetryDecision | None:
        if isinstance(exception, JobRefused) or job.attempts + 1 >= self.policy.attempts:
            return None
        return procrastinate.RetryDecision(
            retry_in={"seconds": self.policy.wait_before(job.attempts + 1)}
        )


@dataclass(frozen=True)
class JobRun:
    """What a running job knows: the services, the queue, and which try this is."""

    services: JobServices
    queue: procrastinate.manager.JobManager
    queue_job_id: int | None
    attempt: int  # 1 for the first try
    final: bool  # no retry follows if this try fails
    tick: int | None = None  # a scheduled job's tick (epoch seconds)

    @property
    def settings(self) -> Settings:
        return self.services.settings


JobFunction = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    retry: Retry
    # at most one job of this name waits in the queue at a time (a periodic tick that
    # finds the previous one still queued adds nothing)
    queueing_lock: str | None = None


REGISTRY: dict[str, JobSpec] = {}


def job(
    name: str, *, retry: Retry | None = None, single: bool = False
) -> Callable[[JobFunction], JobFunction]:
    """Declare a job function. It is called as `function(run, **arguments)`.

    `single=True` keeps at most one such job waiting in the queue.
    """

    def register(function: JobFunction) -> JobFunction:
        if name in REGISTRY and REGISTRY[name].function is not function:
            raise ValueError(f"job {name!r} is declared twice")
        REGISTRY[name] = JobSpec(name, function, retry or Retry(), name if single else None)
        return function

    return register
