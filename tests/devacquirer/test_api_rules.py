"""What the /v3 API refuses, and how it answers when it is down or slow."""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
import pytest

from devacquirer import RunningAcquirer
from tests.devacquirer.flows import OTHER_SHOP, create, new_key, payment_body


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        _basic("linehub-dev", "wrong"),
        _basic("no-such-shop", "test_linehub-dev-secret"),
        _basic("linehub-dev", OTHER_SHOP.secret_key),
        "Basic not-base64!",
        "Bearer test_linehub-dev-secret",
    ],
)
async def test_calls_without_the_shops_credentials_are_refused(
    acquirer: RunningAcquirer, authorization: str | None
) -> None:
    headers = {"Idempotence-Key": new_key()}
    if authorization is not None:
        headers["Authorization"] = authorization
    async with httpx.AsyncClient(base_url=acquirer.api_url) as anonymous:
        for answer in (
            await anonymous.post("payments", json=payment_body(), headers=headers),
            await anonymous.get("me", headers=headers),
        ):
            assert answer.status_code == 401
            body = answer.json()
            assert body["type"] == "error"
            assert body["code"] == "invalid_credentials"
            assert body["id"]
            assert body["description"]


async def test_me_names_the_shop(api: httpx.AsyncClient, other_api: httpx.AsyncClient) -> None:
    assert (await api.get("me")).json()["account_id"] == "linehub-dev"
    assert (await other_api.get("me")).json()["account_id"] == OTHER_SHOP.shop_id


async def test_an_unknown_or_foreign_payment_is_not_found(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient
) -> None:
    payment = await create(api)
    for client, payment_id in (
        (api, "00000000-000f-5000-8000-000000000000"),
        (other_api, payment["id"]),
    ):
        answer = await client.get(f"payments/{payment_id}")
        assert answer.status_code == 404
        assert answer.json()["type"] == "error"
        assert answer.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("amount", "parameter"),
    [
        ({"value": "150.001", "currency": "RUB"}, "amount.value"),
        ({"value": "0.00", "currency": "RUB"}, "amount.value"),
        ({"value": "-5.00", "currency": "RUB"}, "amount.value"),
        ({"value": "1e3", "currency": "RUB"}, "amount.value"),
        ({"value": "", "currency": "RUB"}, "amount.value"),
        ({"value": 150.0, "currency": "RUB"}, "amount.value"),
        ({"currency": "RUB"}, "amount.value"),
        ({"value": "150.00", "currency": "XXX"}, "amount.currency"),
        ({"value": "150.00"}, "amount.currency"),
        ("150.00", "amount"),
        (None, "amount"),
    ],
)
async def test_the_amount_is_checked(
    api: httpx.AsyncClient, amount: object, parameter: str
) -> None:
    answer = await api.post(
        "payments", json=payment_body(amount=amount), headers={"Idempotence-Key": new_key()}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_request"
    assert answer.json()["parameter"] == parameter


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [
        ({"capture": False}, "capture"),
        ({"capture": None}, "capture"),
        ({"description": "x" * 129}, "description"),
        ({"description": 5}, "description"),
        ({"metadata": {"line": 79000000000}}, "metadata"),
        ({"metadata": ["line"]}, "metadata"),
        ({"confirmation": None}, "confirmation"),
        ({"confirmation": {"type": "embedded"}}, "confirmation.type"),
        ({"confirmation": {"type": "redirect"}}, "confirmation.return_url"),
        (
            {"confirmation": {"type": "redirect", "return_url": "ftp://x"}},
            "confirmation.return_url",
        ),
        ({"save_payment_method": "yes"}, "save_payment_method"),
        ({"payment_method_id": 42}, "payment_method_id"),
    ],
)
async def test_the_rest_of_the_payment_is_checked(
    api: httpx.AsyncClient, overrides: dict[str, Any], parameter: str
) -> None:
    body = {key: value for key, value in payment_body(**overrides).items() if value is not None}
    answer = await api.post("payments", json=body, headers={"Idempotence-Key": new_key()})
    assert answer.status_code == 400
    assert answer.json()["parameter"] == parameter


async def test_a_description_of_128_characters_and_unknown_fields_are_accepted(
    api: httpx.AsyncClient,
) -> None:
    body = payment_body(
        description="x" * 128,
        payment_method_data={"type": "bank_card"},
        receipt={"customer": {"phone": "79000000000"}},
    )
    assert (await create(api, body))["description"] == "x" * 128


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b"\xff"])
async def test_a_body_that_is_no_json_object_is_refused(
    api: httpx.AsyncClient, content: bytes
) -> None:
    answer = await api.post(
        "payments",
        content=content,
        headers={"Idempotence-Key": new_key(), "Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_request"


async def test_the_idempotence_key_is_required_and_at_most_64_characters(
    api: httpx.AsyncClient,
) -> None:
    for headers in ({}, {"Idempotence-Key": "k" * 65}):
        for path, body in (("payments", payment_body()), ("refunds", {})):
            answer = await api.post(path, json=body, headers=headers)
            assert answer.status_code == 400
            assert answer.json()["parameter"] == "Idempotence-Key"
    assert (await create(api, key="k" * 64))["status"] == "pending"


async def test_down_answers_every_call_with_that_status(
    api: httpx.AsyncClient, browser: httpx.AsyncClient, acquirer: RunningAcquirer
) -> None:
    payment = await create(api)
    acquirer.behaviour.down = 503
    async with httpx.AsyncClient(base_url=acquirer.api_url) as anonymous:
        answers = [
            await api.get(f"payments/{payment['id']}"),
            await api.post("payments", json=payment_body(), headers={"Idempotence-Key": "x"}),
            await api.post("refunds", json={}, headers={"Idempotence-Key": "y"}),
            await anonymous.get("me"),
        ]
    for answer in answers:
        assert answer.status_code == 503
        # a proxy's page, not the API's JSON
        assert answer.headers["content-type"].startswith("text/plain")
        assert answer.headers["retry-after"] == "30"
    # the payment pages are another service, still up
    assert (await browser.get(payment["confirmation"]["confirmation_url"])).status_code == 200

    acquirer.behaviour.down = 500
    answer = await api.get(f"payments/{payment['id']}")
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_server_error"

    acquirer.behaviour.reset()
    assert (await api.get(f"payments/{payment['id']}")).status_code == 200


async def test_slow_answers_come_late_but_the_work_is_done(
    api: httpx.AsyncClient, acquirer: RunningAcquirer
) -> None:
    acquirer.behaviour.slow_seconds = 0.5
    key = new_key()
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        await api.post(
            "payments", json=payment_body(), headers={"Idempotence-Key": key}, timeout=0.2
        )

    # the client retries with the same key and finds the payment it made
    payment = await create(api, key=key)
    assert time.monotonic() - started >= 0.5
    acquirer.behaviour.reset()
    assert (await create(api, key=key))["id"] == payment["id"]
