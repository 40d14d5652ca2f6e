"""Saved cards: saved by a confirmed payment (or seeded), then paid with and no browser."""

from __future__ import annotations

import httpx
import pytest

from devacquirer import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_INSUFFICIENT_FUNDS,
    CARD_SUCCESS,
    CARD_TIMEOUT,
    THREE_DS_CODE,
    AcquirerStore,
    RunningAcquirer,
)
from tests.devacquirer.flows import (
    OTHER_SHOP,
    Receiver,
    create,
    fetch,
    method_body,
    new_key,
    pay,
    payment_body,
)


async def test_a_card_saved_by_a_payment_pays_later_without_a_browser(
    api: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    acquirer: RunningAcquirer,
    receiver: Receiver,
) -> None:
    first = await create(api, payment_body(save_payment_method=True))
    await pay(browser, first, CARD_SUCCESS)
    saved = (await fetch(api, first["id"]))["payment_method"]
    assert saved["saved"] is True
    assert saved["id"] == first["id"]

    later = await create(api, method_body(saved["id"], "99.50"))
    assert later["status"] == "succeeded"
    assert later["paid"] is True
    assert later["amount"] == {"value": "99.50", "currency": "RUB"}
    assert "confirmation" not in later
    assert later["payment_method"] == saved
    assert later["authorization_details"]["three_d_secure"] == {"applied": False}

    await acquirer.notifications_settled()
    assert receiver.events_for(later["id"]) == ["payment.succeeded"]
    assert receiver.objects_for(later["id"]) == [later]


async def test_a_card_saved_after_3ds_pays_without_the_step(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    first = await create(api, payment_body(save_payment_method=True))
    await pay(browser, first, CARD_3DS)
    url = first["confirmation"]["confirmation_url"]
    await browser.post(f"{url}/3ds", data={"code": THREE_DS_CODE})
    assert (await fetch(api, first["id"]))["payment_method"]["saved"] is True

    assert (await create(api, method_body(first["id"])))["status"] == "succeeded"


@pytest.mark.parametrize("save", [False, True])
async def test_a_card_not_saved_cannot_be_paid_with(
    api: httpx.AsyncClient, browser: httpx.AsyncClient, save: bool
) -> None:
    """Not asked to save, or asked but the payment failed: either way nothing is saved."""
    first = await create(api, payment_body(save_payment_method=save))
    await pay(browser, first, CARD_DECLINED if save else CARD_SUCCESS)
    assert (await fetch(api, first["id"]))["payment_method"]["saved"] is False

    answer = await api.post(
        "payments", json=method_body(first["id"]), headers={"Idempotence-Key": new_key()}
    )
    assert answer.status_code == 400
    assert answer.json()["parameter"] == "payment_method_id"


@pytest.mark.parametrize(
    ("number", "expiry_year", "status", "reason"),
    [
        (CARD_SUCCESS, "2030", "succeeded", None),
        # no customer present for 3-D Secure: a saved card is charged without it
        (CARD_3DS, "2030", "succeeded", None),
        (CARD_DECLINED, "2030", "canceled", "general_decline"),
        (CARD_INSUFFICIENT_FUNDS, "2030", "canceled", "insufficient_funds"),
        (CARD_SUCCESS, "2020", "canceled", "card_expired"),
        (CARD_TIMEOUT, "2030", "pending", None),
    ],
)
async def test_a_saved_card_decides_at_once(
    api: httpx.AsyncClient,
    acquirer: RunningAcquirer,
    receiver: Receiver,
    number: str,
    expiry_year: str,
    status: str,
    reason: str | None,
) -> None:
    method_id = acquirer.save_method(number, "12", expiry_year)
    payment = await create(api, method_body(method_id))

    assert payment["status"] == status
    assert payment["payment_method"]["id"] == method_id
    assert payment["payment_method"]["saved"] is True
    assert payment["payment_method"]["card"]["last4"] == number[-4:]
    assert "confirmation" not in payment
    if reason is not None:
        assert payment["cancellation_details"] == {"party": "payment_network", "reason": reason}
    await acquirer.notifications_settled()
    expected = [] if status == "pending" else [f"payment.{status}"]
    assert receiver.events_for(payment["id"]) == expected


async def test_another_shops_or_an_unknown_method_is_refused(
    api: httpx.AsyncClient, acquirer: RunningAcquirer
) -> None:
    foreign = acquirer.store.save_method(CARD_SUCCESS, "12", "2030", shop_id=OTHER_SHOP.shop_id)
    for method_id in (foreign, "00000000-000f-5000-8000-000000000000"):
        answer = await api.post(
            "payments", json=method_body(method_id), headers={"Idempotence-Key": new_key()}
        )
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid_request"
        assert answer.json()["parameter"] == "payment_method_id"


def test_saving_the_same_card_again_gives_the_same_id() -> None:
    store = AcquirerStore()
    method_id = store.save_method("5555 5555 5555 4477", "12", "30")
    assert store.save_method(CARD_SUCCESS, "12", "2030") == method_id
    assert store.save_method(CARD_SUCCESS, "11", "2030") != method_id
    assert store.save_method(CARD_SUCCESS, "12", "2030", shop_id="other") != method_id
    assert store.save_method(CARD_SUCCESS, "12", "30", method_id="demo-card") == "demo-card"
    assert store.method("demo-card", "linehub-dev") is not None


def test_saving_a_malformed_card_or_a_taken_id_is_refused() -> None:
    store = AcquirerStore()
    store.save_method(CARD_SUCCESS, "12", "30", method_id="demo-card")
    with pytest.raises(ValueError, match="card_number"):
        store.save_method("5555555555554478", "12", "30")
    with pytest.raises(ValueError, match="expiry"):
        store.save_method(CARD_SUCCESS, "13", "30")
    with pytest.raises(ValueError, match="taken"):
        store.save_method(CARD_DECLINED, "12", "30", method_id="demo-card")


def test_a_saved_card_keeps_its_number_out_of_its_repr() -> None:
    store = AcquirerStore()
    method = store.method(store.save_method(CARD_SUCCESS, "12", "30"), "linehub-dev")
    assert method is not None
    assert CARD_SUCCESS not in repr(method)
    assert method.card.first6 == "555555"
