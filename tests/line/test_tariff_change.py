"""Changing a tariff: the preview's price to the kopeck, the token it takes, and every
way a quote goes stale (PRICE_CHANGED) or cannot be paid, changing nothing."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from models import Allowance, LedgerEntry, Line, LineRequest, Tariff
from models.allowance import month_before
from models.ledger import EntryKind, post_entry
from tests.conftest import GQL
from tests.helpers import token_for

PREVIEW = """
query P($m: String!, $t: ID!) { viewer { line(msisdn: $m) { balance { amount }
  tariffChangePreview(tariffId: $t) { allowed reason chargeNow { amount } changeFee { amount }
    monthlyFee { amount } effectiveFrom previewToken tariff { code }
    remainsAfter { kind total left unlimited } } } } }
"""
CHANGE = """
mutation C($m: String!, $t: ID!, $token: String!) {
  changeTariff(input: {msisdn: $m, tariffId: $t, previewToken: $token}) {
    line { tariff { code } balance { amount } remains { kind total left } }
    request { kind status price { amount } summary actor { name } }
    errors { code field message } } }
"""
PETYA = "9031234569"  # on "kids" (200 RUB), FULL on his own line


def tariff_id(pk: int) -> str:
    return base64.b64encode(f"Tariff:{pk}".encode()).decode()


async def preview(gql: GQL, token: str, msisdn: str, code: str) -> dict[str, Any]:
    tariff = await Tariff.get(code=code)
    answer = await gql(PREVIEW, {"m": msisdn, "t": tariff_id(tariff.id)}, token=token)
    return answer["data"]["viewer"]["line"]["tariffChangePreview"]


async def change(gql: GQL, token: str, msisdn: str, code: str, preview_token: str) -> dict:
    tariff = await Tariff.get(code=code)
    variables = {"m": msisdn, "t": tariff_id(tariff.id), "token": preview_token}
    return (await gql(CHANGE, variables, token=token))["data"]["changeTariff"]


async def state(msisdn: str) -> tuple[int | None, int, int, int]:
    line = await Line.get(msisdn=msisdn)
    entries = await LedgerEntry.filter(line_id=line.id).count()
    requests = await LineRequest.filter(line_id=line.id).count()
    return line.tariff_id, line.balance, entries, requests


async def test_the_preview_prices_the_rest_of_the_period_and_the_change_charges_exactly_that(
    gql: GQL, demo
) -> None:
    petya = await token_for(gql, PETYA)
    quote = await preview(gql, petya, PETYA, "zero-doubt")
    assert quote["allowed"] is True
    assert quote["reason"] is None
    assert quote["monthlyFee"] == {"amount": "350.00"}
    assert quote["changeFee"] == {"amount": "0.00"}
    # the rule, restated: (new fee - old fee) x seconds left / seconds of the period
    line = await Line.get(msisdn=PETYA)
    end = (await Allowance.filter(line_id=line.id).order_by("resets_at")).pop(0).resets_at
    start = month_before(end)
    quoted_at = datetime.fromisoformat(quote["effectiveFrom"])
    left = int((end - quoted_at).total_seconds())
    expected = (35_000 - 20_000) * left // int((end - start).total_seconds())
    assert quote["chargeNow"]["amount"] == f"{expected // 100}.{expected % 100:02d}"
    packages = {p["kind"]: p for p in quote["remainsAfter"]}
    assert packages["MINUTES"]["total"] == 300
    assert packages["MINUTES"]["left"] == 300 * left // int((end - start).total_seconds())

    balance_before = line.balance
    done = await change(gql, petya, PETYA, "zero-doubt", quote["previewToken"])
    assert done["errors"] == []
    assert done["line"]["tariff"] == {"code": "zero-doubt"}
    after = await Line.get(msisdn=PETYA)
    assert after.balance == balance_before - expected
    last = (await LedgerEntry.filter(line_id=line.id).order_by("-id").limit(1))[0]
    assert (last.kind, last.amount, last.balance_after) == (
        EntryKind.CHARGE,
        -expected,
        after.balance,
    )
    assert done["request"]["kind"] == "TARIFF_CHANGE"
    assert done["request"]["status"] == "DONE"
    assert done["request"]["actor"] == {"name": "Петя Иванов"}
    assert done["line"]["remains"][0]["total"] in (300, 100, 10_240)

    # a second change within 30 days costs the change fee on top
    again = await preview(gql, petya, PETYA, "kids")
    assert again["changeFee"] == {"amount": "100.00"}
    assert again["chargeNow"] == {"amount": "100.00"}  # cheaper: no difference to pay


async def test_a_stale_quote_is_price_changed_and_changes_nothing(gql: GQL, app: Any, demo) -> None:
    petya = await token_for(gql, PETYA)
    before = await state(PETYA)

    edited = await preview(gql, petya, PETYA, "zero-doubt")
    await Tariff.filter(code="zero-doubt").update(monthly_fee=36_000)
    refused = await change(gql, petya, PETYA, "zero-doubt", edited["previewToken"])
    assert [e["code"] for e in refused["errors"]] == ["PRICE_CHANGED"]
    await Tariff.filter(code="zero-doubt").update(monthly_fee=35_000)

    rolled = await preview(gql, petya, PETYA, "zero-doubt")
    line = await Line.get(msisdn=PETYA)
    package = (await Allowance.filter(line_id=line.id).limit(1))[0]
    later = package.resets_at + timedelta(days=30)
    await Allowance.filter(line_id=line.id).update(resets_at=later)
    refused = await change(gql, petya, PETYA, "zero-doubt", rolled["previewToken"])
    assert [e["code"] for e in refused["errors"]] == ["PRICE_CHANGED"]

    fresh = await preview(gql, petya, PETYA, "zero-doubt")
    quotes = app.state.services.quotes
    claims = quotes.verify(fresh["previewToken"])
    stale = quotes.sign({**claims, "exp": int(datetime.now(UTC).timestamp()) - 1})
    expired = await change(gql, petya, PETYA, "zero-doubt", stale)
    assert [e["code"] for e in expired["errors"]] == ["PRICE_CHANGED"]
    # a price the client wrote itself, under the server's signature of another price
    cheaper_body = quotes.sign({**claims, "charge": 1}).split(".")[0]
    forged = f"{cheaper_body}.{fresh['previewToken'].split('.')[1]}"
    refused = await change(gql, petya, PETYA, "zero-doubt", forged)
    assert refused["errors"][0]["code"] == "INVALID_INPUT"
    for bad in (fresh["previewToken"][:-2] + "xx", "", "not.a.token"):
        tampered = await change(gql, petya, PETYA, "zero-doubt", bad)
        assert tampered["errors"][0]["code"] == "INVALID_INPUT"
        assert tampered["errors"][0]["field"] == ["previewToken"]
    other = await change(gql, petya, PETYA, "close-people-2", fresh["previewToken"])
    assert other["errors"][0]["code"] == "INVALID_INPUT"
    assert await state(PETYA) == before


async def test_a_double_submit_changes_the_line_once(gql: GQL, demo) -> None:
    petya = await token_for(gql, PETYA)
    quote = await preview(gql, petya, PETYA, "zero-doubt")
    line = await Line.get(msisdn=PETYA)
    charges_before = await LedgerEntry.filter(line_id=line.id).count()
    both = await asyncio.gather(
        *(change(gql, petya, PETYA, "zero-doubt", quote["previewToken"]) for _ in range(5))
    )
    codes = sorted(e["code"] for answer in both for e in answer["errors"])
    assert codes == ["PRICE_CHANGED"] * 4
    assert await LedgerEntry.filter(line_id=line.id).count() == charges_before + 1
    assert await LineRequest.filter(line_id=line.id, kind="TARIFF_CHANGE").count() == 1


async def test_a_balance_that_cannot_pay_is_insufficient_funds_and_changes_nothing(
    gql: GQL, demo
) -> None:
    petya = await token_for(gql, PETYA)
    quote = await preview(gql, petya, PETYA, "zero-doubt")
    assert quote["allowed"] is True
    line = await Line.get(msisdn=PETYA)
    await post_entry(line.id, -line.balance, EntryKind.CHARGE, "spent")
    before = await state(PETYA)
    refused = await change(gql, petya, PETYA, "zero-doubt", quote["previewToken"])
    assert [e["code"] for e in refused["errors"]] == ["INSUFFICIENT_FUNDS"]
    assert await state(PETYA) == before
    again = await preview(gql, petya, PETYA, "zero-doubt")
    assert again["allowed"] is False
    assert again["previewToken"] is None
    assert "balance" in again["reason"].lower() or "баланс" in again["reason"].lower()


async def test_a_tariff_the_line_cannot_take_is_not_allowed(gql: GQL, demo) -> None:
    anna = await token_for(gql, "9031234567")
    for msisdn, code in [
        ("9031234567", "tablet"),  # a phone needs calls
        ("9031234567", "home-500"),  # home internet on a mobile number
        ("0891234567", "zero-doubt"),  # a mobile tariff on home internet
        ("9031234567", "close-people-4"),  # the one it is on
        ("9031234567", "all-for-300"),  # archived
    ]:
        quote = await preview(gql, anna, msisdn, code)
        assert quote["allowed"] is False, (msisdn, code)
        assert quote["reason"]
        assert quote["previewToken"] is None
    assert (await preview(gql, anna, "9031234570", "tablet"))["allowed"] is False  # blocked
    unknown = await gql(PREVIEW, {"m": "9031234567", "t": tariff_id(99_999)}, token=anna)
    assert unknown["data"]["viewer"]["line"]["tariffChangePreview"] is None
