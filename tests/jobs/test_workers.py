"""Real `linehub worker` processes sharing one PostgreSQL queue: every job once, every
tick once, a killed worker's job retried, a stopped worker's job finished or released,
failures kept with their errors, and a database outage ridden out."""

from __future__ import annotations

import asyncio
import collections
import itertools
import signal
from typing import Any

from jobs.engine import JobQueue
from jobs.schedule import SCHEDULE
from tests.helpers import linehub
from tests.jobs import probe
from tests.jobs.conftest import StartWorker, postgres_only, until
from tests.jobs.proxy import Proxy

pytestmark = postgres_only


async def queue_status(queue: JobQueue, job_id: int) -> str:
    found = list(await queue.app.job_manager.list_jobs_async(id=job_id))
    return str(found[0].status)


async def succeeds(queue: JobQueue, job_id: int) -> None:
    """The queue records a job's success just after the job's own last write."""

    async def succeeded() -> bool:
        return await queue_status(queue, job_id) == "succeeded"

    await until(succeeded, 10, f"job {job_id} to be recorded as succeeded")


async def test_a_thousand_jobs_run_once_each_and_every_tick_once_across_two_workers(
    start_worker: StartWorker, queue: JobQueue, probe_rows: Any
) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    one, two = await start_worker("one"), await start_worker("two")
    for n in range(1000):
        await queue.defer("probe.record", n=n)

    async def all_ran() -> bool:
        return len(await probe_rows("record")) >= 1000

    await until(all_ran, 120, "1 000 jobs")
    # the schedule keeps ticking every 2 s: watch it for a minute with both workers up
    await asyncio.sleep(max(0.0, 62 - (loop.time() - began)))
    records = await probe_rows("record")
    assert sorted(row["n"] for row in records) == list(range(1000))
    by_worker = collections.Counter(row["pid"] for row in records)
    assert set(by_worker) == {one.process.pid, two.process.pid}, by_worker

    ticks = [row["n"] for row in await probe_rows("tick")]
    assert len(ticks) == len(set(ticks)), "a tick ran twice"
    assert len(ticks) >= 28, ticks  # one every 2 s over a minute
    ordered = sorted(ticks)
    steps = {later - earlier for earlier, later in itertools.pairwise(ordered)}
    assert steps == {2}, f"ticks were skipped: {sorted(ticks)}"
    assert {row["pid"] for row in await probe_rows("tick")} <= {one.process.pid, two.process.pid}


async def test_a_worker_killed_mid_job_leaves_it_to_be_retried(
    start_worker: StartWorker, queue: JobQueue, probe_rows: Any
) -> None:
    doomed = await start_worker("doomed")
    job_id = await queue.defer("probe.slow", n=1, seconds=60)

    async def started() -> bool:
        return bool(await probe_rows("started"))

    await until(started, 30, "the slow job to start")
    doomed.signal(signal.SIGKILL)
    await doomed.stopped()
    assert await queue_status(queue, job_id) == "doing"  # nobody released it

    survivor = await start_worker("survivor")

    async def finished() -> bool:
        return bool(await probe_rows("finished"))

    # stalled after 3 s without a heartbeat; the schedule requeues stalled jobs every 15 s
    await until(finished, 45, "the killed worker's job to be retried")
    done = await probe_rows("finished")
    assert [(row["n"], row["attempt"], row["pid"]) for row in done] == [
        (1, 2, survivor.process.pid)
    ]
    await succeeds(queue, job_id)


async def test_sigterm_lets_the_running_job_finish(
    start_worker: StartWorker, queue: JobQueue, probe_rows: Any
) -> None:
    worker = await start_worker("graceful")
    job_id = await queue.defer("probe.slow", n=2, seconds=2)

    async def started() -> bool:
        return bool(await probe_rows("started"))

    await until(started, 30, "the job to start")
    worker.signal(signal.SIGTERM)
    assert await worker.stopped() == 0
    assert [row["n"] for row in await probe_rows("finished")] == [2]
    assert await queue_status(queue, job_id) == "succeeded"


async def test_sigterm_releases_a_job_that_outlasts_the_stop_timeout(
    start_worker: StartWorker, queue: JobQueue, probe_rows: Any
) -> None:
    worker = await start_worker("impatient", WORKER_STOP_SECONDS="1")
    job_id = await queue.defer("probe.slow", n=3, seconds=60)

    async def started() -> bool:
        return bool(await probe_rows("started"))

    await until(started, 30, "the job to start")
    worker.signal(signal.SIGTERM)
    assert await worker.stopped(within=15) == 0
    assert not await probe_rows("finished")
    assert await queue_status(queue, job_id) == "todo"  # released to be retried, not lost

    await start_worker("next")

    async def finished() -> bool:
        return bool(await probe_rows("finished"))

    await until(finished, 30, "the released job to finish elsewhere")
    await succeeds(queue, job_id)


async def test_a_job_out_of_retries_is_kept_failed_with_its_error_and_retried_by_hand(
    database_url: str, start_worker: StartWorker, queue: JobQueue, probe_rows: Any
) -> None:
    await start_worker("w")
    job_id = await queue.defer("probe.flaky", n=7)

    async def failed() -> bool:
        return await queue_status(queue, job_id) == "failed"

    await until(failed, 30, "the flaky job to fail for good")
    assert [row["attempt"] for row in await probe_rows("flaky")] == [1, 2]  # its policy: 2

    code, listed = await linehub(database_url, "jobs", "--failed")
    assert code == 0, listed
    assert f"{job_id:>8}  failed" in listed
    assert "RuntimeError: probe 7 fails on purpose (try 2)" in listed
    code, everything = await linehub(database_url, "jobs")
    assert "probe.flaky" in everything

    code, said = await linehub(database_url, "jobs", "retry", str(job_id))
    assert (code, said.strip()) == (0, f"linehub jobs: job {job_id} is queued again")

    async def tried_again() -> bool:
        return len(await probe_rows("flaky")) == 3

    await until(tried_again, 30, "the retried job to run")
    await until(failed, 30, "the retried job to fail again")

    code, said = await linehub(database_url, "jobs", "retry", "999999")
    assert (code, said.strip()) == (1, "linehub jobs: no job 999999")
    ok_id = await queue.defer("probe.record", n=1)

    async def succeeded() -> bool:
        return await queue_status(queue, ok_id) == "succeeded"

    await until(succeeded, 30, "a good job")
    code, said = await linehub(database_url, "jobs", "retry", str(ok_id))
    assert code == 1
    assert "succeeded, not failed" in said


async def test_a_worker_rides_out_the_database_going_away(
    database_url: str, start_worker: StartWorker, queue: JobQueue, probe_rows: Any
) -> None:
    host_port = database_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    proxy = Proxy(host, int(port))
    await proxy.start()
    through_proxy = database_url.replace(host_port, f"127.0.0.1:{proxy.port}")
    worker = await start_worker("resilient", database=through_proxy)
    await queue.defer("probe.record", n=1)

    async def ran(count: int) -> Any:
        async def check() -> bool:
            return len(await probe_rows("record")) >= count

        return check

    await until(await ran(1), 30, "the first job")
    await proxy.cut()
    await queue.defer("probe.record", n=2)  # queued while the worker cannot see it
    await asyncio.sleep(3)
    assert worker.process.returncode is None, worker.output()
    await proxy.start(proxy.port)
    try:
        await until(await ran(2), 60, "the job queued during the outage")
        assert worker.process.returncode is None
        assert "job worker stopped on its own (database unreachable?)" in worker.output()
    finally:
        await proxy.cut()


async def test_the_schedule_is_listed_from_its_table(database_url: str) -> None:
    code, listed = await linehub(database_url, "jobs", "schedule", JOB_MODULES="tests.jobs.probe")
    assert code == 0
    lines = listed.strip().splitlines()
    assert [line.split()[0] for line in lines] == [*(e.job for e in SCHEDULE), "probe.tick"]
    for entry, line in zip(SCHEDULE, lines, strict=False):
        assert entry.cron in line
        assert line.endswith(entry.what)
    assert probe.TICK_CRON in lines[-1]
