"""Refunds: of succeeded payments only, never more than was paid."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from devacquirer import CARD_DECLINED, CARD_SUCCESS, RunningAcquirer
from tests.devacquirer.flows import Receiver, create, fetch, new_key, pay, refund


async def _paid(api: httpx.AsyncClient, browser: httpx.AsyncClient) -> dict[str, Any]:
    payment = await create(api)
    await pay(browser, payment, CARD_SUCCESS)
    return await fetch(api, payment["id"])


async def test_a_full_refund_is_made_at_once_and_shown_on_the_payment(
    api: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    acquirer: RunningAcquirer,
    receiver: Receiver,
) -> None:
    payment = await _paid(api, browser)
    answer = await refund(api, payment["id"], "150.00")

    assert answer.status_code == 200
    made = answer.json()
    assert re.fullmatch(r"[0-9a-f]{8}-0015-5000-[89ab]000-[0-9a-f]{12}", made["id"])
    assert made["payment_id"] == payment["id"]
    assert made["status"] == "succeeded"
    assert made["amount"] == {"value": "150.00", "currency": "RUB"}
    assert made["created_at"].endswith("Z")
    assert (await api.get(f"refunds/{made['id']}")).json() == made

    refunded = await fetch(api, payment["id"])
    assert refunded["status"] == "succeeded"
    assert refunded["refunded_amount"] == {"value": "150.00", "currency": "RUB"}
    assert refunded["refundable"] is False

    await acquirer.notifications_settled()
    assert receiver.events_for(made["id"]) == ["refund.succeeded"]
    assert receiver.objects_for(made["id"]) == [made]


async def test_partial_refunds_add_up_to_the_amount_and_no_further(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    payment = await _paid(api, browser)
    assert (await refund(api, payment["id"], "100")).status_code == 200
    assert (await fetch(api, payment["id"]))["refundable"] is True

    too_much = await refund(api, payment["id"], "50.01")
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "invalid_request"
    assert too_much.json()["parameter"] == "amount.value"

    assert (await refund(api, payment["id"], "50.00")).status_code == 200
    assert (await fetch(api, payment["id"]))["refunded_amount"]["value"] == "150.00"
    assert (await refund(api, payment["id"], "0.01")).status_code == 400


async def test_only_a_shops_own_succeeded_payment_can_be_refunded(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    pending = await create(api)
    canceled = await create(api)
    await pay(browser, canceled, CARD_DECLINED)
    paid = await _paid(api, browser)

    for client, payment_id in (
        (api, pending["id"]),
        (api, canceled["id"]),
        (api, "00000000-000f-5000-8000-000000000000"),
        (other_api, paid["id"]),
    ):
        answer = await refund(client, payment_id, "1.00")
        assert answer.status_code == 400
        assert answer.json()["parameter"] == "payment_id"
    assert "refunded_amount" not in await fetch(api, paid["id"])


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"amount": {"value": "1.00", "currency": "RUB"}}, "payment_id"),
        ({"payment_id": "x", "amount": {"value": "1.001", "currency": "RUB"}}, "amount.value"),
        ({"payment_id": "x"}, "amount"),
    ],
)
async def test_a_refund_request_is_checked(
    api: httpx.AsyncClient, body: dict[str, Any], parameter: str
) -> None:
    answer = await api.post("refunds", json=body, headers={"Idempotence-Key": new_key()})
    assert answer.status_code == 400
    assert answer.json()["parameter"] == parameter


async def test_an_unknown_refund_is_not_found(api: httpx.AsyncClient) -> None:
    answer = await api.get("refunds/00000000-0015-5000-8000-000000000000")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
