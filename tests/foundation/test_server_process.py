"""End to end: a real `linehub serve` process, queried over real HTTP, stopped gracefully."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, start_hub, stop_hub

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def server(
    database_url: str, demo, tmp_path: Path
) -> AsyncIterator[tuple[str, asyncio.subprocess.Process, Path]]:
    port, log = free_port(), tmp_path / "server.log"
    env = {**os.environ, "DATABASE_URL": database_url, "ENV": "test", "LOG_FORMAT": "json"}
    process = await start_hub(env, port, log)
    yield f"http://127.0.0.1:{port}", process, log
    await stop_hub(process)


async def test_a_real_server_answers_health_readiness_and_graphql(server) -> None:
    base, process, log = server
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.json() == {"status": "ready", "database": "ok"}
        response = await client.post(
            "/graphql",
            json={"query": "{ tariffs(first: 5) { totalCount edges { node { name } } } }"},
            headers={"X-Request-ID": "e2e-check-1"},
        )
        assert response.headers["x-request-id"] == "e2e-check-1"
        page = response.json()["data"]["tariffs"]
        assert page["totalCount"] == 9
        assert len(page["edges"]) == 5
        deep = "{" + "viewer{user{" * 30 + "id" + "}}" * 30 + "}"
        refused = (await client.post("/graphql", json={"query": deep})).json()
        assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"

    process.send_signal(signal.SIGTERM)
    # uvicorn drains, runs the lifespan shutdown, then re-raises the signal it caught
    assert await asyncio.wait_for(process.wait(), timeout=30) in (0, -signal.SIGTERM)
    output = log.read_text()
    assert "Finished server process" in output
    assert "database connections closed" in output
    assert '"request_id": "e2e-check-1"' in output


async def test_production_without_a_secret_key_refuses_to_start(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "ENV": "production"}
    env.pop("SECRET_KEY", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        "serve",
        "--port",
        str(free_port()),
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert b"SECRET_KEY" in output


@pytest.mark.skipif(os.environ.get("LINEHUB_TEST_DB") != "postgres", reason="drops a database")
async def test_readyz_says_unavailable_when_the_database_is_gone(tmp_path: Path) -> None:
    import asyncpg

    from tests.conftest import PG_DSN

    name = f"linehub_ready_{os.getpid()}"
    admin = await asyncpg.connect(PG_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_DSN.rsplit("/", 1)[0] + "/" + name
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "ENV": "test"}
    process = await start_hub(env, port, tmp_path / "server.log")
    try:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json() == {"status": "unavailable", "database": "unreachable"}
            assert (await client.get("/healthz")).status_code == 200
    finally:
        await stop_hub(process)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_in_development_links_point_at_the_port_it_serves_on(
    database_url: str, demo, tmp_path: Path
) -> None:
    # issue 11: `make run` on another PORT announced the dev provider on :8000
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "PUBLIC_URL"}
    env |= {"DATABASE_URL": database_url, "ENV": "test", "SOCIAL_DEV_PROVIDER": "1"}
    process = await start_hub(env, port, tmp_path / "server.log")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            found = await client.get("/dev-provider/.well-known/openid-configuration")
            assert found.status_code == 200, found.text
            assert found.json()["issuer"] == f"http://127.0.0.1:{port}/dev-provider"
    finally:
        await stop_hub(process)
