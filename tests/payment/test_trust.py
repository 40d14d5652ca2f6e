"""The trust payment: who may take one and for how much (the README's rule), one at a
time, repaid from the next top-ups, and the line suspended when it falls due unpaid."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import time_machine

from models import Card, LedgerEntry, Line, LineRequest, TrustPayment, User
from models.access.audit import Actor
from models.ledger import verify
from models.trust import fall_due, fee_for, take
from tests.conftest import GQL
from tests.helpers import token_for
from tests.payment.conftest import ANNA, MODEM, PETYA, card_gid, top_up

OFFER = """query O($m: String!) { viewer { line(msisdn: $m) { status balance { amount }
  trustPayment { eligible reason amount { amount } fee { amount } dueAt active
    current { amount { amount } repaid { amount } outstanding { amount } status } } } } }"""
TAKE = """mutation T($m: String!, $k: String!) { takeTrustPayment(input: {msisdn: $m,
  idempotencyKey: $k}) { line { balance { amount } } request { kind price { amount } }
  errors { code } } }"""


async def offer(gql: GQL, token: str, msisdn: str) -> dict:
    return (await gql(OFFER, {"m": msisdn}, token=token))["data"]["viewer"]["line"]


async def test_an_eligible_line_takes_one_and_pays_the_fee(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    shown = (await offer(gql, anna, PETYA))["trustPayment"]
    assert shown["eligible"] is True
    assert shown["reason"] is None
    amount = int(shown["amount"]["amount"].split(".")[0]) * 100
    assert shown["fee"]["amount"] == f"{fee_for(amount) / 100:.2f}"
    before = (await Line.get(msisdn=PETYA)).balance
    taken = (await gql(TAKE, {"m": PETYA, "k": "t-1"}, token=anna))["data"]["takeTrustPayment"]
    assert taken["errors"] == []
    assert taken["request"] == {"kind": "TRUST_PAYMENT", "price": shown["fee"]}
    after = (await Line.get(msisdn=PETYA)).balance
    assert after == before + amount - fee_for(amount)
    again = (await gql(TAKE, {"m": PETYA, "k": "t-1"}, token=anna))["data"]["takeTrustPayment"]
    assert again["errors"] == []  # the same key: the same one, nothing more lent
    assert (await Line.get(msisdn=PETYA)).balance == after
    other = (await gql(TAKE, {"m": PETYA, "k": "t-2"}, token=anna))["data"]["takeTrustPayment"]
    assert [e["code"] for e in other["errors"]] == ["NOT_ELIGIBLE"]
    now = (await offer(gql, anna, PETYA))["trustPayment"]
    assert (now["eligible"], now["active"]) == (False, True)
    assert now["current"]["outstanding"] == shown["amount"]
    assert await verify() == []


async def test_two_takes_at_once_lend_once(demo) -> None:
    anna = await User.get(name="Анна Иванова")
    line = await Line.get(msisdn=PETYA)
    results = await asyncio.gather(
        *(take(line, Actor(anna.id), f"race-{n}") for n in range(5)), return_exceptions=True
    )
    taken = [r for r in results if not isinstance(r, Exception)]
    assert len(taken) == 1
    assert await TrustPayment.filter(line_id=line.id).count() == 1
    assert await verify() == []


async def test_a_new_line_or_one_without_top_ups_is_not_eligible(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    line = await Line.get(msisdn=PETYA)
    await Line.filter(id=line.id).update(created_at=datetime.now(UTC) - timedelta(days=10))
    shown = (await offer(gql, anna, PETYA))["trustPayment"]
    assert shown["eligible"] is False
    assert "60" in shown["reason"]
    assert shown["amount"] == {"amount": "0.00"}
    await Line.filter(id=line.id).update(created_at=datetime.now(UTC) - timedelta(days=400))
    await LedgerEntry.filter(line_id=line.id, kind="TOP_UP").update(
        created_at=datetime.now(UTC) - timedelta(days=200)
    )
    shown = (await offer(gql, anna, PETYA))["trustPayment"]
    assert shown["eligible"] is False
    assert "300" in shown["reason"]
    refused = await gql(TAKE, {"m": PETYA, "k": "x"}, token=anna)
    assert [e["code"] for e in refused["data"]["takeTrustPayment"]["errors"]] == ["NOT_ELIGIBLE"]
    assert await TrustPayment.filter(line_id=line.id).count() == 0


async def test_top_ups_repay_it_first(gql: GQL, demo, acquirer) -> None:
    anna = await token_for(gql, ANNA)
    trust = await TrustPayment.get(line__msisdn=MODEM)  # the demo's, on the modem
    card = await Card.get(mask="5555 55** **** 4477")
    before = (await Line.get(msisdn=MODEM)).balance
    part = trust.amount // 3
    await top_up(gql, anna, MODEM, f"{part / 100:.2f}", "r-1", card=card_gid(card))
    trust = await TrustPayment.get(id=trust.id)
    assert (trust.repaid, trust.status) == (part, "ACTIVE")
    assert (await Line.get(msisdn=MODEM)).balance == before  # all of it went to the debt
    await top_up(gql, anna, MODEM, "1000.00", "r-2", card=card_gid(card))
    trust = await TrustPayment.get(id=trust.id)
    assert (trust.repaid, trust.status, trust.open_line_id) == (trust.amount, "REPAID", None)
    assert (await Line.get(msisdn=MODEM)).balance == before + 1000_00 + part - trust.amount
    repaid = await LedgerEntry.filter(line__msisdn=MODEM, kind="TRUST_REPAY").count()
    assert repaid == 2
    assert await verify() == []


async def test_unpaid_when_due_the_line_is_suspended_until_repaid(gql: GQL, demo, acquirer) -> None:
    anna = await token_for(gql, ANNA)
    trust = await TrustPayment.get(line__msisdn=MODEM)
    assert await fall_due() == 0  # not yet
    with time_machine.travel(trust.due_at + timedelta(minutes=1), tick=True):
        assert await fall_due() == 1
        assert await fall_due() == 0
    assert (await Line.get(msisdn=MODEM)).status == "SUSPENDED"
    assert (await TrustPayment.get(id=trust.id)).status == "OVERDUE"
    card = await Card.get(mask="5555 55** **** 4477")
    # a top-up smaller than the debt: still owed, still suspended
    await top_up(gql, anna, MODEM, "100.00", "o-1", card=card_gid(card))
    assert (await Line.get(msisdn=MODEM)).status == "SUSPENDED"
    await top_up(gql, anna, MODEM, "2000.00", "o-2", card=card_gid(card))
    assert (await Line.get(msisdn=MODEM)).status == "ACTIVE"
    assert (await TrustPayment.get(id=trust.id)).status == "REPAID"
    request = await LineRequest.filter(line__msisdn=MODEM, kind="TRUST_PAYMENT").first()
    assert request is not None
