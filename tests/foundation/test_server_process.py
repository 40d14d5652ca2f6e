"""End to end: a real `linehub serve` process, queried over real HTTP, stopped gracefully."""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def server(database_url: str, demo) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ENV": "test", "LOG_FORMAT": "json"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        "serve",
        "--port",
        str(port),
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(100):
            try:
                if (await client.get("/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        else:
            process.kill()
            raise AssertionError((await process.stdout.read()).decode())
    yield base, process
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_a_real_server_answers_health_readiness_and_graphql(server) -> None:
    base, process = server
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
    output = (await asyncio.wait_for(process.stdout.read(), timeout=30)).decode()
    # uvicorn drains, runs the lifespan shutdown, then re-raises the signal it caught
    assert await asyncio.wait_for(process.wait(), timeout=30) in (0, -signal.SIGTERM)
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
