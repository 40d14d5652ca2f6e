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
import os
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from bench.core import Table, print_table, scenario, table_from_child
from bench.dashboard import PostgresCpu, free_port
from bench.env import BenchEnv
from bench.plans import _create_database, _drop_database
from bench.topups.load import (
    BY_CARD,
    CARDS,
    CLIENTS,
    LINES,
    ON_PAGE,
    ONE_CARD,
    RETURN_URL,
    SECRET_KEY,
    WARM_UP,
    WORKERS,
    Credits,
    Hub,
    Payer,
    Run,
    drive,
    luhn,
    measured,
    running_hub,
)

if TYPE_CHECKING:
    from devacquirer import RunningAcquirer


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
