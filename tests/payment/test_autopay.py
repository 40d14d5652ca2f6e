"""Autopay: below a threshold or on a day of the month, from the payer's bound card,
exactly once per trigger however many workers look, within a monthly cap; failures are
tried a bounded number of times, then the payer is told and nothing more is charged."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import time_machine

from devacquirer import CARD_DECLINED, RunningAcquirer
from models import Autopay, Card, Line, LineRequest, Payment, User
from models.autopay import MAX_ATTEMPTS, AutopayMode, due_runs, rearm, set_autopay
from models.ledger import verify
from tests.conftest import GQL
from tests.helpers import sms_to, token_for
from tests.payment.conftest import ANNA, MASHA, PETYA, bound_card, card_gid

SET = """
mutation S($m: String!, $c: ID!, $mode: AutopayMode!, $a: Decimal!, $t: Decimal, $d: Int,
           $l: Decimal) {
  setAutopay(input: {msisdn: $m, cardId: $c, mode: $mode, amount: $a, threshold: $t,
                     dayOfMonth: $d, monthlyLimit: $l}) {
    autopay { id mode amount { amount } threshold { amount } dayOfMonth active card { mask } }
    errors { code field } } }
"""
LIST = """query L($m: String!) { viewer { line(msisdn: $m) {
  autopays { id mode card { mask } } } } }"""
REMOVE = "mutation R($id: ID!) { removeAutopay(input: {autopayId: $id}) { errors { code } } }"


async def run_autopays(app) -> int:
    """One tick of the scheduled job, as a worker runs it."""
    from jobs.payments import autopay
    from jobs.registry import JobRun

    run = JobRun(app.state.services, None, None, 1, True)  # type: ignore[arg-type]
    return await autopay(run)


async def settled_count(query, expected: int) -> int:
    """The worker's own schedule may have claimed the trigger a moment before this test
    did and be writing its payment: wait for it, then a little longer, so that a second
    payment, were there one, would show."""
    for _ in range(50):
        if await query.count() >= expected:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.1)
    return await query.count()


async def drain(line_id: int, to: int) -> None:
    """Charges take the balance down to `to` kopecks (a bill, calls ...)."""
    line = await Line.get(id=line_id)
    from tortoise.transactions import in_transaction

    from models.ledger import charge

    async with in_transaction() as conn:
        await charge(conn, line_id, line.balance - to, "usage", allow_debt=True)


async def test_a_parent_sets_a_threshold_autopay_and_it_tops_up_once_per_fall(
    gql: GQL, demo, app, acquirer: RunningAcquirer
) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    done = await gql(
        SET,
        {"m": PETYA, "c": card_gid(card), "mode": "THRESHOLD", "a": "300.00", "t": "100.00"},
        token=anna,
    )
    autopay = done["data"]["setAutopay"]
    assert autopay["errors"] == []
    assert autopay["autopay"]["card"] == {"mask": card.mask}
    petya = await Line.get(msisdn=PETYA)
    await drain(petya.id, 50_00)
    # two workers find the same fall at once: one payment
    sent = await asyncio.gather(run_autopays(app), run_autopays(app))
    assert sorted(sent) == [0, 1]
    assert (await Line.get(id=petya.id)).balance == 350_00
    # still above the threshold: nothing more, however often it looks
    assert await run_autopays(app) == 0
    # a new fall is a new trigger
    await drain(petya.id, 20_00)
    assert await run_autopays(app) == 1
    assert (await Line.get(id=petya.id)).balance == 320_00
    history = await LineRequest.filter(line_id=petya.id, kind="AUTOPAY").count()
    assert history == 2
    assert await verify() == []


async def test_a_monthly_autopay_runs_on_its_day_once_and_keeps_to_its_cap(
    gql: GQL, demo, app, acquirer: RunningAcquirer
) -> None:
    anna = await User.get(name="Анна Иванова")
    card = await Card.get(mask="5555 55** **** 4477")
    petya = await Line.get(msisdn=PETYA)
    await set_autopay(petya.id, anna.id, card, AutopayMode.MONTHLY, 500_00, None, 10, 500_00)
    with time_machine.travel(datetime(2027, 1, 9, 12, tzinfo=UTC), tick=True):
        assert await run_autopays(app) == 0  # not its day yet
    with time_machine.travel(datetime(2027, 1, 10, 12, tzinfo=UTC), tick=True):
        before = (await Line.get(id=petya.id)).balance
        assert await run_autopays(app) == 1
        assert await run_autopays(app) == 0
        assert (await Line.get(id=petya.id)).balance == before + 500_00
    with time_machine.travel(datetime(2027, 1, 25, 12, tzinfo=UTC), tick=True):
        assert await run_autopays(app) == 0  # done this month
    with time_machine.travel(datetime(2027, 2, 10, 12, tzinfo=UTC), tick=True):
        assert await run_autopays(app) == 1


async def test_the_monthly_cap_stops_a_threshold_autopay(
    demo, app, acquirer: RunningAcquirer
) -> None:
    anna = await User.get(name="Анна Иванова")
    card = await Card.get(mask="5555 55** **** 4477")
    petya = await Line.get(msisdn=PETYA)
    await set_autopay(petya.id, anna.id, card, AutopayMode.THRESHOLD, 300_00, 100_00, None, 600_00)
    for _ in range(2):
        await drain(petya.id, 0)
        assert await run_autopays(app) == 1
    await drain(petya.id, 0)
    assert await run_autopays(app) == 0  # 600 this month already
    assert (await Line.get(id=petya.id)).balance == 0


async def test_a_declining_card_is_tried_a_bounded_number_of_times_then_the_payer_is_told(
    demo, app, settings, acquirer: RunningAcquirer, running_jobs
) -> None:
    anna = await User.get(name="Анна Иванова")
    card = await bound_card(acquirer, anna, CARD_DECLINED)
    petya = await Line.get(msisdn=PETYA)
    autopay = await set_autopay(
        petya.id, anna.id, card, AutopayMode.THRESHOLD, 300_00, 100_00, None, None
    )
    await drain(petya.id, 10_00)
    start = datetime.now(UTC)
    runs = Payment.filter(autopay_id=autopay.id)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        row = await Autopay.get(id=autopay.id)
        if row.retry_at is not None:
            assert row.retry_at > datetime.now(UTC)
            await run_autopays(app)
            assert await runs.count() == attempt - 1  # not before its time
        # each retry waits longer; travelling to it makes the next one due. The worker's
        # own schedule may take the run first: either way there is exactly one
        with time_machine.travel(row.retry_at or start, tick=True):
            await run_autopays(app)
            assert await settled_count(runs, attempt) == attempt
    row = await Autopay.get(id=autopay.id)
    assert (row.active, row.stopped_reason) == (False, "general_decline")
    assert await Payment.filter(autopay_id=autopay.id).count() == MAX_ATTEMPTS
    assert await Payment.filter(autopay_id=autopay.id, status="SUCCEEDED").count() == 0
    assert (await Line.get(id=petya.id)).balance == 10_00
    rejected = await LineRequest.get(line_id=petya.id, kind="AUTOPAY")
    assert rejected.status == "REJECTED"
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=True):
        await run_autopays(app)  # stopped: never again
        assert await runs.count() == MAX_ATTEMPTS
    for _ in range(100):  # the worker tells Anna by SMS to her own number
        told = [m for m in sms_to(settings, ANNA) if PETYA in m["text"]]
        if told:
            break
        await asyncio.sleep(0.1)
    assert told
    assert "3" in told[0]["text"]


async def test_autopays_are_listed_for_the_line_and_stopped_by_whoever_manages_it(
    gql: GQL, demo
) -> None:
    anna, petya = await token_for(gql, ANNA), await token_for(gql, PETYA)
    listed = await gql(LIST, {"m": MASHA}, token=anna)
    autopays = listed["data"]["viewer"]["line"]["autopays"]
    assert [(a["mode"], a["card"]) for a in autopays] == [
        ("THRESHOLD", {"mask": "5555 55** **** 4477"})
    ]
    # Petya has no relation to Masha's line: not found, never forbidden
    refused = await gql(REMOVE, {"id": autopays[0]["id"]}, token=petya)
    assert [e["code"] for e in refused["data"]["removeAutopay"]["errors"]] == ["NOT_FOUND"]
    done = await gql(REMOVE, {"id": autopays[0]["id"]}, token=anna)
    assert done["data"]["removeAutopay"]["errors"] == []
    assert (await gql(LIST, {"m": MASHA}, token=anna))["data"]["viewer"]["line"]["autopays"] == []


async def test_bad_autopay_terms_are_refused_and_change_nothing(gql: GQL, demo) -> None:
    anna = await token_for(gql, ANNA)
    card = await Card.get(mask="5555 55** **** 4477")
    cases: list[tuple[dict[str, object], list[str]]] = [
        ({"mode": "THRESHOLD", "a": "300.00"}, ["threshold"]),
        ({"mode": "MONTHLY", "a": "300.00", "d": 31}, ["dayOfMonth"]),
        ({"mode": "MONTHLY", "a": "5.00", "d": 5}, ["amount"]),
        ({"mode": "MONTHLY", "a": "300.00", "d": 5, "l": "100.00"}, ["monthlyLimit"]),
    ]
    for extra, field in cases:
        answer = await gql(SET, {"m": PETYA, "c": card_gid(card), **extra}, token=anna)
        errors = answer["data"]["setAutopay"]["errors"]
        assert errors == [{"code": "INVALID_INPUT", "field": field}], extra
    assert await Autopay.filter(line__msisdn=PETYA).count() == 0


async def test_rearming_waits_for_the_balance_to_recover(demo, acquirer) -> None:
    anna = await User.get(name="Анна Иванова")
    card = await Card.get(mask="5555 55** **** 4477")
    petya = await Line.get(msisdn=PETYA)
    autopay = await set_autopay(
        petya.id, anna.id, card, AutopayMode.THRESHOLD, 10_00, 100_00, None, None
    )
    await drain(petya.id, 0)
    now = datetime.now(UTC)
    written = await due_runs(now)
    assert len(written) == 1  # claimed; its payment written, not yet sent
    assert await due_runs(now) == []
    assert await rearm(now) == 0  # a run in flight, and the balance still low
    assert (await Autopay.get(id=autopay.id)).armed is False
