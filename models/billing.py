"""The billing day: a line's monthly fee and monthly subscriptions charged when its
period ends, its packages renewed, and a line below zero suspended until topped up.

Each charge carries a ledger key of the line's period (or day, for daily
subscriptions, charged every day a line is active), so a rerun, a retry or two workers
at once charge nothing twice; the period moving forward is what makes a line due again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from i18n import OPERATOR_LANGUAGE, OPERATOR_TIME_ZONE, translate
from models.allowance import Allowance, AllowanceKind, month_after, packages_of
from models.ledger import LedgerEntry, charge
from models.line import Line, LineStatus
from models.service import ChargePeriod, LineService
from models.tariff import Tariff


async def due_lines(now: datetime) -> list[int]:
    """Lines whose period has ended (their packages reset at or before `now`)."""
    rows = await Allowance.filter(resets_at__lte=now).only("line_id")
    return sorted({row.line_id for row in rows})


async def close_period(line_id: int, now: datetime) -> int | None:
    """Charge the period that starts now and renew the packages, all of it or none;
    answers how many kopecks were charged, or None when nothing was due."""
    async with in_transaction() as conn:
        line = await Line.filter(id=line_id).using_db(conn).select_for_update().get()
        packages = await Allowance.filter(line_id=line_id).using_db(conn)
        due = [p for p in packages if p.resets_at <= now]
        if not due:
            return None  # another run closed it a moment ago
        start = min(p.resets_at for p in due)
        period = f"{start:%Y-%m-%d}"
        charged = 0
        tariff = await Tariff.get_or_none(id=line.tariff_id or 0, using_db=conn)
        if tariff is not None and tariff.monthly_fee > 0:
            text = translate("ledger_monthly_fee", OPERATOR_LANGUAGE, tariff=tariff.name)
            charged += await _charge_once(conn, line_id, tariff.monthly_fee, text, f"fee:{period}")
        services = (
            await LineService.filter(line_id=line_id, service__period=ChargePeriod.MONTHLY)
            .using_db(conn)
            .select_related("service")
        )
        for connected in services:
            if connected.price > 0:
                text = translate(
                    "ledger_subscription", OPERATOR_LANGUAGE, service=connected.service.name
                )
                key = f"sub:{connected.service_id}:{period}"
                charged += await _charge_once(conn, line_id, connected.price, text, key)
        for package in due:
            total = _total(tariff, package.kind) if tariff is not None else package.total
            renewed = month_after(package.resets_at)
            while renewed <= now:  # a line nobody billed for months: one period, not many
                renewed = month_after(renewed)
            await (
                Allowance.filter(id=package.id)
                .using_db(conn)
                .update(total=total, left=total, resets_at=renewed)
            )
        balance = (await Line.get(id=line_id, using_db=conn)).balance
        if balance < 0 and line.status is LineStatus.ACTIVE:
            await Line.filter(id=line_id).using_db(conn).update(status=LineStatus.SUSPENDED)
    return charged


def _total(tariff: Tariff, kind: AllowanceKind) -> int:
    return next((total for found, total, _ in packages_of(tariff) if found is kind), 0)


async def _charge_once(
    conn: BaseDBAsyncClient, line_id: int, amount: int, text: str, key: str
) -> int:
    """A charge with the line's ledger key: charged already (a rerun) is 0."""
    if await LedgerEntry.filter(line_id=line_id, idempotency_key=key).using_db(conn).exists():
        return 0
    # the operator's own charges may take the balance below zero: the line is then
    # suspended until a top-up brings it back
    await charge(conn, line_id, amount, text, idempotency_key=key, allow_debt=True)
    return amount


async def charge_daily(now: datetime) -> int:
    """Each paid daily subscription of an active line, once per the operator's calendar
    day (its ledger key names the day); answers the kopecks charged. A blocked or
    suspended line's daily subscriptions wait: they are for days it can use them."""
    day = f"{now.astimezone(OPERATOR_TIME_ZONE):%Y-%m-%d}"
    charged = 0
    daily = await LineService.filter(
        service__period=ChargePeriod.DAILY, price__gt=0, line__status=LineStatus.ACTIVE
    ).select_related("service")
    for connected in daily:
        text = translate("ledger_subscription", OPERATOR_LANGUAGE, service=connected.service.name)
        key = f"sub:{connected.service_id}:{day}"
        try:
            async with in_transaction() as conn:
                charged += await _charge_once(conn, connected.line_id, connected.price, text, key)
        except IntegrityError:
            continue  # a parallel run charged this day a moment ago
    return charged


async def close_due_periods(now: datetime | None = None) -> tuple[int, int]:
    """Every due line's period, and today's daily subscriptions; answers (lines closed,
    kopecks charged)."""
    now = now or datetime.now(UTC)
    closed = 0
    charged = await charge_daily(now)
    for line_id in await due_lines(now):
        try:
            amount = await close_period(line_id, now)
        except IntegrityError:
            continue  # a parallel run charged it first; this one rolled back whole
        if amount is not None:
            closed += 1
            charged += amount
    return closed, charged
