"""topUp: by a bound card at once, by a card typed on the acquirer's page, credited only
from what the acquirer's API says, exactly once, with clear refusals that change nothing."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from devacquirer import CARD_3DS, CARD_DECLINED, CARD_INSUFFICIENT_FUNDS, RunningAcquirer
from models import LedgerEntry, Line, Payment, User
from models.ledger import verify
from tests.conftest import GQL
from tests.devacquirer.flows import Receiver
from tests.helpers import token_for
from tests.payment.conftest import (
    ANNA,
    GALINA,
    MASHA,
    RETURN_URL,
    bound_card,
    card_gid,
    deliver_notifications,
    pay_in_browser,
    top_up,
)

LINE = "query L($m: String!) { viewer { line(msisdn: $m) { balance { amount } status } } }"


async def fresh_payments() -> int:
    """Payments made by the test, not the demo's history."""
    return await Payment.exclude(idempotency_key__startswith="demo-").count()


async def balance(msisdn: str) -> int:
    return (await Line.get(msisdn=msisdn)).balance


async def test_a_parent_tops_up_a_daughter_from_a_bound_card_at_once(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await bound_card(acquirer, await User.get(name="Анна Иванова"))
    before = await balance(MASHA)
    done = await top_up(gql, anna, MASHA, "300.00", "k-1", card=card_gid(card))
    assert done["errors"] == []
    assert done["confirmationUrl"] is None
    assert done["payment"]["status"] == "SUCCEEDED"
    assert done["payment"]["amount"] == {"amount": "300.00"}
    assert done["payment"]["card"] == {"mask": card.mask}
    assert await balance(MASHA) == before + 300_00
    entry = await LedgerEntry.filter(line__msisdn=MASHA).order_by("-id").first()
    assert entry is not None
    assert (entry.kind, entry.amount) == ("TOP_UP", 300_00)
    answer = await gql(LINE, {"m": MASHA}, token=anna)
    assert answer["data"]["viewer"]["line"]["balance"]["amount"] == f"{(before + 300_00) / 100:.2f}"
    assert await verify() == []


async def test_a_typed_card_pays_through_the_acquirer_page_and_credits_on_its_word(
    gql: GQL,
    demo,
    acquirer: RunningAcquirer,
    receiver: Receiver,
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
) -> None:
    galina = await token_for(gql, GALINA)  # LIMITED on Masha's line: TOP_UP is hers too
    before = await balance(MASHA)
    started = await top_up(gql, galina, MASHA, "150.50", "g-1", url=RETURN_URL)
    assert started["errors"] == []
    assert started["payment"]["status"] == "REQUIRES_ACTION"
    assert started["confirmationUrl"].startswith(acquirer.base_url)
    assert await balance(MASHA) == before  # nothing until the acquirer says so

    back = await pay_in_browser(browser, started["confirmationUrl"])
    assert back.status_code == 303
    assert back.headers["location"] == RETURN_URL
    # the acquirer's notification, delivered twice: credited once
    receiver_bodies = await deliver_notifications(acquirer, receiver, client)
    assert receiver_bodies
    assert set(receiver_bodies) == {200}
    payment = await Payment.get(idempotency_key="g-1")
    for _ in range(2):
        assert (
            await client.post("/payments/webhook", json=_notification(payment))
        ).status_code == 200
    assert await balance(MASHA) == before + 150_50
    assert (await Payment.get(id=payment.id)).status == "SUCCEEDED"
    again = await top_up(gql, galina, MASHA, "150.50", "g-1", url=RETURN_URL)
    assert again["payment"]["status"] == "SUCCEEDED"
    assert again["confirmationUrl"] is None
    assert await balance(MASHA) == before + 150_50
    assert await verify() == []


def _notification(payment: Payment) -> dict:
    return {
        "type": "notification",
        "event": "payment.succeeded",
        "object": {"id": payment.acquirer_id, "status": "succeeded", "paid": True},
    }


async def test_a_forged_notification_credits_nothing(
    gql: GQL, demo, client: httpx.AsyncClient
) -> None:
    anna = await token_for(gql, ANNA)
    started = await top_up(gql, anna, MASHA, "500.00", "f-1", url=RETURN_URL)
    payment = await Payment.get(idempotency_key="f-1")
    before = await balance(MASHA)
    # "it succeeded", says a stranger, about a real payment nobody paid, and an invented one
    forged = _notification(payment)
    forged["object"]["amount"] = {"value": "500.00", "currency": "RUB"}
    assert (await client.post("/payments/webhook", json=forged)).status_code == 200
    invented = _notification(payment)
    invented["object"]["id"] = "2d1b7c33-000f-5000-9000-1ed1b1e1b1e1"
    assert (await client.post("/payments/webhook", json=invented)).status_code == 200
    assert await balance(MASHA) == before
    assert (await Payment.get(id=payment.id)).status == "REQUIRES_ACTION"
    assert started["payment"]["status"] == "REQUIRES_ACTION"
    for junk in (
        b"not json",
        b"[]",
        b'{"type": "notification", "event": "x", "object": {"id": "../x"}}',
    ):
        assert (await client.post("/payments/webhook", content=junk)).status_code == 400


async def test_a_3ds_card_asks_for_its_code_then_credits(
    gql: GQL,
    demo,
    acquirer: RunningAcquirer,
    receiver: Receiver,
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
) -> None:
    anna = await token_for(gql, ANNA)
    before = await balance(MASHA)
    started = await top_up(gql, anna, MASHA, "200.00", "3ds-1", url=RETURN_URL)
    step = await pay_in_browser(browser, started["confirmationUrl"], CARD_3DS)
    assert step.status_code == 200
    assert 'name="code"' in step.text
    done = await browser.post(started["confirmationUrl"] + "/3ds", data={"code": "123456"})
    assert done.status_code == 303
    await deliver_notifications(acquirer, receiver, client)
    assert await balance(MASHA) == before + 200_00


@pytest.mark.parametrize(
    ("number", "reason"),
    [(CARD_DECLINED, "general_decline"), (CARD_INSUFFICIENT_FUNDS, "insufficient_funds")],
)
async def test_a_declined_card_fails_with_the_acquirers_reason_and_credits_nothing(
    gql: GQL,
    demo,
    acquirer: RunningAcquirer,
    receiver: Receiver,
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    number: str,
    reason: str,
) -> None:
    anna = await token_for(gql, ANNA)
    before = await balance(MASHA)
    # a bound card that the bank now declines: PAYMENT_DECLINED in the answer
    card = await bound_card(acquirer, await User.get(name="Анна Иванова"), number)
    refused = await top_up(gql, anna, MASHA, "100.00", f"d-{reason}", card=card_gid(card))
    assert [e["code"] for e in refused["errors"]] == ["PAYMENT_DECLINED"]
    assert reason in refused["errors"][0]["message"]
    assert refused["payment"]["status"] == "FAILED"
    assert refused["payment"]["failureCode"] == reason
    # a typed one: the page declines it, the payment reads FAILED afterwards
    started = await top_up(gql, anna, MASHA, "100.00", f"t-{reason}", url=RETURN_URL)
    await pay_in_browser(browser, started["confirmationUrl"], number)
    await deliver_notifications(acquirer, receiver, client)
    payment = await Payment.get(idempotency_key=f"t-{reason}")
    assert (payment.status, payment.failure_code) == ("FAILED", reason)
    assert await balance(MASHA) == before


@pytest.mark.parametrize(
    ("amount", "message_part"),
    [("9.99", "10"), ("15000.01", "15000"), ("100.001", None), ("-5", None), ("abc", None)],
)
async def test_bad_amounts_are_invalid_input_and_write_nothing(
    gql: GQL, demo, amount: str, message_part: str | None
) -> None:
    anna = await token_for(gql, ANNA)
    answer = await gql(
        """mutation T($a: Decimal!) { topUp(input: {msisdn: "9031234568", amount: $a,
        idempotencyKey: "bad", returnUrl: "https://app.linehub.test/paid"}) {
        payment { id } errors { code field message } } }""",
        {"a": amount},
        token=anna,
    )
    if "errors" in answer:  # not even a Decimal: refused by the scalar
        assert answer["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    else:
        errors = answer["data"]["topUp"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["amount"])]
        if message_part:
            assert message_part in errors[0]["message"]
    assert await fresh_payments() == 0


async def test_the_same_key_with_other_parameters_is_refused(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    first = await top_up(gql, anna, MASHA, "100.00", "same", url=RETURN_URL)
    again = await top_up(gql, anna, MASHA, "100.00", "same", url=RETURN_URL)
    assert again["payment"]["id"] == first["payment"]["id"]
    assert again["confirmationUrl"] == first["confirmationUrl"]
    other = await top_up(gql, anna, MASHA, "200.00", "same", url=RETURN_URL)
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await fresh_payments() == 1


async def test_concurrent_double_submits_make_one_payment(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await bound_card(acquirer, await User.get(name="Анна Иванова"))
    before = await balance(MASHA)
    answers = await asyncio.gather(
        *(top_up(gql, anna, MASHA, "250.00", "dbl", card=card_gid(card)) for _ in range(8))
    )
    assert {a["payment"]["id"] for a in answers if a["payment"]} == {answers[0]["payment"]["id"]}
    assert await fresh_payments() == 1
    assert await balance(MASHA) == before + 250_00


async def test_return_url_must_be_listed_and_a_card_must_be_your_own(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna, galina = await token_for(gql, ANNA), await token_for(gql, GALINA)
    refused = await top_up(gql, anna, MASHA, "100.00", "u-1", url="https://evil.test/paid")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID_INPUT", ["returnUrl"])
    ]
    annas_card = await bound_card(acquirer, await User.get(name="Анна Иванова"))
    # Galina may top up Masha, but not with Anna's card: it is not hers to name
    theirs = await top_up(gql, galina, MASHA, "100.00", "u-2", card=card_gid(annas_card))
    assert [e["code"] for e in theirs["errors"]] in (["NOT_FOUND"], ["FORBIDDEN"])
    assert await fresh_payments() == 0


async def test_an_unreachable_acquirer_keeps_the_payment_for_a_retry(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await bound_card(acquirer, await User.get(name="Анна Иванова"))
    before = await balance(MASHA)
    acquirer.behaviour.down = 503
    first = await top_up(gql, anna, MASHA, "120.00", "down-1", card=card_gid(card))
    assert [e["code"] for e in first["errors"]] == ["NOT_AVAILABLE"]
    assert first["payment"]["status"] == "PENDING"
    acquirer.behaviour.down = None
    again = await top_up(gql, anna, MASHA, "120.00", "down-1", card=card_gid(card))
    assert again["errors"] == []
    assert again["payment"]["status"] == "SUCCEEDED"
    assert again["payment"]["id"] == first["payment"]["id"]
    assert await balance(MASHA) == before + 120_00


async def test_a_stranger_cannot_top_up_a_number_they_do_not_see(gql: GQL, demo) -> None:
    boris = await token_for(gql, "9161112233")
    refused = await top_up(gql, boris, MASHA, "100.00", "s-1", url=RETURN_URL)
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    unknown = await top_up(gql, boris, "9039999999", "100.00", "s-2", url=RETURN_URL)
    assert refused["errors"][0]["message"] == unknown["errors"][0]["message"]
    assert await fresh_payments() == 0
