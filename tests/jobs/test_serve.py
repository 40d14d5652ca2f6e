"""`linehub serve` as a real process: it runs the jobs itself on SQLite (so `make run`
alone does everything) and never on PostgreSQL, where that is `linehub worker`'s work."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobs.engine import JobQueue
from tests.conftest import TEST_DB
from tests.helpers import DEMO_PASSWORD
from tests.jobs.conftest import WORKER_ENV, StartWorker, until
from tests.jobs.test_exports import EXPORT, JOB, period
from tests.servers import free_port, start_hub, stop_hub


def hub_env(database_url: str, tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUBLIC_URL", "JOB_"))}
    env.update(WORKER_ENV)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="jobs-tests-secret-" + "x" * 32,
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        JOB_FILES_DIR=str(tmp_path / "hub-files"),
        **extra,
    )
    return env


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str = ""
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    return answer.json()["data"]


LOGIN = """mutation($l: String!, $p: String!) { login(input: {login: $l, password: $p}) {
  accessToken errors { code } } }"""


@pytest.mark.skipif(TEST_DB != "sqlite", reason="the in-process runner is SQLite's")
async def test_linehub_serve_on_sqlite_runs_the_jobs_itself(
    database_url: str, tmp_path: Path, demo
) -> None:
    port = free_port()
    hub = await start_hub(hub_env(database_url, tmp_path, port), port, tmp_path / "hub.log")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            token = (await post(client, LOGIN, {"l": "9031234567", "p": DEMO_PASSWORD}))["login"][
                "accessToken"
            ]
            asked = await post(client, EXPORT, {"m": "9031234567", **period()}, token)
            job_id = asked["requestTransactionsExport"]["job"]["id"]
            seen: dict[str, Any] = {}

            async def done() -> bool:
                seen.update((await post(client, JOB, {"id": job_id}, token))["node"])
                return seen["status"] == "DONE"

            await until(done, 30, "the hub to run the export")
            download = await client.get(seen["downloadUrl"])
            assert download.status_code == 200
            assert download.content.startswith("\ufeff".encode())
    finally:
        await stop_hub(hub)


@pytest.mark.skipif(TEST_DB != "postgres", reason="workers share a PostgreSQL queue")
async def test_linehub_serve_on_postgresql_leaves_jobs_and_the_schedule_to_workers(
    database_url: str, tmp_path: Path, start_worker: StartWorker, queue: JobQueue, probe_rows: Any
) -> None:
    port = free_port()
    env = hub_env(database_url, tmp_path, port)
    hub = await start_hub(env, port, tmp_path / "hub.log")
    try:
        await queue.defer("probe.record", n=1)
        await asyncio.sleep(4)  # two ticks of the probes' schedule, a few polls
        assert await probe_rows() == []
        worker = await start_worker("after-the-hub")

        async def worked() -> bool:
            kinds = {row["kind"] for row in await probe_rows()}
            return {"record", "tick"} <= kinds

        await until(worked, 30, "the worker to take the job and the schedule")
        assert {row["pid"] for row in await probe_rows()} == {worker.process.pid}
    finally:
        await stop_hub(hub)
