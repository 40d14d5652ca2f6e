"""Top-ups per second through `linehub serve --workers 2` on PostgreSQL.

Runs in its own process (`python -m bench.topups`), as the jobs scenario does: a
throwaway database migrated with the real migrations and loaded with the demo, the
loopback acquirer (devacquirer) in a thread of this process with its notifications going
to the hub's `/payments/webhook` (once and at once, as YooKassa sends them), Anna's bound
cards saved at the acquirer and in linehub, and the hub as deployed: two uvicorn workers,
a log line per request. Then, each run from a warm hub:

- by bound card: top-ups by Anna's bound cards (taken in turn) across her six lines, from
  many clients at once; each one is decided by the acquirer during its own request;
- one bound card: the same with a single card for all of them;
- on the acquirer's page: end to end, `topUp` -> the payer's browser on the confirmation
  page -> the acquirer's notification -> the hub reads the payment back and credits the
  line; a top-up is complete when its payment reads SUCCEEDED in the database.

Every answer is checked, "try again" answers (NOT_AVAILABLE, TIMEOUT) are sent again
under the same key and counted, and the ledger is verified at the end.
LINEHUB_BENCH_TOPUPS (2 000 by bound card; a quarter of it for the other two runs) and
LINEHUB_BENCH_CLIENTS (64) change the sizes.
"""

from __future__ import annotations

import asyncio
import base64
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

from bench.core import Table, print_table, scenario, table_from_child
from bench.dashboard import PostgresCpu, children, cpu_seconds, free_port, is_worker, spent
from bench.env import BenchEnv
from bench.plans import _create_database, _drop_database

if TYPE_CHECKING:
    from devacquirer import RunningAcquirer

ROOT = Path(__file__).resolve().parents[1]
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


async def measure(url: str) -> Table:
    from tortoise import connections

    from cli.demo import load_demo
    from config import Argon2Params, Settings
    from devacquirer import AcquirerConfig, serve_acquirer
    from models import Card, Payment, User
    from models.card import CardFacts, save_card
    from models.ledger import verify
    from models.payment import PaymentStatus

    settings = Settings(
        env="test",
        database_url=url,
        argon2=Argon2Params(time_cost=1, memory_cost=1024, parallelism=1),
        sms_backend="console",
        email_backend="console",
    )
    await load_demo(settings)
    load_before = os.getloadavg()[0]  # other work on the machine skews every column
    port = free_port()
    config = AcquirerConfig(webhook_url=f"http://127.0.0.1:{port}/payments/webhook", seed=1)
    async with serve_acquirer(config) as acquirer:
        anna = await User.get(name="Анна Иванова")
        year = date.today().year + 4
        cards: list[str] = []
        for n in range(CARDS):
            number = luhn(f"555555000001{n:03d}")
            method = acquirer.save_method(number, "12", str(year))
            facts = CardFacts(method, number[:6], number[-4:], 12, year, "MASTERCARD")
            card: Card = await save_card(connections.get("default"), anna.id, facts)
            cards.append(base64.b64encode(f"Card:{card.id}".encode()).decode())
        shop_id, secret = acquirer.auth
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PUBLIC_URL", "JOB_"))},
            "DATABASE_URL": url,
            "ENV": "test",
            "SECRET_KEY": SECRET_KEY,
            "ARGON2_MEMORY_KIB": "1024",
            "ARGON2_TIME_COST": "1",
            "PAYMENTS_BACKEND": "dev",
            "PAYMENTS_API_URL": acquirer.api_url,
            "PAYMENTS_SHOP_ID": shop_id,
            "PAYMENTS_SECRET_KEY": secret,
            "PAYMENT_RETURN_URIS": RETURN_URL,
        }
        async with running_hub(env, port) as hub:
            table = await _runs(hub, acquirer, url, cards, settings.demo_password)
            await acquirer.notifications_settled(within=60)
        drifts = await verify()
        if drifts:
            raise RuntimeError(f"the ledger drifts after the bench: {drifts[:5]}")
        total = await Payment.filter(idempotency_key__startswith="bench-").count()
        succeeded = await Payment.filter(
            idempotency_key__startswith="bench-", status=PaymentStatus.SUCCEEDED
        ).count()
        if succeeded != total:
            raise RuntimeError(f"{total - succeeded} of {total} top-ups did not succeed")
    table.notes += [
        f"{total:,} top-ups in all (warm-ups included), every one SUCCEEDED and credited "
        "once; `ledger verify` clean afterwards",
        f"clients: {CLIENTS} at once, one top-up each at a time, across Anna's {len(LINES)} "
        f"lines; bound cards: {CARDS} taken in turn; amounts 100-1000 roubles",
        "latency: one top-up as its client saw it, queueing included; on the page, from "
        "topUp to the payment read SUCCEEDED (browser and notification included, polled "
        "every 20 ms)",
        "again: answers NOT_AVAILABLE / TIMEOUT (or lost), sent again under the same key",
        "hub CPU: supervisor + workers (/proc); PG CPU: the bench database's backends",
        "acquirer: devacquirer in a thread of the bench process (with the load generator)",
        f"machine load average before the run: {load_before:.2f} on {os.cpu_count()} CPUs",
    ]
    return table


async def _runs(
    hub: Hub, acquirer: RunningAcquirer, url: str, cards: list[str], password: str
) -> Table:
    payer = Payer(hub)
    credits = Credits()
    watcher = asyncio.create_task(credits.watch())
    postgres = PostgresCpu(url, url.rsplit("/", 1)[1])
    try:
        await payer.login(password)

        async def by_card(n: int, pick: Callable[[int], str]) -> float:
            start = time.perf_counter()
            _, payload = await payer.top_up(LINES[n % len(LINES)], pick(n))
            if payload["payment"]["status"] != "SUCCEEDED":
                raise RuntimeError(f"a bound card's top-up answered {payload}")
            return time.perf_counter() - start

        async def on_page(n: int) -> float:
            start = time.perf_counter()
            key, payload = await payer.top_up(LINES[n % len(LINES)], None)
            await payer.pay_on_page(payload["confirmationUrl"])
            return await credits.credited(key) - start

        def any_card(n: int) -> str:
            return cards[n % len(cards)]

        def first_card(n: int) -> str:
            return cards[0]

        await drive(WARM_UP, lambda n: by_card(n, any_card))
        await drive(WARM_UP, on_page)
        await acquirer.notifications_settled(within=60)
        runs = []
        for run, one in (
            (Run("by bound card", BY_CARD), lambda n: by_card(n, any_card)),
            (Run("one bound card", ONE_CARD), lambda n: by_card(n, first_card)),
            (Run("on the acquirer's page", ON_PAGE), on_page),
        ):
            again = payer.again
            runs.append(await measured(run, hub, postgres, one))
            run.again = payer.again - again
            await acquirer.notifications_settled(within=60)
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        await payer.close()
    table = Table(
        f"top-ups through linehub serve --workers {WORKERS}, PostgreSQL, loopback acquirer",
        [
            "how paid",
            "top-ups",
            "clients",
            "top-ups/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "again",
            "hub CPU ms/top-up",
            "PG CPU ms/top-up",
        ],
    )
    for run in runs:
        table.add(*run.row())
    return table


async def run_in_own_database() -> Table:
    from tortoise import Tortoise

    from cli.db import apply_migrations
    from models import tortoise_config

    url = await _create_database()
    try:
        await apply_migrations(url)
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        try:
            return await measure(url)
        finally:
            await Tortoise.close_connections()
    finally:
        await _drop_database(url)


@scenario("topups", "top-ups per second through linehub serve with two workers (PostgreSQL)")
async def topups(env: BenchEnv) -> Table:
    return await table_from_child("bench.topups")


def main(argv: list[str]) -> int:
    import logging

    logging.disable(logging.INFO)
    return print_table(asyncio.run(run_in_own_database()), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
