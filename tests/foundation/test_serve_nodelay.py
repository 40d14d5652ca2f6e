"""TCP_NODELAY on every connection `linehub serve` accepts, however many workers it runs.

With `--workers N` uvicorn binds the shared socket itself and asyncio then leaves Nagle's
algorithm on: each keep-alive answer written in two parts waited ~40 ms for the client's
delayed ACK, so one request at a time took 56 ms with two workers against 12 ms with one.
"""

import asyncio
import os
import socket
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from cli.serve import set_nodelay
from tests.helpers import DEMO_PASSWORD, LOGIN
from tests.servers import free_port, start_hub, stop_hub

DASHBOARD = """
{ viewer { lines(first: 20) { edges { node {
    id msisdn status balance { amount } tariff { name } remains { kind left }
    services { service { name } } } } } } }
"""
WARM_UP, SAMPLES = 5, 30
# a delayed-ACK stall is 40 ms at least (Linux) and hits every request; the margin leaves
# room for a loaded machine, where both servers slow down alike (their requests alternate)
MARGIN_MS = 25


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


class _Keep(asyncio.Protocol):
    def __init__(self, accepted: asyncio.Queue[asyncio.BaseTransport]) -> None:
        self.accepted = accepted

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.accepted.put_nowait(transport)


async def test_set_nodelay_turns_nagle_off_on_a_connection_from_a_socket_bound_like_uvicorn() -> (
    None
):
    loop = asyncio.get_running_loop()
    accepted: asyncio.Queue[asyncio.BaseTransport] = asyncio.Queue()
    listener = socket.socket(socket.AF_INET)  # what uvicorn's Config.bind_socket does: proto 0
    listener.bind(("127.0.0.1", 0))
    server = await loop.create_server(lambda: _Keep(accepted), sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname())
    try:
        transport = await asyncio.wait_for(accepted.get(), timeout=5)
        set_nodelay(transport)
        assert _nodelay(transport.get_extra_info("socket")) == 1
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


async def test_set_nodelay_leaves_a_unix_socket_alone(tmp_path: Path) -> None:
    loop = asyncio.get_running_loop()
    accepted: asyncio.Queue[asyncio.BaseTransport] = asyncio.Queue()
    path = str(tmp_path / "hub.sock")
    server = await loop.create_unix_server(lambda: _Keep(accepted), path=path)
    _, writer = await asyncio.open_unix_connection(path)
    try:
        set_nodelay(await asyncio.wait_for(accepted.get(), timeout=5))  # no error
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


@pytest.fixture
async def hubs(database_url: str, demo, tmp_path: Path) -> AsyncIterator[dict[int, str]]:
    """`linehub serve` with one worker and with two, side by side on the demo database."""
    env = {**os.environ, "DATABASE_URL": database_url, "ENV": "test", "LOG_FORMAT": "json"}
    ports = {workers: free_port() for workers in (1, 2)}
    started = await asyncio.gather(
        *(
            start_hub(env, port, tmp_path / f"hub-{workers}.log", workers=workers)
            for workers, port in ports.items()
        ),
        return_exceptions=True,
    )
    try:
        for outcome in started:
            if isinstance(outcome, BaseException):
                raise outcome
        yield {workers: f"http://127.0.0.1:{port}" for workers, port in ports.items()}
    finally:
        for outcome in started:
            if isinstance(outcome, asyncio.subprocess.Process):
                await stop_hub(outcome)


async def _signed_in(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=10)
    variables = {"login": "9031234567", "password": DEMO_PASSWORD}
    login = (await client.post("/graphql", json={"query": LOGIN, "variables": variables})).json()
    payload = login["data"]["login"]
    assert payload["errors"] == [], payload
    client.headers["Authorization"] = f"Bearer {payload['accessToken']}"
    return client


async def _dashboard_ms(client: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": DASHBOARD})
    elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["viewer"]["lines"]["edges"], body
    return elapsed


async def test_two_workers_answer_one_request_at_a_time_as_fast_as_one(
    hubs: dict[int, str],
) -> None:
    clients = {workers: await _signed_in(base) for workers, base in hubs.items()}
    try:
        timings: dict[int, list[float]] = {1: [], 2: []}
        # one persistent connection per server, requests alternating between the two so
        # that whatever else loads the machine weighs on both medians alike
        for round_ in range(WARM_UP + SAMPLES):
            for workers, client in clients.items():
                elapsed = await _dashboard_ms(client)
                if round_ >= WARM_UP:
                    timings[workers].append(elapsed)
    finally:
        for client in clients.values():
            await client.aclose()

    one, two = (statistics.median(timings[workers]) for workers in (1, 2))
    assert two < one + MARGIN_MS, (
        f"one request at a time: median {two:.1f} ms with 2 workers, {one:.1f} ms with 1 "
        "(a ~40 ms gap is the client's delayed ACK: TCP_NODELAY is off)"
    )
