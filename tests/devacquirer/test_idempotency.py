"""Idempotence keys: a repeated request is answered, not repeated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from devacquirer import CARD_SUCCESS, AcquirerConfig, RunningAcquirer, serve_acquirer
from tests.devacquirer.flows import create, fetch, new_key, pay, payment_body, refund


async def test_the_same_key_and_body_answer_with_the_same_payment_as_it_is_now(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    key = new_key()
    first = await create(api, key=key)
    assert await create(api, key=key) == first

    await pay(browser, first, CARD_SUCCESS)
    replayed = await create(api, key=key)
    assert replayed["id"] == first["id"]
    assert replayed["status"] == "succeeded"
    assert replayed == await fetch(api, first["id"])


async def test_a_key_reused_for_another_request_is_refused(api: httpx.AsyncClient) -> None:
    key = new_key()
    await create(api, key=key)
    other = payment_body(amount={"value": "151.00", "currency": "RUB"})

    for path, body in (("payments", other), ("refunds", {"payment_id": "x"})):
        answer = await api.post(path, json=body, headers={"Idempotence-Key": key})
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid_request"
        assert answer.json()["description"] == "Idempotence key duplicated"


async def test_the_same_body_in_another_key_order_is_the_same_request(
    api: httpx.AsyncClient,
) -> None:
    key = new_key()
    body = payment_body()
    first = await create(api, body, key=key)
    assert (await create(api, dict(reversed(body.items())), key=key))["id"] == first["id"]


async def test_twenty_concurrent_requests_with_one_key_make_one_payment(
    api: httpx.AsyncClient, acquirer: RunningAcquirer
) -> None:
    before = len(acquirer.store.payments())
    key = new_key()
    payments = await asyncio.gather(*(create(api, key=key) for _ in range(20)))

    assert len({payment["id"] for payment in payments}) == 1
    assert len(acquirer.store.payments()) == before + 1


async def test_one_key_makes_one_payment_when_saving_it_takes_time(tmp_path: Path) -> None:
    """On a file every write awaits a thread: the check and the create must hold together."""
    config = AcquirerConfig(store_path=tmp_path / "acquirer.sqlite3")
    async with (
        serve_acquirer(config) as acquirer,
        httpx.AsyncClient(base_url=acquirer.api_url, auth=acquirer.auth) as api,
    ):
        key = new_key()
        payments = await asyncio.gather(*(create(api, key=key) for _ in range(20)))
        assert len({payment["id"] for payment in payments}) == 1
        assert len(acquirer.store.payments()) == 1


async def test_keys_belong_to_one_shop(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient
) -> None:
    key = new_key()
    ours = await create(api, key=key)
    theirs = await create(other_api, key=key)
    assert theirs["id"] != ours["id"]


async def test_a_refused_request_does_not_use_up_its_key(api: httpx.AsyncClient) -> None:
    key = new_key()
    bad = payment_body(amount={"value": "1.001", "currency": "RUB"})
    answer = await api.post("payments", json=bad, headers={"Idempotence-Key": key})
    assert answer.status_code == 400
    assert (await create(api, key=key))["status"] == "pending"


async def test_a_repeated_refund_refunds_once(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    payment = await create(api)
    await pay(browser, payment, CARD_SUCCESS)
    key = new_key()

    first = await refund(api, payment["id"], "100.00", key=key)
    second = await refund(api, payment["id"], "100.00", key=key)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert (await fetch(api, payment["id"]))["refunded_amount"]["value"] == "100.00"
