"""Test fixtures: a real throwaway database (SQLite or PostgreSQL), real HTTP via httpx.

`LINEHUB_TEST_DB=sqlite|postgres` picks the database (`make test` runs both). PostgreSQL
gets a fresh database per run, dropped afterwards; if the server cannot be reached the
run fails, unless LINEHUB_SKIP_PG=1 was set by hand.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise import Tortoise

from app import create_app
from cli.db import apply_migrations, wipe_all
from config import Argon2Params, JobSettings, Settings
from models import tortoise_config
from tests.demo_snapshot import demo_for_test
from tests.helpers import service_unreachable
from tests.smtp import smtp_server  # noqa: F401 - a real SMTP server, for any test

TEST_DB = os.environ.get("LINEHUB_TEST_DB", "sqlite")
PG_DSN = os.environ.get("LINEHUB_TEST_PG_DSN", "postgres://postgres@127.0.0.1:5432/test")
CLIENT_IP = "203.0.113.10"

GQL = Callable[..., Awaitable[dict[str, Any]]]


def pytest_report_header(config: pytest.Config) -> str:
    return f"linehub test database: {TEST_DB}"


async def _create_pg_database() -> str:
    name = f"linehub_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        conn = await asyncpg.connect(PG_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        service_unreachable("PostgreSQL", PG_DSN, "LINEHUB_SKIP_PG", exc)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_DSN.rsplit("/", 1)[0] + "/" + name


async def _drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(PG_DSN, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if TEST_DB == "postgres":
        url = await _create_pg_database()
        try:
            yield url
        finally:
            await _drop_pg_database(url)
    else:
        yield f"sqlite://{tmp_path_factory.mktemp('db') / 'linehub.sqlite3'}"


@pytest.fixture(scope="session", autouse=True)
async def _database(database_url: str) -> AsyncIterator[None]:
    """Migrate once (the real migrations, not generate_schemas), connect for the session."""
    await apply_migrations(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    try:
        yield
    finally:
        await Tortoise.close_connections()


@pytest.fixture(autouse=True)
async def _clean_tables() -> None:
    await wipe_all()


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        sms_backend="file",
        sms_outbox=str(tmp_path / "sms.jsonl"),
        email_backend="file",
        email_outbox=str(tmp_path / "email.jsonl"),
        network_api_key="test-network-key",
        # cheap hashing keeps the suite fast; production parameters are measured in bench/
        argon2=Argon2Params(time_cost=1, memory_cost=1024, parallelism=1),
        # jobs run by a test write their files here, and are picked up without delay
        jobs=JobSettings(files_dir=str(tmp_path / "files"), poll_seconds=0.2),
    )


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings, manage_database=False)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(CLIENT_IP, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def make_gql() -> AsyncIterator[Callable[..., GQL]]:
    """A `gql` for an app with other settings or another client address."""
    opened: list[httpx.AsyncClient] = []

    def make(settings: Settings, client_ip: str = CLIENT_IP) -> GQL:
        app = create_app(settings, manage_database=False)
        transport = httpx.ASGITransport(app=app, client=(client_ip, 40000))
        opened.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        return gql_over(opened[-1], app)

    yield make
    for c in opened:
        await c.aclose()


@pytest.fixture
def gql(client: httpx.AsyncClient, app: Any) -> GQL:
    """POST a GraphQL document; returns the JSON body (status checked by HTTP tests)."""
    return gql_over(client, app)


async def settled(app: Any) -> None:
    """Wait for the work a request left running after its answer (an SMS being issued)."""
    await app.state.services.deferred.settle()


def gql_over(client: httpx.AsyncClient, app: Any) -> GQL:
    async def run(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        # what the request started after answering is done before the test reads outboxes
        await settled(app)
        return response.json()

    return run


@pytest.fixture
async def demo(settings: Settings) -> dict[str, Any]:
    """The demo family (loaded for real once a session, then copied: tests/demo_snapshot.py)."""
    return await demo_for_test(settings)


@pytest.fixture
async def running_jobs(app: Any) -> AsyncIterator[None]:
    """The app's own job runner while a test runs: in-process on SQLite, a worker in this
    process on PostgreSQL (the worker processes are tested in tests/jobs/test_workers.py)."""
    services = app.state.services
    runner = (
        services.jobs.run_in_process(services)
        if services.jobs.in_process
        else services.jobs.work(services, name="test", signals=False)
    )
    task = asyncio.create_task(runner)
    yield
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
