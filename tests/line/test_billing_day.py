"""The billing day: fees and subscriptions charged once per period, packages renewed,
a line below zero suspended and restored by a top-up; the ledger stays exact."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from models import Allowance, LedgerEntry, Line, LineStatus
from models.allowance import month_after
from models.billing import close_due_periods
from models.ledger import EntryKind, post_entry, verify


async def test_a_period_is_charged_once_and_the_packages_renewed(demo) -> None:
    anna = await Line.get(msisdn="9031234567")  # 990 RUB, and a 15 RUB daily horoscope
    masha = await Line.get(msisdn="9031234568")  # 200 RUB, a 60 RUB monthly ringback tune
    end = (await Allowance.filter(line_id=masha.id).limit(1))[0].resets_at
    # money and bonuses together: a charge spends bonuses first (Anna's tariff gives them)
    balances = {line.id: line.balance + line.bonus_balance for line in await Line.all()}
    due = {a.line_id for a in await Allowance.filter(resets_at__lte=end)}
    closed, charged = await close_due_periods(end + timedelta(minutes=1))
    assert closed == len(due) > 2  # every demo line's period ends at the same moment
    after = {line.id: line.balance + line.bonus_balance for line in await Line.all()}
    assert charged == sum(balances[i] - after[i] for i in balances)
    masha_after = await Line.get(id=masha.id)
    assert masha_after.balance == balances[masha.id] - 20_000 - 6_000
    anna_after = await Line.get(id=anna.id)
    assert anna_after.balance + anna_after.bonus_balance == balances[anna.id] - 99_000 - 1_500
    charges = await LedgerEntry.filter(line_id=masha.id, kind=EntryKind.CHARGE)
    keys = {entry.idempotency_key for entry in charges}
    assert f"fee:{end:%Y-%m-%d}" in keys
    packages = await Allowance.filter(line_id=masha.id)
    assert {p.resets_at for p in packages} == {month_after(end)}
    assert all(p.left == p.total for p in packages)
    # a rerun later that day charges nothing
    assert await close_due_periods(end + timedelta(hours=5)) == (0, 0)
    assert (await Line.get(id=masha.id)).balance == masha_after.balance
    assert await verify() == []


async def test_a_line_below_zero_is_suspended_until_a_top_up_covers_it(demo) -> None:
    masha = await Line.get(msisdn="9031234568")
    await post_entry(masha.id, -masha.balance, EntryKind.CHARGE, "spent")
    end = (await Allowance.filter(line_id=masha.id).limit(1))[0].resets_at
    await close_due_periods(end + timedelta(minutes=1))
    suspended = await Line.get(id=masha.id)
    assert suspended.status is LineStatus.SUSPENDED
    assert suspended.balance == -26_000
    await post_entry(masha.id, 10_000, EntryKind.TOP_UP, "not enough")
    assert (await Line.get(id=masha.id)).status is LineStatus.SUSPENDED
    await post_entry(masha.id, 16_000, EntryKind.TOP_UP, "enough")
    restored = await Line.get(id=masha.id)
    assert (restored.status, restored.balance) == (LineStatus.ACTIVE, 0)
    assert await verify() == []


async def test_two_runs_at_once_charge_each_period_once(demo) -> None:
    masha = await Line.get(msisdn="9031234568")
    end = (await Allowance.filter(line_id=masha.id).limit(1))[0].resets_at
    before = masha.balance
    runs = await asyncio.gather(*(close_due_periods(end + timedelta(minutes=1)) for _ in range(3)))
    assert sum(closed for closed, _ in runs) == len({a.line_id for a in await Allowance.all()})
    assert (await Line.get(id=masha.id)).balance == before - 26_000
    assert await verify() == []


async def test_a_daily_subscription_is_charged_once_a_day_while_the_line_is_active(demo) -> None:
    anna = await Line.get(msisdn="9031234567")  # the horoscope, 15 RUB a day
    end = (await Allowance.filter(line_id=anna.id).limit(1))[0].resets_at
    await close_due_periods(end + timedelta(minutes=1))
    before = (await Line.get(id=anna.id)).balance
    for hours in (1, 6, 12):  # the same day, however often the schedule runs
        await close_due_periods(end + timedelta(hours=hours))
    assert (await Line.get(id=anna.id)).balance == before
    await close_due_periods(end + timedelta(days=1, hours=1))
    assert (await Line.get(id=anna.id)).balance == before - 1_500
    await Line.filter(id=anna.id).update(status=LineStatus.BLOCKED)
    await close_due_periods(end + timedelta(days=2, hours=1))
    assert (await Line.get(id=anna.id)).balance == before - 1_500
    keys = await LedgerEntry.filter(line_id=anna.id, idempotency_key__startswith="sub:").count()
    assert keys == 2
    assert await verify() == []
