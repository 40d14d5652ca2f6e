"""Payment history: line.payments and line.transactions with filters, exact amounts, and
who may read a payment: its payer, and whoever has VIEW_USAGE on its line."""

from __future__ import annotations

from devacquirer import RunningAcquirer
from models import Card, Payment
from tests.conftest import GQL
from tests.helpers import token_for
from tests.payment.conftest import ANNA, GALINA, MASHA, PETYA, RETURN_URL, card_gid, top_up

PAYMENTS = """
query P($m: String!, $f: PaymentFilter) { viewer { line(msisdn: $m) {
  payments(filter: $f, first: 50) { totalCount edges { node {
    id status amount { amount } createdAt card { mask } } } } } } }
"""
TRANSACTIONS = """
query T($m: String!, $f: LedgerFilter) { viewer { line(msisdn: $m) {
  transactions(filter: $f, first: 100) { edges { node {
    kind amount { amount } bonus { amount } createdAt } } } } } }
"""
NODE = """
query N($id: ID!) { node(id: $id) { ... on Payment { status amount { amount } card { mask } } } }
"""


async def payments(gql: GQL, token: str, msisdn: str, filter: dict | None = None) -> dict:
    answer = await gql(PAYMENTS, {"m": msisdn, "f": filter}, token=token)
    return answer["data"]["viewer"]["line"]["payments"]


async def test_the_history_lists_payments_newest_first_and_filters_by_status_and_period(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    await top_up(gql, anna, PETYA, "123.45", "h-1", card=card_gid(card))
    await top_up(gql, anna, PETYA, "200.00", "h-2", url=RETURN_URL)  # not paid yet
    found = await payments(gql, anna, PETYA)
    nodes = [e["node"] for e in found["edges"]]
    assert found["totalCount"] == 5  # three months of the demo, and these two
    assert [n["status"] for n in nodes[:2]] == ["REQUIRES_ACTION", "SUCCEEDED"]
    assert nodes[1]["amount"] == {"amount": "123.45"}
    assert nodes[1]["card"] == {"mask": "5555 55** **** 4477"}
    assert [n["createdAt"] for n in nodes] == sorted((n["createdAt"] for n in nodes), reverse=True)
    pending = await payments(gql, anna, PETYA, {"statuses": ["REQUIRES_ACTION"]})
    assert pending["totalCount"] == 1
    recent = await payments(gql, anna, PETYA, {"from": nodes[1]["createdAt"]})
    assert recent["totalCount"] == 2
    refused = await gql(
        PAYMENTS,
        {"m": PETYA, "f": {"from": "2026-12-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}},
        token=anna,
    )
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_payment_is_read_by_its_payer_and_by_view_usage_only(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna, galina, petya = [await token_for(gql, who) for who in (ANNA, GALINA, PETYA)]
    card = await Card.get(mask="5555 55** **** 4477")
    annas = await top_up(gql, anna, MASHA, "300.00", "n-1", card=card_gid(card))
    galinas = await top_up(gql, galina, MASHA, "100.00", "n-2", url=RETURN_URL)

    async def node(token: str, gid: str) -> dict | None:
        return (await gql(NODE, {"id": gid}, token=token))["data"]["node"]

    # the payer reads it with the card; Galina, LIMITED on Masha's line, only her own
    assert await node(anna, annas["payment"]["id"]) == {
        "status": "SUCCEEDED",
        "amount": {"amount": "300.00"},
        "card": {"mask": card.mask},
    }
    assert await node(galina, galinas["payment"]["id"]) is not None
    assert await node(galina, annas["payment"]["id"]) is None
    # Anna holds Masha's line (VIEW_USAGE): she reads Galina's payment too
    seen = await node(anna, galinas["payment"]["id"])
    assert seen is not None
    assert seen["status"] == "REQUIRES_ACTION"
    # Petya has nothing to do with Masha's line
    assert await node(petya, annas["payment"]["id"]) is None
    # LIMITED on the line: the history is forbidden, not empty
    answer = await gql(PAYMENTS, {"m": MASHA}, token=galina)
    assert answer["data"]["viewer"]["line"]["payments"] is None
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_viewer_of_the_line_never_sees_the_payers_card(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna, petya = await token_for(gql, ANNA), await token_for(gql, PETYA)
    card = await Card.get(mask="5555 55** **** 4477")
    await top_up(gql, anna, PETYA, "150.00", "c-1", card=card_gid(card))
    seen = [e["node"] for e in (await payments(gql, petya, PETYA))["edges"]]
    assert seen[0]["amount"] == {"amount": "150.00"}
    assert seen[0]["card"] is None
    payment = await Payment.get(idempotency_key="c-1")
    assert payment.card_id == card.id


async def test_transactions_filter_by_kind_and_period_with_exact_amounts(
    gql: GQL, demo, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)

    async def entries(filter: dict | None) -> list[dict]:
        answer = await gql(TRANSACTIONS, {"m": ANNA, "f": filter}, token=anna)
        return [e["node"] for e in answer["data"]["viewer"]["line"]["transactions"]["edges"]]

    everything = await entries(None)
    bonuses = await entries({"kinds": ["BONUS"]})
    assert {e["kind"] for e in everything} >= {"TOP_UP", "CHARGE", "BONUS"}
    assert bonuses
    assert {e["kind"] for e in bonuses} == {"BONUS"}
    # Anna's tariff gives 5 %: 55.00 on each 1 100.00 top-up of the demo's months (and
    # on the top-up after her trip); no money moves
    assert {e["amount"]["amount"] for e in bonuses} == {"0.00"}
    assert ("0.00", "55.00") in {(e["amount"]["amount"], e["bonus"]["amount"]) for e in bonuses}
    oldest = everything[-1]["createdAt"]
    assert await entries({"to": oldest}) == []
    assert len(await entries({"from": oldest, "kinds": ["TOP_UP", "CHARGE"]})) == len(
        [e for e in everything if e["kind"] in ("TOP_UP", "CHARGE")]
    )
