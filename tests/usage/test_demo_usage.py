"""The demo's months of usage read as a real account would: this period's records add
up to what the packages show as used, Anna's week in Europe was charged and topped up,
Petya is the data-heavy one, and the family pays for subscriptions nobody uses."""

from __future__ import annotations

from typing import Any

from tortoise.functions import Sum

from models import Allowance, Line, UsageRecord
from models.ledger import verify
from tests.conftest import GQL
from tests.helpers import token_for

FORGOTTEN = "{ viewer { forgottenSubscriptions { line { msisdn } service { code } } } }"


async def test_this_periods_records_add_up_to_the_packages_used(load_demo: Any) -> None:
    for line in await Line.all():
        for package in await Allowance.filter(line_id=line.id, unlimited=False):
            start = (
                package.resets_at.replace(month=package.resets_at.month - 1)
                if (package.resets_at.month > 1)
                else package.resets_at.replace(year=package.resets_at.year - 1, month=12)
            )
            kinds = {"MINUTES": ["CALL"], "SMS": ["SMS"], "DATA": ["DATA"]}[package.kind.value]
            used = (
                await UsageRecord.filter(
                    line_id=line.id, kind__in=kinds, started_at__gte=start, roaming=False
                )
                .annotate(total=Sum("allowance_used"))
                .values_list("total", flat=True)
            )
            assert (used[0] or 0) == package.total - package.left, (line.msisdn, package.kind)
    assert await verify() == []


async def test_the_family_reads_its_roaming_week_and_forgotten_subscriptions(
    gql: GQL, load_demo: Any
) -> None:
    anna_line = await Line.get(msisdn="9031234567")
    abroad = await UsageRecord.filter(line_id=anna_line.id, roaming=True)
    assert len(abroad) == 14
    assert {r.zone for r in abroad} == {"EUROPE"}
    assert all(r.cost > 0 for r in abroad)
    petya = await UsageRecord.filter(line__msisdn="9031234569", kind="DATA").count()
    assert petya > 0
    anna = await token_for(gql, "9031234567")
    found = (await gql(FORGOTTEN, token=anna))["data"]["viewer"]["forgottenSubscriptions"]
    pairs = {(f["line"]["msisdn"], f["service"]["code"]) for f in found}
    # Anna never asks her horoscope, and the blocked tablet pays for one too
    assert ("9031234567", "horoscope") in pairs
    assert ("9031234570", "horoscope") in pairs
