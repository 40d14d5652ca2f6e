"""Expenses: a month by category beside the month before (categories add up to the
total), the family's months, and the subscriptions nobody uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from models import Allowance, LineService, Service, UsageRecord
from models.expenses import Month
from tests.conftest import GQL
from tests.helpers import token_for
from tests.usage.conftest import ANNA, GALINA, MASHA, PETYA, body, record, send

EXPENSES = """query E($m: String!, $month: String!) { viewer { line(msisdn: $m) {
  expenses(month: $month) { month total { amount } previousTotal { amount }
    categories { category amount { amount } previousAmount { amount } } } } } }"""
FAMILY = """query F($month: String!) { viewer { familyExpenses(month: $month) {
  line { msisdn } total { amount } } } }"""
FORGOTTEN = """{ viewer { forgottenSubscriptions { line { msisdn } service { code }
  monthlyCost { amount } } } }"""


def kopecks(money: dict) -> int:
    return round(float(money["amount"]) * 100)


async def test_a_month_is_split_by_category_and_adds_up(
    gql: GQL, client: httpx.AsyncClient, demo
) -> None:
    month = Month.of(datetime.now(UTC))
    await Allowance.filter(line__msisdn=PETYA, kind="SMS").update(left=0)
    await send(
        client,
        body(
            record("e-1", seconds=600 * 60),  # beyond Petya's 200 minutes
            record("e-2", roaming=True, zone="EUROPE", seconds=120),
            record("e-3", kind="SMS", seconds=None, units=5),  # the package is spent
        ),
    )
    anna = await token_for(gql, ANNA)
    answer = await gql(EXPENSES, {"m": PETYA, "month": month.name}, token=anna)
    report = answer["data"]["viewer"]["line"]["expenses"]
    amounts = {c["category"]: kopecks(c["amount"]) for c in report["categories"]}
    assert list(amounts) == ["CALLS", "SMS", "DATA", "ROAMING", "SUBSCRIPTIONS", "FEES", "ONE_OFF"]
    records = {r.network_id: r.cost for r in await UsageRecord.all()}
    assert amounts["CALLS"] == records["e-1"] > 0
    assert amounts["ROAMING"] == records["e-2"] > 0
    assert amounts["SMS"] == records["e-3"] > 0
    assert amounts["FEES"] == 200_00  # the demo's fee of this month ("Детский")
    assert sum(amounts.values()) == kopecks(report["total"])
    previous = {c["category"]: kopecks(c["previousAmount"]) for c in report["categories"]}
    assert previous["FEES"] == 200_00  # last month's fee, from the demo's history
    assert sum(previous.values()) == kopecks(report["previousTotal"])


async def test_the_family_view_holds_every_line_whose_usage_the_viewer_may_see(
    gql: GQL, demo
) -> None:
    name = Month.of(datetime.now(UTC)).name
    anna, galina = await token_for(gql, ANNA), await token_for(gql, GALINA)
    family = (await gql(FAMILY, {"month": name}, token=anna))["data"]["viewer"]["familyExpenses"]
    assert len(family) == 6
    own = (await gql(FAMILY, {"month": name}, token=galina))["data"]["viewer"]["familyExpenses"]
    assert [r["line"]["msisdn"] for r in own] == [GALINA]  # Masha's line is LIMITED for her
    bad = await gql(FAMILY, {"month": "November"}, token=anna)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_forgotten_subscriptions_are_the_paid_ones_nobody_used_for_60_days(
    gql: GQL, client: httpx.AsyncClient, demo
) -> None:
    await LineService.all().update(connected_at=datetime.now(UTC) - timedelta(days=90))
    await Service.filter(code="horoscope").update(short_number="5055")
    # Petya's line is used: his antivirus is not forgotten; Anna asks her horoscope once
    await send(
        client,
        body(
            record("f-1", PETYA),
            record("f-2", ANNA, kind="SMS", seconds=None, units=1, counterpart="5055"),
            record("f-3", MASHA, direction="IN"),
        ),
    )
    anna = await token_for(gql, ANNA)
    found = (await gql(FORGOTTEN, token=anna))["data"]["viewer"]["forgottenSubscriptions"]
    pairs = {(f["line"]["msisdn"], f["service"]["code"]) for f in found}
    assert ("9031234570", "horoscope") in pairs  # the tablet's
    assert ("9031234571", "antivirus") in pairs  # the modem's
    assert (ANNA, "horoscope") not in pairs
    assert (PETYA, "antivirus") not in pairs
    assert (MASHA, "ringback-tune") not in pairs  # an incoming call hears it
    horoscope = next(f for f in found if f["service"]["code"] == "horoscope")
    assert horoscope["monthlyCost"] == {"amount": "450.00"}  # 15 a day, 30 days


async def test_a_limited_viewer_gets_no_expenses_of_that_line(gql: GQL, demo) -> None:
    galina = await token_for(gql, GALINA)
    name = Month.of(datetime.now(UTC)).name
    answer = await gql(EXPENSES, {"m": MASHA, "month": name}, token=galina)
    assert answer["data"]["viewer"]["line"]["expenses"] is None
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    found = (await gql(FORGOTTEN, token=galina))["data"]["viewer"]["forgottenSubscriptions"]
    assert {f["line"]["msisdn"] for f in found} <= {GALINA}
