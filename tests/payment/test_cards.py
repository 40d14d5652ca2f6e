"""Cards: bound through the acquirer's page (one rouble, given back), listed, made the
default, unbound; a card is its binder's alone, and a LIMITED session sees none."""

from __future__ import annotations

import asyncio

import httpx

from devacquirer import RunningAcquirer
from jobs.payments import submit
from models import Autopay, Card, Payment, User
from tests.conftest import GQL
from tests.devacquirer.flows import Receiver
from tests.helpers import token_for
from tests.payment.conftest import (
    ANNA,
    BORIS,
    MASHA,
    RETURN_URL,
    bound_card,
    card_gid,
    deliver_notifications,
    network_token,
    pay_in_browser,
    top_up,
)

VISA = "4111111111111111"
BIND = """
mutation B($r: String!) {
  bindCard(input: {returnUrl: $r}) { confirmationUrl errors { code field } } }
"""
CARDS = "{ viewer { cards { id mask brand expiresAt isDefault } } }"
UNBIND = "mutation U($c: ID!) { unbindCard(input: {cardId: $c}) { card { id } errors { code } } }"
DEFAULT = """
mutation D($c: ID!) { setDefaultCard(input: {cardId: $c}) { card { isDefault } errors { code } } }
"""
NODE = "query N($id: ID!) { node(id: $id) { ... on Card { mask } } }"


async def cards(gql: GQL, token: str) -> list[dict]:
    return (await gql(CARDS, token=token))["data"]["viewer"]["cards"]


async def test_binding_a_card_takes_a_rouble_gives_it_back_and_lists_the_card(
    gql: GQL,
    demo,
    acquirer: RunningAcquirer,
    receiver: Receiver,
    client: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    running_jobs,
) -> None:
    anna = await token_for(gql, ANNA)
    before = await cards(gql, anna)
    assert [c["mask"] for c in before] == ["5555 55** **** 4477"]  # the demo's card
    assert before[0]["isDefault"] is True
    started = (await gql(BIND, {"r": RETURN_URL}, token=anna))["data"]["bindCard"]
    assert started["errors"] == []
    back = await pay_in_browser(browser, started["confirmationUrl"], VISA)
    assert back.status_code == 303
    await deliver_notifications(acquirer, receiver, client)
    after = await cards(gql, anna)
    assert [(c["mask"], c["brand"], c["isDefault"]) for c in after] == [
        ("5555 55** **** 4477", "MASTERCARD", True),
        ("4111 11** **** 1111", "VISA", False),
    ]
    binding = await Payment.get(purpose="CARD_BINDING")
    assert binding.amount == 1_00
    assert binding.line_id is None
    for _ in range(100):  # the worker gives the rouble back
        binding = await Payment.get(id=binding.id)
        if binding.status == "REFUNDED":
            break
        await asyncio.sleep(0.1)
    assert binding.status == "REFUNDED"
    # the acquirer's refund notification changes nothing more
    assert set(await deliver_notifications(acquirer, receiver, client)) <= {200}
    assert len(await cards(gql, anna)) == 2


async def test_a_card_is_its_binders_alone(gql: GQL, demo) -> None:
    anna, boris = await token_for(gql, ANNA), await token_for(gql, BORIS)
    annas = await cards(gql, anna)
    assert await cards(gql, boris) == []
    assert (await gql(NODE, {"id": annas[0]["id"]}, token=anna))["data"]["node"] == {
        "mask": "5555 55** **** 4477"
    }
    assert (await gql(NODE, {"id": annas[0]["id"]}, token=boris))["data"]["node"] is None
    refused = await gql(UNBIND, {"c": annas[0]["id"]}, token=boris)
    assert [e["code"] for e in refused["data"]["unbindCard"]["errors"]] == ["NOT_FOUND"]
    assert (await Card.get(mask="5555 55** **** 4477")).removed_at is None


async def test_a_limited_session_neither_sees_nor_binds_nor_pays_with_cards(
    gql: GQL, demo, settings, make_gql
) -> None:
    network, token = await network_token(settings, make_gql)
    assert (await network(CARDS, token=token))["data"]["viewer"]["cards"] == []
    bind = await network(BIND, {"r": RETURN_URL}, token=token)
    assert [e["code"] for e in bind["data"]["bindCard"]["errors"]] == ["FORBIDDEN"]
    card = await Card.get(mask="5555 55** **** 4477")
    paid = await top_up(network, token, MASHA, "100.00", "n-1", card=card_gid(card))
    assert [(e["code"], e["field"]) for e in paid["errors"]] == [("FORBIDDEN", ["cardId"])]
    # a card typed in the browser proves itself: that a LIMITED session may use
    typed = await top_up(network, token, MASHA, "100.00", "n-2", url=RETURN_URL)
    assert typed["errors"] == []
    assert typed["confirmationUrl"]


async def test_unbinding_stops_the_card_and_its_autopays_and_moves_the_default(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    person = await User.get(name="Анна Иванова")
    second = await bound_card(acquirer, person, VISA)
    demo_card = await Card.get(owner_id=person.id, mask="5555 55** **** 4477")
    made = await gql(DEFAULT, {"c": card_gid(second)}, token=anna)
    assert made["data"]["setDefaultCard"] == {"card": {"isDefault": True}, "errors": []}
    assert [c["isDefault"] for c in await cards(gql, anna)] == [False, True]
    assert await Autopay.filter(card_id=demo_card.id, active=True).count() == 1  # the demo's
    done = await gql(UNBIND, {"c": card_gid(demo_card)}, token=anna)
    assert done["data"]["unbindCard"]["errors"] == []
    assert [c["mask"] for c in await cards(gql, anna)] == ["4111 11** **** 1111"]
    stopped = await Autopay.get(card_id=demo_card.id)
    assert (stopped.active, stopped.stopped_reason) == (False, "card_removed")
    paid = await top_up(gql, anna, MASHA, "100.00", "gone", card=card_gid(demo_card))
    assert [e["code"] for e in paid["errors"]] == ["NOT_FOUND"]
    await gql(UNBIND, {"c": card_gid(second)}, token=anna)
    assert await cards(gql, anna) == []


async def test_a_return_url_not_listed_is_refused(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    answer = await gql(BIND, {"r": "https://evil.test/"}, token=anna)
    assert answer["data"]["bindCard"] == {
        "confirmationUrl": None,
        "errors": [{"code": "INVALID_INPUT", "field": ["returnUrl"]}],
    }


async def test_a_late_success_of_a_payment_by_a_removed_card_does_not_bring_it_back(
    gql: GQL, demo, app, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    acquirer.behaviour.down = 503  # the payment is kept, not yet sent
    kept = await top_up(gql, anna, MASHA, "100.00", "late-1", card=card_gid(card))
    assert kept["payment"]["status"] == "PENDING"
    await gql(UNBIND, {"c": card_gid(card)}, token=anna)
    acquirer.behaviour.down = None
    # sent later by the reconciler: it succeeds, and the acquirer reports the card saved
    payment = await Payment.get(idempotency_key="late-1")
    done = await submit(app.state.services, payment)
    assert done.status == "SUCCEEDED"
    assert (await Card.get(id=card.id)).removed_at is not None
    assert await cards(gql, anna) == []
