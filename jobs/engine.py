"""The engine under the job functions: procrastinate, built per process from Settings.

`JobQueue` is the process's one handle on it (held by `services.Services`): the server
defers jobs through it, `linehub worker` runs them, and on SQLite the server runs them
too, in-process. Tasks and the schedule come from `jobs.registry` and `jobs.schedule`;
nothing registers itself on a module-level app, so two apps in one process (tests) never
share a queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import procrastinate
import psycopg
from procrastinate.testing import InMemoryConnector

from config import Settings
from jobs import schedule
from jobs.registry import REGISTRY, JobRun, JobServices, JobSpec
from jobs.user import requeue_unfinished
from models import job as job_model

log = logging.getLogger("linehub.jobs")

# how long a worker waits before trying the database again, doubling up to the cap
RECONNECT_FIRST_SECONDS = 0.5
RECONNECT_MAX_SECONDS = 15.0


def on_postgres(database_url: str) -> bool:
    return urlsplit(database_url).scheme in {"postgres", "postgresql", "asyncpg", "psycopg"}


def libpq_url(database_url: str) -> str:
    """The same database for psycopg: libpq knows postgresql:// and none of tortoise's
    driver names or pool options."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _runner(spec: JobSpec, scheduled: bool) -> Any:
    async def run(context: procrastinate.JobContext, **arguments: Any) -> Any:
        # the tick's time (epoch seconds), which procrastinate passes to periodic jobs
        tick = arguments.pop("timestamp", None) if scheduled else None
        attempt = context.job.attempts + 1
        job_run = JobRun(
            tick=tick,
            services=context.additional_context["services"],
            queue=context.app.job_manager,
            queue_job_id=context.job.id,
            attempt=attempt,
            final=attempt >= spec.retry.attempts,
        )
        try:
            return await spec.function(job_run, **arguments)
        except Exception as exc:
            await _keep_failure(context.job.id, spec.name, attempt, exc)
            raise

    run.__name__ = run.__qualname__ = spec.name
    return run


async def _keep_failure(job_id: int | None, task: str, attempt: int, exc: Exception) -> None:
    """The queue keeps no error text: `linehub jobs --failed` reads it from here."""
    if job_id is None:
        return
    try:
        await job_model.record_failure(job_id, task, attempt, f"{type(exc).__name__}: {exc}")
    except Exception:  # the database may be what failed; the worker's log has the error
        log.warning("could not record a job's failure", exc_info=True)


def load_modules(settings: Settings) -> None:
    """Import the JOB_MODULES: their jobs and schedule rows join linehub's own."""
    for module in settings.jobs.modules:
        importlib.import_module(module)


def build_app(settings: Settings) -> procrastinate.App:
    """A procrastinate app with every declared job and the schedule."""
    load_modules(settings)
    connector: procrastinate.BaseConnector
    if on_postgres(settings.database_url):
        connector = procrastinate.PsycopgConnector(
            conninfo=libpq_url(settings.database_url),
            # the listener holds one connection, each running job may use one
            min_size=1,
            max_size=settings.jobs.concurrency + 2,
        )
    else:
        connector = InMemoryConnector()
    app = procrastinate.App(connector=connector)
    scheduled = {entry.job: entry for entry in schedule.entries(settings.jobs.modules)}
    unknown = set(scheduled) - set(REGISTRY)
    if unknown:
        raise RuntimeError(f"the schedule names undeclared jobs: {sorted(unknown)}")
    for spec in REGISTRY.values():
        task = app.task(
            name=spec.name,
            retry=spec.retry.strategy(),
            pass_context=True,
            queueing_lock=spec.queueing_lock,
        )(_runner(spec, spec.name in scheduled))
        if spec.name in scheduled:
            app.periodic(cron=scheduled[spec.name].cron)(task)
    return app


class JobQueue:
    """Defer jobs and run them. Opens its connections on first use; `close()` ends them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = build_app(settings)
        self.in_process = not on_postgres(settings.database_url)
        self._opened = False
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        async with self._lock:
            if not self._opened:
                await self.app.open_async()
                self._opened = True

    async def close(self) -> None:
        async with self._lock:
            if self._opened:
                await self.app.close_async()
                self._opened = False

    async def defer(self, name: str, **arguments: Any) -> int:
        """Queue job `name` with JSON-able `arguments`; answers the queue's job id."""
        await self.open()
        return await self.app.configure_task(name).defer_async(**arguments)

    async def work(
        self, services: JobServices, *, name: str = "in-process", signals: bool = True
    ) -> None:
        """Run jobs until SIGTERM or SIGINT (with `signals`) or until cancelled; either
        way the stop is graceful: running jobs get WORKER_STOP_SECONDS to finish, then
        are released to be retried.

        procrastinate's worker ends when it loses the database (its listener fails, or
        a query does); this loop then starts it again after a growing pause instead of
        exiting, so a restart of PostgreSQL or a network blip costs seconds of work, not
        the process. Jobs it was running were released by its shutdown, or come back as
        a stalled worker's.
        """
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        if signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
        try:
            pause = RECONNECT_FIRST_SECONDS
            while not stop.is_set():
                began = loop.time()
                ended = await self._run_until(stop, services, name)
                if stop.is_set():
                    return
                if loop.time() - began > RECONNECT_MAX_SECONDS * 4:
                    pause = RECONNECT_FIRST_SECONDS  # it had been working: a new outage
                log.warning(
                    "job worker stopped on its own (database unreachable?); restarting",
                    extra={"error": ended, "retry_in_seconds": pause},
                )
                await self._reset()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
                pause = min(pause * 2, RECONNECT_MAX_SECONDS)
        finally:
            if signals:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(sig)

    async def _run_until(self, stop: asyncio.Event, services: JobServices, name: str) -> str:
        """One run of procrastinate's worker, until it ends or `stop` is set; answers why
        it ended on its own."""
        options = self.settings.jobs
        try:
            await self.open()
        except (psycopg.Error, procrastinate.exceptions.ConnectorException) as exc:
            return f"cannot connect: {exc}"
        worker = asyncio.create_task(
            self.app.run_worker_async(
                name=name,
                concurrency=options.concurrency,
                additional_context={"services": services},
                install_signal_handlers=False,
                shutdown_graceful_timeout=options.stop_seconds,
                update_heartbeat_interval=options.heartbeat_seconds,
                stalled_worker_timeout=options.stalled_seconds,
                fetch_job_polling_interval=options.poll_seconds,
                abort_job_polling_interval=options.poll_seconds,
            )
        )
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            stop.set()  # cancelled from outside (the server stopping): stop the same way
        finally:
            stopping.cancel()
            if not worker.done():
                # cancelling procrastinate's worker is its graceful stop
                worker.cancel()
            results = await asyncio.gather(worker, return_exceptions=True)
        if stop.is_set():
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise asyncio.CancelledError
            return "stopped"
        error = results[0]
        return repr(error) if isinstance(error, BaseException) else "ended"

    async def run_in_process(self, services: JobServices) -> None:
        """The server's own runner on SQLite: what a restart interrupted is queued again
        first (the queue was this process's memory), then jobs run until cancelled."""
        count = await requeue_unfinished(self)
        if count:
            log.info("queued unfinished jobs again after a restart", extra={"jobs": count})
        await self.work(services, signals=False)

    async def _reset(self) -> None:
        try:
            await self.close()
        except Exception:  # a pool whose server went away may fail to close cleanly
            log.debug("closing the broken job queue pool failed", exc_info=True)
            self._opened = False
