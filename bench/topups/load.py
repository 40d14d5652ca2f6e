"""The top-ups bench's parts: the hub as deployed, the payers, the credits awaited."""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import httpx

from bench.dashboard import PostgresCpu, children, cpu_seconds, is_worker, spent

if TYPE_CHECKING:
    pass

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
CLIENTS = int(os.environ.get("LINEHUB_BENCH_CLIENTS", 64))
BY_CARD = int(os.environ.get("LINEHUB_BENCH_TOPUPS", 2_000))
ONE_CARD = max(BY_CARD // 4, 100)
ON_PAGE = max(BY_CARD // 4, 100)
WARM_UP = 64
CARDS = 16
LINES = ("9031234567", "9031234568", "9031234569", "9031234570", "9031234571", "0891234567")
ANNA = LINES[0]
RETURN_URL = "https://app.linehub.test/paid"
PAGE_CARD = "5555555555554477"  # devacquirer.CARD_SUCCESS: pays at once
SECRET_KEY = "topups-bench-secret-" + "x" * 32
TRY_AGAIN = frozenset({"NOT_AVAILABLE", "TIMEOUT"})
ATTEMPTS = 5
CREDITED_WITHIN = 60.0  # seconds from a payer's card to the line credited, at most

LOGIN = """mutation($l: String!, $p: String!) { login(input: {login: $l, password: $p}) {
  accessToken errors { code } } }"""
TOP_UP = """
mutation T($m: String!, $a: Decimal!, $k: String!, $c: ID, $r: String) {
  topUp(input: {msisdn: $m, amount: $a, idempotencyKey: $k, cardId: $c, returnUrl: $r}) {
    payment { id status } confirmationUrl errors { code message } } }
"""


def luhn(digits: str) -> str:
    """`digits` with their Luhn check digit: a card number the acquirer takes (any
    number but devacquirer's few special ones pays at once)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str(-total % 10)


def rank(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, as bench.core.p95: a value that really occurred."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


@dataclass
class Hub:
    """`linehub serve --workers 2` on a free port, its output in a temporary file."""

    process: asyncio.subprocess.Process
    port: int
    log: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def workers(self) -> list[int]:
        return [pid for pid in children(self.process.pid) if is_worker(pid)]

    def cpu(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self.pids()}

    def output(self, last: int = 3000) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-last:]


@asynccontextmanager
async def running_hub(env: dict[str, str], port: int) -> AsyncIterator[Hub]:
    env = {**env, "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with tempfile.TemporaryFile() as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        hub = Hub(process, port, log)
        try:
            await _wait_ready(hub)
            yield hub
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def _wait_ready(hub: Hub) -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if hub.process.returncode is not None:
                raise RuntimeError(f"linehub serve exited at start:\n{hub.output()}")
            try:
                ready = await client.get(hub.url + "/readyz")
                # every worker has started once each has logged its startup
                started = hub.output(last=1 << 20).count("Application startup complete")
                if ready.status_code == 200 and len(hub.workers()) == WORKERS <= started:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"linehub serve did not start within 60 s:\n{hub.output()}")


@dataclass
class Run:
    """One measured run: each top-up's latency, what was sent again, the CPU spent."""

    flow: str
    top_ups: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    again: int = 0
    hub_cpu: float = 0.0
    pg_cpu: float = 0.0

    def row(self) -> tuple[str | int | float, ...]:
        return (
            self.flow,
            self.top_ups,
            CLIENTS,
            self.top_ups / self.seconds,
            1000 * rank(self.latencies, 0.50),
            1000 * rank(self.latencies, 0.95),
            1000 * rank(self.latencies, 0.99),
            self.again,
            1000 * self.hub_cpu / self.top_ups,
            1000 * self.pg_cpu / self.top_ups,
        )


class Payer:
    """Anna's app against the hub, and her browser on the acquirer's page."""

    def __init__(self, hub: Hub) -> None:
        # idle connections let go before uvicorn's 5 s keep-alive closes one being reused
        limits = httpx.Limits(
            max_connections=CLIENTS, max_keepalive_connections=CLIENTS, keepalive_expiry=2
        )
        self.api = httpx.AsyncClient(base_url=hub.url, limits=limits, timeout=60)
        self.browser = httpx.AsyncClient(limits=limits, timeout=60)
        self.token = ""
        self.keys = (f"bench-{n}" for n in itertools.count())
        self.again = 0

    async def close(self) -> None:
        await self.api.aclose()
        await self.browser.aclose()

    async def login(self, password: str) -> None:
        answer = (await self.api.post("/graphql", json=_body(LOGIN, l=ANNA, p=password))).json()
        self.token = answer["data"]["login"]["accessToken"]

    async def top_up(self, msisdn: str, card: str | None) -> tuple[str, dict[str, Any]]:
        """A top-up under a new key, sent again under it for as long as the hub says to
        try again; the key and the payload."""
        key = next(self.keys)
        amount = f"{Decimal(10_000 + secrets.randbelow(90_000)) / 100:.2f}"
        variables = {"m": msisdn, "a": amount, "k": key, "c": card}
        variables["r"] = None if card else RETURN_URL
        headers = {"Authorization": f"Bearer {self.token}"}
        for _ in range(ATTEMPTS):
            try:
                answer = await self.api.post(
                    "/graphql", json=_body(TOP_UP, **variables), headers=headers
                )
            except httpx.TransportError:
                self.again += 1  # the answer was lost: what the key is for
                continue
            body = answer.json()
            codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
            payload = (body.get("data") or {}).get("topUp") or {}
            codes |= {e["code"] for e in payload.get("errors") or []}
            if codes & TRY_AGAIN:
                self.again += 1
                await asyncio.sleep(0.2)
                continue
            if codes or "errors" in body:
                raise RuntimeError(f"top-up {key} refused: {body}")
            return key, payload
        raise RuntimeError(f"top-up {key}: no answer after {ATTEMPTS} attempts")

    async def pay_on_page(self, url: str) -> None:
        form = {"card_number": PAGE_CARD, "expiry": f"12/{(date.today().year + 4) % 100}"}
        page = await self.browser.get(url)
        back = await self.browser.post(url, data={**form, "cvc": "123"})
        if page.status_code != 200 or back.status_code != 303:
            raise RuntimeError(f"the acquirer's page answered {page.status_code}, {back}")


def _body(query: str, **variables: Any) -> dict[str, Any]:
    return {"query": query, "variables": variables}


class Credits:
    """Which top-ups the hub has credited, read from the database every 20 ms: the
    moment a payment reads SUCCEEDED is when its notification was applied."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[float]] = {}

    async def credited(self, key: str) -> float:
        """When the top-up under `key` was seen credited (perf_counter)."""
        future = asyncio.get_running_loop().create_future()
        self.waiting[key] = future
        try:
            return await asyncio.wait_for(future, CREDITED_WITHIN)
        finally:
            self.waiting.pop(key, None)

    async def watch(self) -> None:
        from models import Payment
        from models.payment import PaymentStatus

        while True:
            keys = list(self.waiting)
            if keys:
                done = await Payment.filter(
                    idempotency_key__in=keys, status=PaymentStatus.SUCCEEDED
                ).values_list("idempotency_key", flat=True)
                now = time.perf_counter()
                for key in done:
                    future = self.waiting.get(str(key))
                    if future is not None and not future.done():
                        future.set_result(now)
            await asyncio.sleep(0.02)


async def drive(count: int, one: Callable[[int], Awaitable[float]]) -> tuple[float, list[float]]:
    """`count` calls of `one(n)` from CLIENTS clients, each taking the next number when
    its previous call is done; the wall time and each call's latency."""
    numbers = iter(range(count))
    latencies: list[float] = []

    async def client() -> None:
        for n in numbers:
            latencies.append(await one(n))

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(CLIENTS):
            group.create_task(client())
    return time.perf_counter() - start, latencies


async def measured(
    run: Run, hub: Hub, postgres: PostgresCpu, one: Callable[[int], Awaitable[float]]
) -> Run:
    cpu, pg = hub.cpu(), await postgres.read()
    run.seconds, run.latencies = await drive(run.top_ups, one)
    run.hub_cpu = sum(spent(cpu, hub.cpu()).values())
    run.pg_cpu = sum(spent(pg, await postgres.read()).values())
    return run
