"""A dev acquirer on loopback for the whole directory, its shop's webhook, and two clients.

Both servers are real (uvicorn on 127.0.0.1), started once; each test gets the acquirer
healthy again and an empty webhook, after the previous test's notifications have landed.
The shop's API client checks every answer, and the teardown every notification, for card
numbers: none may ever leave the acquirer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from devacquirer import AcquirerConfig, RunningAcquirer, run_acquirer
from devacquirer.cards import TEST_CARDS
from devprovider.loopback import run_asgi
from tests.devacquirer.flows import MIR, OTHER_SHOP, VISA, Receiver

CARD_NUMBERS = (*TEST_CARDS, VISA, MIR)


async def no_card_numbers(response: httpx.Response) -> None:
    text = (await response.aread()).decode("utf-8", errors="replace")
    leaked = [number for number in CARD_NUMBERS if number in text]
    assert not leaked, f"{response.request.url} answered with card numbers {leaked}"


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    with run_asgi(lambda _: receiver.app(), name="webhook-receiver") as base_url:
        receiver.url = base_url + "/webhook"
        yield receiver


@pytest.fixture(scope="session")
def acquirer(receiver: Receiver) -> Iterator[RunningAcquirer]:
    config = AcquirerConfig(
        webhook_url=receiver.url,
        other_shops=(OTHER_SHOP,),
        # a failing webhook is retried three times within a third of a second
        retry_delays=(0.05, 0.1, 0.15),
        seed=20240501,
    )
    with run_acquirer(config) as running:
        yield running


@pytest.fixture(autouse=True)
def _healthy_acquirer(acquirer: RunningAcquirer, receiver: Receiver) -> Iterator[None]:
    acquirer.behaviour.reset()
    acquirer.wait_notifications()
    receiver.reset()
    yield
    acquirer.behaviour.reset()
    acquirer.wait_notifications()
    sent = json.dumps(receiver.received)
    assert not [number for number in CARD_NUMBERS if number in sent], "a webhook got a card number"


@pytest.fixture
async def api(acquirer: RunningAcquirer) -> AsyncIterator[httpx.AsyncClient]:
    """The shop's back channel: the API root, the main shop's credentials."""
    async with httpx.AsyncClient(
        base_url=acquirer.api_url,
        auth=acquirer.auth,
        event_hooks={"response": [no_card_numbers]},
    ) as client:
        yield client


@pytest.fixture
async def other_api(acquirer: RunningAcquirer) -> AsyncIterator[httpx.AsyncClient]:
    """Another merchant at the same acquirer."""
    async with httpx.AsyncClient(
        base_url=acquirer.api_url,
        auth=(OTHER_SHOP.shop_id, OTHER_SHOP.secret_key),
        event_hooks={"response": [no_card_numbers]},
    ) as client:
        yield client


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """The customer's browser, redirects left for the test to read."""
    async with httpx.AsyncClient(follow_redirects=False) as client:
        yield client
