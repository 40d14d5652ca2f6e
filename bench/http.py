"""Throughput and latency of the public `tariffs(first: 20)` query over HTTP.

One client waiting for each answer shows the latency of the whole request path; several
concurrent clients show what one process (one event loop, one SQLite connection) serves.
Requests go through httpx's ASGI transport: no uvicorn, no sockets, so this is the app's
own cost, the floor under what a deployed server adds.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from bench.core import Stopwatch, Table, median, ms, p95, scenario

if TYPE_CHECKING:
    from bench.env import BenchEnv

REQUESTS = 400
WARM_UP = 20
CONCURRENCY = (1, 8)

TARIFFS = """
query Tariffs {
  tariffs(first: 20) {
    edges { cursor node { id code name kind unlimitedData monthlyFee { amount currency } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def _fetch(env: BenchEnv) -> None:
    result = await env.gql(TARIFFS)
    if "errors" in result:  # a fast error is not a fast query
        raise RuntimeError(f"tariffs query failed: {result['errors']}")


async def _run(env: BenchEnv, concurrency: int, requests: int) -> tuple[float, Stopwatch]:
    watch = Stopwatch()
    queue = iter(range(requests))

    async def client() -> None:
        # each client takes the next request number until none are left
        for _ in queue:
            await watch.time(lambda: _fetch(env))

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(client())
    return time.perf_counter() - start, watch


@scenario("tariffs-http", "requests/second and latency of tariffs(first: 20) over HTTP")
async def tariffs_http(env: BenchEnv) -> Table:
    for _ in range(WARM_UP):  # schema caches, statement caches, first-connection work
        await _fetch(env)
    table = Table(
        "tariffs(first: 20) over HTTP (ASGI transport, SQLite, demo catalogue)",
        ["clients", "requests", "requests/s", "median ms", "p95 ms"],
    )
    for concurrency in CONCURRENCY:
        elapsed, watch = await _run(env, concurrency, REQUESTS)
        table.add(
            concurrency,
            REQUESTS,
            REQUESTS / elapsed,
            ms(median(watch.samples)),
            ms(p95(watch.samples)),
        )
    table.notes.append("latency is per request as its client saw it, queueing included")
    return table
