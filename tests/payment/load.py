"""The load of the 1 000-top-up test (tests/payment/test_concurrent_top_ups.py): what
each top-up does, the GraphQL client that retries as an app would, the payers on the
acquirer's page, and the forged notifications posted meanwhile."""

from __future__ import annotations

import asyncio
import collections
import logging
import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from devacquirer import CARD_SUCCESS, RunningAcquirer
from models import Payment
from tests.payment.conftest import (
    ANNA,
    FUTURE,
    MASHA,
    MODEM,
    PETYA,
    RETURN_URL,
    TOP_UP,
)

TOP_UPS = 1000
# Anna holds all six: her mobile contract's five lines and the home router
LINES = (ANNA, MASHA, PETYA, "9031234570", MODEM, "0891234567")
CARDS = 25  # bound cards of Anna's, taken in turn
# GraphQL requests on the wire at once (all 1 000 top-ups are started together). The
# hub serialises credits on six line rows: at 100 some requests queued past the hub's
# 10 s budget (TIMEOUT, sent again) and the run took a third longer than at 64
HUB_CONNECTIONS = 64
BROWSER_CONNECTIONS = 64  # payers on the acquirer's page at once
# answers that say "ask again with the same key": the client does, as an app would
TRY_AGAIN = {"NOT_AVAILABLE", "TIMEOUT"}
ATTEMPTS = 5
# a slow answer is waited for (the hub's own budget is 10 s a request); idle keep-alive
# connections are let go before uvicorn's 5 s would close one as it is reused
TIMEOUT = httpx.Timeout(60, pool=None)


def limits(connections: int) -> httpx.Limits:
    return httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=2
    )


SECRET_KEY = "concurrent-top-ups-secret-" + "x" * 32


def hub_env(database_url: str, port: int, acquirer: RunningAcquirer) -> dict[str, str]:
    shop_id, secret = acquirer.auth
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUBLIC_URL", "JOB_"))}
    env.update(
        DATABASE_URL=database_url,
        ENV="test",
        SECRET_KEY=SECRET_KEY,
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        LOG_FORMAT="text",
        LOG_LEVEL="INFO",  # start_hub waits for each worker's "startup complete"
        ARGON2_MEMORY_KIB="1024",
        ARGON2_TIME_COST="1",
        PAYMENTS_BACKEND="dev",
        PAYMENTS_API_URL=acquirer.api_url,
        PAYMENTS_SHOP_ID=shop_id,
        PAYMENTS_SECRET_KEY=secret,
        PAYMENT_RETURN_URIS=RETURN_URL,
    )
    return env


@dataclass(frozen=True)
class Plan:
    """One top-up and how its client sends it."""

    n: int
    msisdn: str
    kopecks: int
    card: str | None  # a bound card's global id; None pays on the acquirer's page
    together: bool  # the first send is two requests at the same instant

    @property
    def key(self) -> str:
        return f"load-{self.n}"

    @property
    def amount(self) -> str:
        return f"{Decimal(self.kopecks) / 100:.2f}"


def plans(cards: list[str]) -> list[Plan]:
    found = []
    for n in range(TOP_UPS):
        kopecks = 10_00 + (n * 7_919) % 990_01  # 10.00 .. 1 000.00, odd kopecks included
        card = cards[(n // 2) % len(cards)] if n % 2 == 0 else None
        found.append(Plan(n, LINES[n % len(LINES)], kopecks, card, together=n % 3 == 0))
    return found


@dataclass
class Tally:
    requests: int = 0
    retried_for: collections.Counter[str] = field(default_factory=collections.Counter)
    posted: collections.Counter[int] = field(default_factory=collections.Counter)


class FailedDeliveries(logging.Handler):
    """The acquirer's notifier logs every delivery the webhook did not take."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class Client:
    """Anna's app: GraphQL over HTTP to the hub, sending again on "try again"."""

    def __init__(self, http: httpx.AsyncClient, tally: Tally) -> None:
        self.http, self.tally, self.token = http, tally, ""
        # every request is started at once; this many are on the wire (more would queue
        # in httpx's pool, whose bookkeeping grows with the queue: the test's own CPU)
        self.slots = asyncio.Semaphore(HUB_CONNECTIONS)

    async def gql(
        self, query: str, variables: dict[str, Any], *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for _ in range(ATTEMPTS):
            self.tally.requests += 1
            try:
                async with self.slots:
                    answer = await self.http.post(
                        "/graphql", json={"query": query, "variables": variables}, headers=headers
                    )
                break
            except httpx.TransportError as exc:
                # the answer was lost (a keep-alive connection closed as it was reused):
                # what idempotency keys are for, the same request again
                self.tally.retried_for[type(exc).__name__] += 1
        else:
            raise AssertionError(f"no answer after {ATTEMPTS} attempts")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def top_up(self, plan: Plan) -> dict[str, Any]:
        variables = {"m": plan.msisdn, "a": plan.amount, "k": plan.key, "c": plan.card}
        variables["r"] = None if plan.card else RETURN_URL
        for _ in range(ATTEMPTS):
            body = await self.gql(TOP_UP, variables, token=self.token)
            code = _try_again(body)
            if code is None:
                payload: dict[str, Any] = body["data"]["topUp"]
                assert payload["errors"] == [], (plan, payload)
                return payload
            self.tally.retried_for[code] += 1
            await asyncio.sleep(0.5)
        raise AssertionError(f"{plan}: still {code} after {ATTEMPTS} attempts")


def _try_again(body: dict[str, Any]) -> str | None:
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code in TRY_AGAIN:
            return str(code)
    payload = (body.get("data") or {}).get("topUp") or {}
    for error in payload.get("errors") or []:
        if error["code"] in TRY_AGAIN:
            return str(error["code"])
    assert "errors" not in body, body
    return None


class Browsers:
    """The payers' browsers on the acquirer's page."""

    def __init__(self, http: httpx.AsyncClient, tally: Tally) -> None:
        self.http, self.tally = http, tally
        self.slots = asyncio.Semaphore(BROWSER_CONNECTIONS)

    async def pay(self, url: str) -> httpx.Response:
        """Open the page and send the success card; a lost answer is sent again (the page
        of a decided payment only sends the browser back)."""
        form = {"card_number": CARD_SUCCESS, "expiry": FUTURE, "cvc": "123"}
        for _ in range(ATTEMPTS):
            try:
                async with self.slots:
                    page = await self.http.get(url)
                    assert page.status_code == 200, page.text
                    return await self.http.post(url, data=form)
            except httpx.TransportError as exc:
                self.tally.retried_for[f"page {type(exc).__name__}"] += 1
        raise AssertionError(f"{url}: no answer after {ATTEMPTS} attempts")


async def run_one(client: Client, browsers: Browsers, plan: Plan) -> str:
    """Send the top-up (twice at once for some), pay it on the page when it asks, send it
    again afterwards; the payment's id, the same in every answer."""
    first = await asyncio.gather(*(client.top_up(plan) for _ in range(2 if plan.together else 1)))
    payment_id = first[0]["payment"]["id"]
    assert {a["payment"]["id"] for a in first} == {payment_id}
    if plan.card is not None:
        assert {a["payment"]["status"] for a in first} == {"SUCCEEDED"}, first
        again = await client.top_up(plan)
        assert again["payment"]["status"] == "SUCCEEDED"
    else:
        url = first[0]["confirmationUrl"]
        assert {a["confirmationUrl"] for a in first} == {url}
        assert {a["payment"]["status"] for a in first} == {"REQUIRES_ACTION"}, first
        if plan.n % 4 == 1:
            # asked again while the payer is on the page: the same page, or decided
            paid, again = await asyncio.gather(browsers.pay(url), client.top_up(plan))
        else:
            paid = await browsers.pay(url)
            again = await client.top_up(plan)
        assert (paid.status_code, paid.headers.get("location")) == (303, RETURN_URL)
        assert again["payment"]["status"] in {"REQUIRES_ACTION", "SUCCEEDED"}
    assert again["payment"]["id"] == payment_id
    return str(payment_id)


def notification(acquirer_id: str) -> dict[str, Any]:
    """What a forger sends: "it succeeded", about any payment it names."""
    return {
        "type": "notification",
        "event": "payment.succeeded",
        "object": {"id": acquirer_id, "status": "succeeded", "paid": True},
    }


DECOY = "load--1"  # the key of Plan(-1): a top-up nobody pays
INVENTED = "2d1b7c33-000f-5000-9000-1ed1b1e1b1e1"


async def replay_and_forge(
    hub: httpx.AsyncClient, decoy: str, tally: Tally, done: asyncio.Event
) -> None:
    """Until the load is over: replay "succeeded" for the payments the acquirer took
    last (decided or still on the page), claim that the decoy nobody paid succeeded, and
    name a payment nobody ever made. The hub must answer 200 to each and believe none."""

    async def post(body: dict[str, Any]) -> int:
        for _ in range(ATTEMPTS):
            try:
                return (await hub.post("/payments/webhook", json=body)).status_code
            except httpx.TransportError as exc:
                tally.retried_for[f"webhook {type(exc).__name__}"] += 1
        raise AssertionError(f"the webhook did not answer {body} after {ATTEMPTS} attempts")

    while not done.is_set():
        latest = (
            await Payment.filter(acquirer_id__isnull=False, idempotency_key__startswith="load-")
            .order_by("-id")
            .limit(4)
            .values_list("acquirer_id", flat=True)
        )
        bodies = [notification(str(a)) for a in (*latest, decoy, INVENTED)]
        tally.posted.update(await asyncio.gather(*(post(body) for body in bodies)))
        await asyncio.sleep(0.5)
