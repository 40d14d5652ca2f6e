"""A redirect payment from creation to outcome: the confirmation page and the test cards."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from devacquirer import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_INSUFFICIENT_FUNDS,
    CARD_SUCCESS,
    CARD_TIMEOUT,
    THREE_DS_CODE,
    AcquirerConfig,
    RunningAcquirer,
    create_acquirer_app,
)
from devprovider.loopback import run_asgi
from tests.devacquirer.flows import (
    FUTURE,
    MIR,
    PAST,
    RETURN_URL,
    VISA,
    Receiver,
    create,
    fetch,
    new_key,
    pay,
    payment_body,
)

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def test_a_redirect_payment_starts_pending_with_a_confirmation_url(
    api: httpx.AsyncClient, acquirer: RunningAcquirer
) -> None:
    amount = {"value": "150", "currency": "RUB"}
    payment = await create(api, payment_body(amount=amount, save_payment_method=True))

    assert re.fullmatch(r"[0-9a-f]{8}-000f-5000-[89ab]000-[0-9a-f]{12}", payment["id"])
    assert payment["status"] == "pending"
    assert payment["paid"] is False
    assert payment["amount"] == {"value": "150.00", "currency": "RUB"}
    assert payment["metadata"] == {"line": "79000000000"}
    assert payment["description"] == "Top-up +7 900 000-00-00"
    assert TIMESTAMP.match(payment["created_at"])
    assert payment["confirmation"] == {
        "type": "redirect",
        "confirmation_url": acquirer.url(f"/confirm/{payment['id']}"),
        "return_url": RETURN_URL,
    }
    assert payment["test"] is True
    assert payment["refundable"] is False
    assert "payment_method" not in payment
    assert await fetch(api, payment["id"]) == payment


async def test_the_confirmation_page_is_a_card_form_showing_the_amount(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    payment = await create(api)
    url = payment["confirmation"]["confirmation_url"]

    page = await browser.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for name in ("card_number", "expiry", "cvc"):
        assert f'name="{name}"' in page.text
    assert f'action="{url}"' in page.text
    assert "150.00 RUB" in page.text
    assert 'type="submit"' in page.text

    russian = await browser.get(url, headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert 'lang="ru"' in russian.text
    assert "Оплатить" in russian.text


@pytest.mark.parametrize(
    ("number", "status", "reason", "card_type"),
    [
        (CARD_SUCCESS, "succeeded", None, "MasterCard"),
        (VISA, "succeeded", None, "Visa"),
        (MIR, "succeeded", None, "Mir"),
        (CARD_DECLINED, "canceled", "general_decline", "Visa"),
        (CARD_INSUFFICIENT_FUNDS, "canceled", "insufficient_funds", "Visa"),
    ],
)
async def test_the_card_decides_the_outcome_and_the_browser_goes_back_to_the_shop(
    api: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    number: str,
    status: str,
    reason: str | None,
    card_type: str,
) -> None:
    payment = await create(api)

    answer = await pay(browser, payment, " ".join(re.findall("....", number)))
    assert answer.status_code == 303
    assert answer.headers["location"] == RETURN_URL

    paid = await fetch(api, payment["id"])
    assert paid["status"] == status
    assert paid["paid"] is (status == "succeeded")
    assert "confirmation" not in paid
    method = paid["payment_method"]
    assert method["type"] == "bank_card"
    assert method["id"] == payment["id"]
    assert method["saved"] is False
    assert method["title"] == f"Bank card *{number[-4:]}"
    assert method["card"] == {
        "first6": number[:6],
        "last4": number[-4:],
        "expiry_month": "12",
        "expiry_year": "20" + FUTURE[-2:],
        "card_type": card_type,
    }
    if status == "succeeded":
        assert TIMESTAMP.match(paid["captured_at"])
        assert paid["refundable"] is True
        assert "cancellation_details" not in paid
    else:
        assert paid["cancellation_details"] == {"party": "payment_network", "reason": reason}
        assert "captured_at" not in paid
        assert paid["refundable"] is False


async def test_an_expired_card_is_canceled_card_expired(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    payment = await create(api)
    answer = await pay(browser, payment, CARD_SUCCESS, expiry=PAST)
    assert answer.status_code == 303
    paid = await fetch(api, payment["id"])
    assert paid["cancellation_details"] == {"party": "payment_network", "reason": "card_expired"}


async def test_the_3ds_card_asks_for_a_code_and_the_right_one_pays(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    payment = await create(api)
    url = payment["confirmation"]["confirmation_url"]

    challenge = await pay(browser, payment, CARD_3DS)
    assert challenge.status_code == 200
    assert f'action="{url}/3ds"' in challenge.text
    assert 'name="code"' in challenge.text
    assert THREE_DS_CODE in challenge.text
    assert CARD_3DS not in challenge.text
    waiting = await fetch(api, payment["id"])
    assert waiting["status"] == "pending"
    assert waiting["confirmation"]["confirmation_url"] == url
    # the page still asks for the code when the customer reloads it
    assert 'name="code"' in (await browser.get(url)).text

    answer = await browser.post(f"{url}/3ds", data={"code": THREE_DS_CODE})
    assert answer.status_code == 303
    assert answer.headers["location"] == RETURN_URL
    paid = await fetch(api, payment["id"])
    assert paid["status"] == "succeeded"
    assert paid["authorization_details"]["three_d_secure"] == {"applied": True}


async def test_a_wrong_3ds_code_cancels_the_payment(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    payment = await create(api)
    url = payment["confirmation"]["confirmation_url"]
    await pay(browser, payment, CARD_3DS)

    answer = await browser.post(f"{url}/3ds", data={"code": "000000"})
    assert answer.status_code == 303
    assert answer.headers["location"] == RETURN_URL
    paid = await fetch(api, payment["id"])
    assert paid["status"] == "canceled"
    assert paid["cancellation_details"]["reason"] == "3d_secure_failed"


@pytest.mark.parametrize(
    ("number", "expiry", "cvc", "error"),
    [
        ("4111111111111112", FUTURE, "123", "card number is not valid"),
        ("4111 1111", FUTURE, "123", "card number is not valid"),
        (VISA, "13/30", "123", "MM/YY"),
        (VISA, "1230", "123", "MM/YY"),
        (VISA, FUTURE, "12", "CVC"),
    ],
)
async def test_a_malformed_card_shows_the_form_again_and_changes_nothing(
    api: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    number: str,
    expiry: str,
    cvc: str,
    error: str,
) -> None:
    payment = await create(api)
    answer = await pay(browser, payment, number, expiry=expiry, cvc=cvc)

    assert answer.status_code == 200
    assert 'class="error"' in answer.text
    assert error in answer.text
    assert 'name="card_number"' in answer.text
    # what was typed is not echoed back into the form
    assert number.replace(" ", "") not in answer.text.replace(" ", "")
    assert await fetch(api, payment["id"]) == payment


async def test_the_timeout_card_leaves_the_payment_pending_until_it_expires(
    api: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    acquirer: RunningAcquirer,
    receiver: Receiver,
) -> None:
    acquirer.behaviour.pending_expiry_seconds = 1.5
    payment = await create(api)

    answer = await pay(browser, payment, CARD_TIMEOUT)
    assert answer.status_code == 303
    assert answer.headers["location"] == RETURN_URL
    hanging = await fetch(api, payment["id"])
    assert hanging["status"] == "pending"
    assert hanging["payment_method"]["card"]["last4"] == CARD_TIMEOUT[-4:]
    # nothing left for the customer to do: no confirmation, the page says "processing"
    assert "confirmation" not in hanging
    page = await browser.get(payment["confirmation"]["confirmation_url"])
    assert "being processed" in page.text
    assert f'href="{RETURN_URL}"' in page.text

    # nobody asks: the timer cancels it and tells the shop
    for _ in range(100):
        if receiver.events_for(payment["id"]):
            break
        await asyncio.sleep(0.05)
    await acquirer.notifications_settled()
    assert receiver.events_for(payment["id"]) == ["payment.canceled"]
    expired = await fetch(api, payment["id"])
    assert expired["status"] == "canceled"
    assert expired["cancellation_details"] == {
        "party": "yoo_money",
        "reason": "expired_on_confirmation",
    }
    assert receiver.objects_for(payment["id"]) == [expired]


async def test_a_payment_nobody_confirms_expires_too(
    api: httpx.AsyncClient, browser: httpx.AsyncClient, acquirer: RunningAcquirer
) -> None:
    acquirer.behaviour.pending_expiry_seconds = 0.2
    payment = await create(api)
    await asyncio.sleep(0.4)

    expired = await fetch(api, payment["id"])
    assert expired["cancellation_details"]["reason"] == "expired_on_confirmation"
    # a card typed too late changes nothing
    answer = await pay(browser, payment, CARD_SUCCESS)
    assert answer.status_code == 303
    assert (await fetch(api, payment["id"]))["status"] == "canceled"


async def test_a_decided_payment_shows_its_outcome_and_the_way_back(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    payment = await create(api)
    url = payment["confirmation"]["confirmation_url"]
    await pay(browser, payment, CARD_DECLINED)

    page = await browser.get(url)
    assert page.status_code == 200
    assert "Payment canceled (general_decline)" in page.text
    assert CARD_DECLINED not in page.text
    assert f'href="{RETURN_URL}"' in page.text
    assert 'name="card_number"' not in page.text
    # a second card cannot turn it around
    again = await pay(browser, payment, CARD_SUCCESS)
    assert again.status_code == 303
    assert (await fetch(api, payment["id"]))["status"] == "canceled"


async def test_an_unknown_confirmation_page_is_404(
    browser: httpx.AsyncClient, acquirer: RunningAcquirer
) -> None:
    page = await browser.get(acquirer.url("/confirm/00000000-000f-5000-8000-000000000000"))
    assert page.status_code == 404


async def test_the_acquirer_works_mounted_under_a_prefix(browser: httpx.AsyncClient) -> None:
    def build(base_url: str) -> Starlette:
        config = AcquirerConfig(base_url=base_url + "/dev-acquirer")
        return Starlette(routes=[Mount("/dev-acquirer", create_acquirer_app(config))])

    with run_asgi(build, name="mounted-acquirer") as base_url:
        prefix = base_url + "/dev-acquirer"
        async with httpx.AsyncClient(
            base_url=prefix + "/v3", auth=("linehub-dev", "test_linehub-dev-secret")
        ) as api:
            payment = await create(api, key=new_key())
            url = payment["confirmation"]["confirmation_url"]
            assert url == f"{prefix}/confirm/{payment['id']}"
            assert f'action="{url}"' in (await browser.get(url)).text
            assert (await pay(browser, payment, CARD_SUCCESS)).status_code == 303
            assert (await fetch(api, payment["id"]))["status"] == "succeeded"
