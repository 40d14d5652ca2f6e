"""Free SMS (segments, quota, on-net only, sent by the worker), a child's login switched
off and on, and the request history with its filters."""

from __future__ import annotations

import asyncio
from typing import Any

from models import Line, LineRequest, LineRequestStatus
from models.sms import DAILY_QUOTA, segments
from tests.conftest import GQL
from tests.helpers import clear_of_midnight, login, read_outbox, token_for
from tests.jobs.conftest import until

SEND = """
mutation S($m: String!, $to: String!, $t: String!) {
  sendSms(input: {msisdn: $m, to: $to, text: $t}) {
    request { id kind status summary } errors { code field } } }
"""
HISTORY = """
query H($m: String!, $f: LineRequestFilter) { viewer { line(msisdn: $m) {
  requests(first: 20, filter: $f) { totalCount edges { node {
    kind status summary price { amount } actor { name } createdAt } } } } } }
"""
ANNA, MASHA = "9031234567", "9031234568"


async def send(gql: GQL, token: str, to: str, text: str, msisdn: str = ANNA) -> dict[str, Any]:
    answer = await gql(SEND, {"m": msisdn, "to": to, "t": text}, token=token)
    return answer["data"]["sendSms"]


def test_texts_are_counted_in_sms_parts_as_phones_count_them() -> None:
    assert segments("a" * 160) == segments("a" * 160)
    assert (segments("a" * 160).encoding, segments("a" * 160).count) == ("GSM-7", 1)
    assert segments("a" * 161).count == 2
    assert segments("€" * 80).count == 1  # an extension character takes two places
    assert segments("€" * 81).count == 2
    assert (segments("я" * 70).encoding, segments("я" * 70).count) == ("UCS-2", 1)
    assert segments("я" * 71).count == 2
    assert segments("я" * 335).count == 5
    assert segments("a" * 159 + "я").encoding == "UCS-2"


async def test_a_free_sms_goes_out_through_the_worker_from_the_senders_number(
    gql: GQL, settings, demo, running_jobs
) -> None:
    anna = await token_for(gql, ANNA)
    sent = await send(gql, anna, "+7 903 123-45-68", "Маша, позвони маме")
    assert sent["errors"] == []
    assert (sent["request"]["kind"], sent["request"]["status"]) == ("SMS", "PENDING")

    line = await Line.get(msisdn=ANNA)

    async def delivered() -> bool:
        found = await LineRequest.filter(line_id=line.id, kind="SMS").first()
        return found is not None and found.status is LineRequestStatus.DONE

    await until(delivered, 30, "the worker to send the SMS")
    out = [m for m in read_outbox(settings.sms_outbox) if m.get("sender")]
    assert [(m["to"], m["text"], m["sender"]) for m in out] == [(MASHA, "Маша, позвони маме", ANNA)]


async def test_only_on_net_mobile_numbers_and_texts_that_fit_are_sent(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    for to in ("4951234567", "12", "0891234567", "9169999999"):
        refused = await send(gql, anna, to, "hi")
        assert refused["errors"] == [{"code": "INVALID_INPUT", "field": ["to"]}], to
    for text in ("   ", "я" * 336, "bell\x07"):
        refused = await send(gql, anna, MASHA, text)
        assert refused["errors"] == [{"code": "INVALID_INPUT", "field": ["text"]}], text
    assert (await send(gql, anna, MASHA, "я" * 335))["errors"] == []
    line = await Line.get(msisdn=ANNA)
    assert await LineRequest.filter(line_id=line.id, kind="SMS").count() == 1


async def test_the_daily_quota_holds_even_for_parallel_sends(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    await clear_of_midnight()
    answers = await asyncio.gather(
        *(send(gql, anna, MASHA, f"msg {n}") for n in range(DAILY_QUOTA + 5))
    )
    codes = [a["errors"][0]["code"] if a["errors"] else "OK" for a in answers]
    assert codes.count("OK") == DAILY_QUOTA
    assert codes.count("QUOTA_EXCEEDED") == 5


async def test_a_childs_login_switched_off_ends_her_sessions_and_refuses_her_password(
    gql: GQL, demo
) -> None:
    anna = await token_for(gql, ANNA)
    masha = await token_for(gql, MASHA)
    toggle = """mutation T($m: String!, $e: Boolean!) { setLineUserLogin(input: {msisdn: $m,
      enabled: $e}) { line { msisdn } errors { code } } }"""
    off = await gql(toggle, {"m": MASHA, "e": False}, token=anna)
    assert off["data"]["setLineUserLogin"]["errors"] == []
    assert (await gql("{ viewer { user { name } } }", token=masha))["data"]["viewer"] is None
    assert (await login(gql, MASHA))["errors"][0]["code"] == "LOGIN_DISABLED"
    assert (await login(gql, MASHA, "wrong-password-1"))["errors"][0]["code"] == (
        "INVALID_CREDENTIALS"
    )
    # her own login only: Anna's own number has no separate user to switch off
    own = await gql(toggle, {"m": ANNA, "e": False}, token=anna)
    assert own["data"]["setLineUserLogin"]["errors"] == [{"code": "INVALID_INPUT"}]
    on = await gql(toggle, {"m": MASHA, "e": True}, token=anna)
    assert on["data"]["setLineUserLogin"]["errors"] == []
    assert (await login(gql, MASHA))["accessToken"]


async def test_the_request_history_is_newest_first_with_who_what_and_price(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    everything = await gql(HISTORY, {"m": ANNA}, token=anna, headers={"Accept-Language": "ru"})
    nodes = [e["node"] for e in everything["data"]["viewer"]["line"]["requests"]["edges"]]
    assert [n["kind"] for n in nodes] == ["SERVICE_CONNECT", "TARIFF_CHANGE"]
    assert nodes[0]["summary"] == "Подключение услуги «Гороскоп каждый день»"
    assert nodes[0]["price"] == {"amount": "15.00"}
    assert nodes[0]["actor"] == {"name": "Анна Иванова"}
    assert nodes[0]["createdAt"] > nodes[1]["createdAt"]

    masha_line = {"m": MASHA}
    rejected = await gql(
        HISTORY, {**masha_line, "f": {"statuses": ["REJECTED", "PENDING"]}}, token=anna
    )
    found = rejected["data"]["viewer"]["line"]["requests"]
    assert sorted(e["node"]["status"] for e in found["edges"]) == ["PENDING", "REJECTED"]
    sms = await gql(HISTORY, {**masha_line, "f": {"kinds": ["SMS"]}}, token=anna)
    assert sms["data"]["viewer"]["line"]["requests"]["totalCount"] == 2
    english = await gql(HISTORY, {**masha_line, "f": {"kinds": ["AUTOPAY"]}}, token=anna)
    node = english["data"]["viewer"]["line"]["requests"]["edges"][0]["node"]
    assert node["summary"] == "Autopay: 300.00 ₽"
    assert node["actor"] is None
    # a LIMITED delegate of Masha's line sees none of it
    galina = await token_for(gql, "9162223344")
    limited = await gql(HISTORY, masha_line, token=galina)
    assert limited["data"]["viewer"]["line"]["requests"] is None
    assert limited["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_request_by_its_global_id_only_for_viewers_of_the_lines_usage(
    gql: GQL, demo
) -> None:
    import base64

    masha = await Line.get(msisdn=MASHA)
    row = (await LineRequest.filter(line_id=masha.id).order_by("id").limit(1))[0]
    node_id = base64.b64encode(f"LineRequest:{row.id}".encode()).decode()
    query = "query($id: ID!) { node(id: $id) { ... on LineRequest { kind } } }"
    anna = await token_for(gql, ANNA)
    assert (await gql(query, {"id": node_id}, token=anna))["data"]["node"] == {"kind": row.kind}
    # Galina sees Masha's line LIMITED (no VIEW_USAGE); Boris does not see it at all
    for who in ("9162223344", "9161112233"):
        token = await token_for(gql, who)
        assert (await gql(query, {"id": node_id}, token=token))["data"]["node"] is None
    assert (await gql(query, {"id": node_id}))["data"]["node"] is None
