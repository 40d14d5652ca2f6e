"""Blocking: a lost phone at once (a FULL delegate too), what a blocked line refuses,
the home-internet line's free days and paid days, and a block ending on its date."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from models import AccessLevel, LedgerEntry, Line, LineBlock, LineRequest, LineStatus, User
from models.block import BLOCK_DAY_PRICE, BlockReason, settle
from tests.conftest import GQL
from tests.helpers import accepted_grant, token_for
from tests.line.test_services import connect

BLOCK = """
mutation B($m: String!, $r: BlockReason!, $u: DateTime) {
  blockLine(input: {msisdn: $m, reason: $r, until: $u}) {
    line { status block { reason since until freeDaysLeftThisYear } }
    request { kind status } errors { code field } } }
"""
UNBLOCK = """
mutation U($m: String!) { unblockLine(input: {msisdn: $m}) {
  line { status block { reason } } request { kind } errors { code } } }
"""
LINE = "query L($m: String!) { viewer { line(msisdn: $m) { status block { reason until } } } }"
SMS = """
mutation S($m: String!) { sendSms(input: {msisdn: $m, to: "9031234567", text: "hi"}) {
  errors { code } } }
"""
PETYA, MASHA, ROUTER = "9031234569", "9031234568", "0891234567"


async def block(gql: GQL, token: str, msisdn: str, reason: str, until: Any = None) -> dict:
    answer = await gql(BLOCK, {"m": msisdn, "r": reason, "u": until}, token=token)
    return answer["data"]["blockLine"]


async def test_a_full_delegate_blocks_a_lost_phone_and_the_line_refuses_changes(
    gql: GQL, demo
) -> None:
    petya_line = await Line.get(msisdn=PETYA).select_related("contract__holder")
    boris = await User.get(name="Борис Петров")
    await accepted_grant(petya_line, boris, AccessLevel.FULL, "9161112233")
    delegate, petya = await token_for(gql, "9161112233"), await token_for(gql, PETYA)
    done = await block(gql, delegate, PETYA, "LOST")
    assert done["errors"] == []
    assert done["line"]["status"] == "BLOCKED"
    assert done["line"]["block"]["reason"] == "LOST"
    assert done["line"]["block"]["freeDaysLeftThisYear"] is None
    assert done["request"] == {"kind": "BLOCK", "status": "DONE"}

    assert (await gql(SMS, {"m": PETYA}, token=petya))["data"]["sendSms"]["errors"] == [
        {"code": "LINE_BLOCKED"}
    ]
    assert [e["code"] for e in (await connect(gql, petya, PETYA, "who-called"))["errors"]] == [
        "LINE_BLOCKED"
    ]
    # a LIMITED viewer reads the block state; a stranger sees no line at all
    anna = await token_for(gql, "9031234567")
    masha_done = await block(gql, anna, MASHA, "LOST")
    galina = await token_for(gql, "9162223344")
    seen = (await gql(LINE, {"m": MASHA}, token=galina))["data"]["viewer"]["line"]
    assert seen == {"status": "BLOCKED", "block": {"reason": "LOST", "until": None}}
    assert masha_done["errors"] == []

    back = (await gql(UNBLOCK, {"m": PETYA}, token=delegate))["data"]["unblockLine"]
    assert back == {
        "line": {"status": "ACTIVE", "block": None},
        "request": {"kind": "UNBLOCK"},
        "errors": [],
    }
    again = (await gql(UNBLOCK, {"m": PETYA}, token=delegate))["data"]["unblockLine"]
    assert again["request"] is None


async def test_a_double_submit_blocks_once(gql: GQL, demo) -> None:
    anna = await token_for(gql, "9031234567")
    line = await Line.get(msisdn=PETYA)
    asked_before = await LineRequest.filter(line_id=line.id, kind="BLOCK").count()
    answers = await asyncio.gather(*(block(gql, anna, PETYA, "LOST") for _ in range(5)))
    assert all(a["errors"] == [] for a in answers)
    assert sum(a["request"] is not None for a in answers) == 1
    assert await LineBlock.filter(line_id=line.id).count() == 1
    assert await LineRequest.filter(line_id=line.id, kind="BLOCK").count() == asked_before + 1


async def test_bad_block_input_is_refused(gql: GQL, demo) -> None:
    anna = await token_for(gql, "9031234567")
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    past = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    far = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    for reason, until in [("LOST", later), ("VOLUNTARY", past), ("VOLUNTARY", far)]:
        refused = await block(gql, anna, PETYA, reason, until)
        assert refused["errors"] == [{"code": "INVALID_INPUT", "field": ["until"]}]
    assert (await Line.get(msisdn=PETYA)).status is LineStatus.ACTIVE


async def test_home_internet_blocks_are_free_for_ninety_days_then_paid_by_the_day(
    gql: GQL, demo
) -> None:
    router = await Line.get(msisdn=ROUTER)
    now = datetime.now(UTC)
    await LineBlock.create(
        line_id=router.id, reason=BlockReason.VOLUNTARY, since=now - timedelta(days=95)
    )
    await Line.filter(id=router.id).update(status=LineStatus.BLOCKED)
    anna = await token_for(gql, "9031234567")
    seen = await gql(
        'query { viewer { line(msisdn: "0891234567") { block { freeDaysLeftThisYear } } } }',
        token=anna,
    )
    assert seen["data"]["viewer"]["line"]["block"] == {"freeDaysLeftThisYear": 0}
    balance = router.balance
    ended, charged = await settle(now)
    # 95 days ago to today counts 96 (or 97 across Moscow midnight) calendar days
    assert ended == 0
    assert charged in (6, 7)
    assert (await Line.get(id=router.id)).balance == balance - charged * BLOCK_DAY_PRICE
    assert await settle(now) == (0, 0)  # each day once
    days = await LedgerEntry.filter(line_id=router.id, idempotency_key__startswith="block-day:")
    assert len(days) == charged


async def test_a_voluntary_block_ends_by_itself_on_its_date(gql: GQL, demo) -> None:
    anna = await token_for(gql, "9031234567")
    until = datetime.now(UTC) + timedelta(hours=1)
    done = await block(gql, anna, PETYA, "VOLUNTARY", until.isoformat())
    assert done["line"]["block"]["until"] is not None
    with time_machine.travel(until + timedelta(minutes=1)):
        assert await settle() == (1, 0)
    line = await Line.get(msisdn=PETYA)
    assert line.status is LineStatus.ACTIVE
    ended = await LineRequest.filter(line_id=line.id, kind="UNBLOCK").first()
    assert ended is not None
    assert ended.actor_id is None  # the operator's own work
