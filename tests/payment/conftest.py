"""Payments against the loopback acquirer over real HTTP: linehub's YooKassa client
talks to a running devacquirer, whose notifications land in a recording webhook; a test
hands them to linehub's `/payments/webhook` exactly as they came (the app under test
runs in-process, so the acquirer cannot reach it directly)."""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from tortoise import connections

from cli.demo_money import DEMO_CARD, DEMO_METHOD_ID, card_expiry
from config import PaymentSettings, Settings
from devacquirer import CARD_SUCCESS, AcquirerConfig, RunningAcquirer, run_acquirer
from devprovider.loopback import run_asgi
from models import Card, User
from models.card import CardFacts
from models.card import save_card as keep_card
from tests.devacquirer.flows import Receiver

RETURN_URL = "https://app.linehub.test/paid"
FUTURE = f"12/{(date.today().year + 4) % 100:02d}"
ANNA, MASHA, PETYA, MODEM = "9031234567", "9031234568", "9031234569", "9031234571"
GALINA, BORIS = "9162223344", "9161112233"


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    with run_asgi(lambda _: found.app(), name="webhook") as url:
        found.url = url + "/webhook"
        yield found


@pytest.fixture(scope="session")
def acquirer(receiver: Receiver) -> Iterator[RunningAcquirer]:
    with run_acquirer(AcquirerConfig(webhook_url=receiver.url, seed=7)) as running:
        # the demo's card for Anna names a saved method this acquirer must know
        month, year = card_expiry()
        running.store.save_method(
            DEMO_CARD,
            f"{month:02d}",
            str(year),
            shop_id=running.config.shop_id,
            method_id=DEMO_METHOD_ID,
        )
        yield running


@pytest.fixture(autouse=True)
def _healthy(acquirer: RunningAcquirer, receiver: Receiver) -> Iterator[None]:
    acquirer.behaviour.reset()
    receiver.reset()
    yield
    acquirer.behaviour.reset()


@pytest.fixture
def settings(settings: Settings, acquirer: RunningAcquirer) -> Settings:
    shop_id, secret = acquirer.auth
    payments = PaymentSettings(
        backend="dev",
        shop_id=shop_id,
        secret_key=secret,
        api_url=acquirer.api_url,
        return_uris=(RETURN_URL,),
    )
    return dataclasses.replace(settings, payments=payments)


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """The payer's browser on the acquirer's pages: redirects are read, not followed."""
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def pay_in_browser(
    browser: httpx.AsyncClient, confirmation_url: str, number: str = CARD_SUCCESS
) -> httpx.Response:
    page = await browser.get(confirmation_url)
    assert page.status_code == 200
    return await browser.post(
        confirmation_url, data={"card_number": number, "expiry": FUTURE, "cvc": "123"}
    )


async def deliver_notifications(
    acquirer: RunningAcquirer, receiver: Receiver, client: httpx.AsyncClient
) -> list[int]:
    """What the acquirer sent so far, handed to linehub as it came; the statuses."""
    await acquirer.notifications_settled()
    statuses = []
    for body in receiver.received:
        answer = await client.post("/payments/webhook", json=body)
        statuses.append(answer.status_code)
    receiver.reset()
    return statuses


async def bound_card(acquirer: RunningAcquirer, owner: User, number: str = CARD_SUCCESS) -> Card:
    """A card the owner bound before (the acquirer saved it; linehub keeps its method)."""
    method = acquirer.save_method(number, "12", str(date.today().year + 4))
    facts = CardFacts(method, number[:6], number[-4:], 12, date.today().year + 4, "MASTERCARD")
    return await keep_card(connections.get("default"), owner.id, facts)


def card_gid(card: Card) -> str:
    return base64.b64encode(f"Card:{card.id}".encode()).decode()


TOP_UP = """
mutation T($m: String!, $a: Decimal!, $k: String!, $c: ID, $r: String) {
  topUp(input: {msisdn: $m, amount: $a, idempotencyKey: $k, cardId: $c, returnUrl: $r}) {
    payment { id status amount { amount } failureCode card { mask } }
    confirmationUrl errors { code field message } } }
"""


async def top_up(gql: Any, token: str, msisdn: str, amount: str, key: str, **extra: Any) -> dict:
    variables = {"m": msisdn, "a": amount, "k": key, "c": extra.get("card"), "r": extra.get("url")}
    return (await gql(TOP_UP, variables, token=token))["data"]["topUp"]


async def network_token(settings: Settings, make_gql: Any, msisdn: str = ANNA) -> tuple[Any, str]:
    """A LIMITED mobile-network session (anyone holding the phone): its gql and token."""
    proxy = dataclasses.replace(settings, trusted_proxy_cidrs=(ipaddress.ip_network("10.0.0.0/8"),))
    network = make_gql(proxy, "10.1.2.3")
    answer = await network(
        "mutation { loginWithMobileNetwork { accessToken errors { code } } }",
        headers={"X-MSISDN": msisdn},
    )
    return network, answer["data"]["loginWithMobileNetwork"]["accessToken"]
