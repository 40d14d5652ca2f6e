"""Real `linehub worker` processes against the test database, and the probes' table."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tortoise import connections

from config import Settings
from jobs.engine import JobQueue
from tests.conftest import TEST_DB
from tests.helpers import ROOT
from tests.jobs import probe

# short enough that a killed worker's job comes back within seconds, not half a minute
WORKER_ENV = {
    "ENV": "test",
    "LOG_FORMAT": "text",
    "JOB_MODULES": "tests.jobs.probe",
    "WORKER_HEARTBEAT_SECONDS": "1",
    "WORKER_STALLED_SECONDS": "3",
    "JOB_POLL_SECONDS": "0.5",
    "WORKER_CONCURRENCY": "4",
    "ARGON2_MEMORY_KIB": "1024",
    "ARGON2_TIME_COST": "1",
}
STARTUP_SECONDS = 30

postgres_only = pytest.mark.skipif(
    TEST_DB != "postgres", reason="worker processes share a PostgreSQL queue"
)


@dataclass
class Worker:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    async def stopped(self, within: float = 30) -> int:
        return await asyncio.wait_for(self.process.wait(), within)


StartWorker = Callable[..., Awaitable[Worker]]


@pytest.fixture
async def probe_rows() -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """The probes' table, empty, and the queue emptied of other tests' jobs."""
    conn = connections.get("default")
    if TEST_DB == "postgres":
        await conn.execute_script(probe.TABLE)
        await conn.execute_script("TRUNCATE job_probe")
    else:
        await conn.execute_script(
            probe.TABLE.replace("BIGSERIAL", "INTEGER").replace(
                "TIMESTAMPTZ NOT NULL DEFAULT now()", "TEXT DEFAULT CURRENT_TIMESTAMP"
            )
        )
        await conn.execute_script("DELETE FROM job_probe")

    async def rows(kind: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT kind, n, pid, attempt FROM job_probe"
        if kind is not None:
            where = f" WHERE kind = {probe.placeholders(1)} ORDER BY id"
            return await conn.execute_query_dict(sql + where, [kind])
        return await conn.execute_query_dict(sql + " ORDER BY id")

    return rows


@pytest.fixture
async def start_worker(database_url: str, tmp_path: Path) -> AsyncIterator[StartWorker]:
    started: list[Worker] = []

    async def start(name: str, database: str | None = None, **env: str) -> Worker:
        log = tmp_path / f"worker-{name}.log"
        environ = {**os.environ, **WORKER_ENV, "DATABASE_URL": database or database_url, **env}
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "cli",
                "worker",
                "--name",
                name,
                env=environ,
                cwd=ROOT,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        worker = Worker(name, process, log)
        started.append(worker)
        for _ in range(STARTUP_SECONDS * 10):
            if "Starting worker" in worker.output():
                return worker
            if process.returncode is not None:
                break
            await asyncio.sleep(0.1)
        pytest.fail(f"linehub worker {name} did not start:\n{worker.output()}")

    yield start
    for worker in started:
        if worker.process.returncode is None:
            worker.process.kill()
            await worker.process.wait()


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[JobQueue]:
    """The test's own handle on the queue (probes loaded), as the server would defer."""
    import dataclasses

    jobs = dataclasses.replace(settings.jobs, modules=("tests.jobs.probe",))
    handle = JobQueue(dataclasses.replace(settings, jobs=jobs))
    yield handle
    await handle.close()


async def until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            pytest.fail(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.2)
