"""Connecting and disconnecting services: rules with reasons, charges once, idempotent,
and the catalogue's filter for what a line could take."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from models import LedgerEntry, Line, LineRequest, LineService, Service
from models.ledger import EntryKind, post_entry
from tests.conftest import GQL
from tests.helpers import token_for

CONNECT = """
mutation C($m: String!, $s: ID!) { connectService(input: {msisdn: $m, serviceId: $s}) {
  line { services { service { code } } } request { kind status price { amount } }
  errors { code field message } } }
"""
DISCONNECT = """
mutation D($m: String!, $s: ID!) { disconnectService(input: {msisdn: $m, serviceId: $s}) {
  request { kind status } errors { code } } }
"""
CATALOGUE = """
query S($m: String!) { serviceCatalog(first: 50, filter: {compatibleWith: $m}) {
  totalCount edges { node { code } } } }
"""
PETYA, MASHA, ANNA = "9031234569", "9031234568", "9031234567"


async def service_id(code: str) -> str:
    pk = (await Service.get(code=code)).id
    return base64.b64encode(f"Service:{pk}".encode()).decode()


async def connect(gql: GQL, token: str, msisdn: str, code: str) -> dict[str, Any]:
    variables = {"m": msisdn, "s": await service_id(code)}
    return (await gql(CONNECT, variables, token=token))["data"]["connectService"]


async def test_twenty_parallel_connects_connect_once_and_charge_once(gql: GQL, demo) -> None:
    petya = await token_for(gql, PETYA)
    line = await Line.get(msisdn=PETYA)
    balance = line.balance
    answers = await asyncio.gather(
        *(connect(gql, petya, PETYA, "ringback-tune") for _ in range(20))
    )
    assert all(a["errors"] == [] for a in answers)
    made = [a["request"] for a in answers if a["request"] is not None]
    assert made == [{"kind": "SERVICE_CONNECT", "status": "DONE", "price": {"amount": "60.00"}}]
    tune = await Service.get(code="ringback-tune")
    assert await LineService.filter(line_id=line.id, service_id=tune.id).count() == 1
    charges = await LedgerEntry.filter(line_id=line.id, amount=-6_000, kind=EntryKind.CHARGE)
    assert len(charges) == 1
    assert (await Line.get(id=line.id)).balance == balance - 6_000


async def test_a_free_service_charges_nothing_and_disconnecting_is_idempotent(
    gql: GQL, demo
) -> None:
    petya = await token_for(gql, PETYA)
    line = await Line.get(msisdn=PETYA)
    entries = await LedgerEntry.filter(line_id=line.id).count()
    done = await connect(gql, petya, PETYA, "who-called")
    assert done["errors"] == []
    assert done["request"]["price"] is None
    assert await LedgerEntry.filter(line_id=line.id).count() == entries
    variables = {"m": PETYA, "s": await service_id("who-called")}
    first = (await gql(DISCONNECT, variables, token=petya))["data"]["disconnectService"]
    assert first == {"request": {"kind": "SERVICE_DISCONNECT", "status": "DONE"}, "errors": []}
    second = (await gql(DISCONNECT, variables, token=petya))["data"]["disconnectService"]
    assert second == {"request": None, "errors": []}


async def test_what_cannot_go_on_a_line_is_incompatible_with_a_reason(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    line = await Line.get(msisdn=ANNA)
    asked_before = await LineRequest.filter(line_id=line.id, kind="SERVICE_CONNECT").count()
    kids = await connect(gql, anna, MASHA, "roaming-europe")
    assert kids["errors"][0]["code"] == "INCOMPATIBLE"
    assert "tariff" in kids["errors"][0]["message"].lower()
    assert (await connect(gql, anna, ANNA, "roaming-world"))["errors"] == []
    clash = await connect(gql, anna, ANNA, "roaming-europe")
    assert clash["errors"][0]["code"] == "INCOMPATIBLE"
    assert "Мой мир" in clash["errors"][0]["message"]
    home_on_phone = await connect(gql, anna, ANNA, "static-ip")
    assert home_on_phone["errors"][0]["code"] == "INCOMPATIBLE"
    # only the one that went on is in the history
    connects = await LineRequest.filter(line_id=line.id, kind="SERVICE_CONNECT").count()
    assert connects == asked_before + 1


async def test_a_paid_service_the_balance_cannot_pay_is_refused_whole(gql: GQL, demo) -> None:
    petya = await token_for(gql, PETYA)
    line = await Line.get(msisdn=PETYA)
    await post_entry(line.id, -line.balance + 100, EntryKind.CHARGE, "spent")
    refused = await connect(gql, petya, PETYA, "ringback-tune")
    assert [e["code"] for e in refused["errors"]] == ["INSUFFICIENT_FUNDS"]
    tune = await Service.get(code="ringback-tune")
    assert not await LineService.exists(line_id=line.id, service_id=tune.id)
    assert (await Line.get(id=line.id)).balance == 100


async def test_the_catalogue_lists_what_a_line_could_take_and_nothing_for_a_stranger(
    gql: GQL, demo
) -> None:
    anna, boris = await token_for(gql, ANNA), await token_for(gql, "9161112233")
    masha = await gql(CATALOGUE, {"m": MASHA}, token=anna)
    codes = {e["node"]["code"] for e in masha["data"]["serviceCatalog"]["edges"]}
    assert "antivirus" in codes
    assert not codes & {"roaming-world", "roaming-europe"}  # the children's tariff
    assert not codes & {"caller-id", "ringback-tune"}  # connected already
    assert not codes & {"static-ip", "cinema"}  # home internet and TV
    for msisdn in (MASHA, "9990000000"):
        hidden = await gql(CATALOGUE, {"m": msisdn}, token=boris)
        assert hidden["data"]["serviceCatalog"] == {"totalCount": 0, "edges": []}


async def test_the_owner_reads_each_change_in_the_audit_log(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    await connect(gql, anna, ANNA, "roaming-world")
    variables = {"m": ANNA, "s": await service_id("roaming-world")}
    await gql(DISCONNECT, variables, token=anna)
    audit = await gql(
        'query { viewer { line(msisdn: "9031234567") { auditLog(first: 2) { edges { node {'
        " action details actor { name } } } } } } }",
        token=anna,
    )
    nodes = [e["node"] for e in audit["data"]["viewer"]["line"]["auditLog"]["edges"]]
    assert nodes == [
        {
            "action": "SERVICE_DISCONNECT",
            "details": {"service": "Мой мир"},
            "actor": {"name": "Анна Иванова"},
        },
        {
            "action": "SERVICE_CONNECT",
            "details": {"service": "Мой мир", "price": "0.00"},
            "actor": {"name": "Анна Иванова"},
        },
    ]
