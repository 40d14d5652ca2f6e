"""The family dashboard costs the same number of SQL statements for 6 lines and for 50.

Counted at the database driver (bench/querycount.py), session check included. The owner's
dashboard also asks for each line's grants, first transactions and audit entries, with
their totals: loaders batch them for all lines, so they add statements once, not per line.
"""

from dataclasses import replace

import pytest

from config import Settings
from models import (
    AccessLevel,
    Allowance,
    AllowanceKind,
    AuditAction,
    Contract,
    DeviceKind,
    EntryKind,
    Grant,
    GrantStatus,
    LedgerEntry,
    Line,
    LineService,
    Payment,
    Service,
    Tariff,
    User,
    post_entry,
)
from models.access.audit import Actor, record
from tests.conftest import GQL
from tests.helpers import login
from tests.querycount import count_queries

LINE_SUMMARY = """
  msisdn label deviceKind relations accessLevel capabilities
  balance { amount currency }
  tariff { name monthlyFee { amount } }
  remains { kind total left unit unlimited resetsAt }
  services { paid price { amount } service { name } }
"""
OWNERS_EXTRAS = """
  grants { level grantee { name } }
  transactions(first: 3) { totalCount edges { node { amount { amount } } } }
  auditLog(first: 3) { totalCount edges { node { action } } }
  bonusBalance { amount }
  payments(first: 3) { totalCount edges { node { status amount { amount } } } }
  trustPayment { eligible active amount { amount } }
  autopays { mode amount { amount } }
"""


def dashboard(fields: str) -> str:
    return "{ viewer { lines(first: 60) { totalCount edges { node {" + fields + "} } } } }"


DASHBOARD = dashboard(LINE_SUMMARY)
OWNER_DASHBOARD = dashboard(LINE_SUMMARY + OWNERS_EXTRAS)
MAX_STATEMENTS = 10
# one each: grants, their grantees, a first page of transactions, of the audit log and
# of payments, their three totals, the autopays, and the trust offers (open trust
# payments, open blocks, recent top-ups)
MAX_OWNER_STATEMENTS = MAX_STATEMENTS + 12


async def grow_family(to: int) -> None:
    """Add phones to Anna's mobile contract until she sees `to` lines."""
    contract = await Contract.get(number="100000001")
    tariff = await Tariff.get(code="kids")
    services = await Service.filter(code__in=["caller-id", "horoscope"])
    allowance = await Allowance.first()
    assert allowance is not None
    resets_at = allowance.resets_at
    have = await Line.filter(contract__holder_id=contract.holder_id).count()
    boris = await User.get(name="Борис Петров")
    for n in range(to - have):
        line = await Line.create(
            msisdn=f"90355{n:05d}",
            contract=contract,
            device_kind=DeviceKind.PHONE,
            tariff=tariff,
            label=f"SIM {n}",
        )
        await post_entry(line.id, 100_00, EntryKind.TOP_UP)
        await post_entry(line.id, -10_00, EntryKind.CHARGE)
        # Boris is outside the family: the family's lists stay as they are, his grows
        await Grant.create(
            line=line, grantee=boris, level=AccessLevel.LIMITED, status=GrantStatus.ACTIVE
        )
        await record(line.id, Actor(contract.holder_id), AuditAction.GRANT)
        for service in services:
            await LineService.create(line=line, service=service, price=service.price)
        for kind in AllowanceKind:
            await Allowance.create(line=line, kind=kind, total=100, left=50, resets_at=resets_at)


async def dashboard_statements(
    gql: GQL, token: str, expected_lines: int, query: str = DASHBOARD
) -> int:
    async with count_queries() as counter:
        result = await gql(query, token=token)
    assert "errors" not in result, result
    page = result["data"]["viewer"]["lines"]
    assert page["totalCount"] == len(page["edges"]) == expected_lines
    assert sum(len(e["node"]["services"]) for e in page["edges"]) >= expected_lines
    return counter.count


@pytest.fixture
def gql(make_gql, settings: Settings) -> GQL:
    """A page of 60 lines with their lists costs more than the default 1 000 (each line's
    services count as up to ten): the limit is not what these tests are about."""
    limits = replace(settings.limits, max_cost=20_000)
    return make_gql(replace(settings, limits=limits))


async def test_the_dashboard_costs_the_same_for_six_lines_and_for_fifty(gql: GQL, demo) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    six = await dashboard_statements(gql, token, 6)
    await grow_family(50)
    fifty = await dashboard_statements(gql, token, 50)
    assert six == fifty
    assert six <= MAX_STATEMENTS
    print(f"dashboard SQL statements: 6 lines -> {six}, 50 lines -> {fifty}")


async def test_the_owners_dashboard_with_grants_and_history_does_not_grow_either(
    gql: GQL, demo
) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    six = await dashboard_statements(gql, token, 6, OWNER_DASHBOARD)
    await grow_family(50)
    fifty = await dashboard_statements(gql, token, 50, OWNER_DASHBOARD)
    assert six == fifty
    assert six <= MAX_OWNER_STATEMENTS
    print(f"owner dashboard SQL statements: 6 lines -> {six}, 50 lines -> {fifty}")

    # the batched answers are each line's own, newest first, cut at `first`
    anna_line = await Line.get(msisdn="9031234567")
    for n in range(4):
        await post_entry(anna_line.id, -(n + 1) * 100, EntryKind.CHARGE)
    result = await gql(OWNER_DASHBOARD, token=token)
    lines = [e["node"] for e in result["data"]["viewer"]["lines"]["edges"]]
    grown = [line for line in lines if line["msisdn"].startswith("90355")]
    assert len(grown) == 44
    for line in grown:
        assert line["grants"] == [{"level": "LIMITED", "grantee": {"name": "Борис Петров"}}]
        assert line["transactions"] == {
            "totalCount": 2,
            "edges": [
                {"node": {"amount": {"amount": "-10.00"}}},
                {"node": {"amount": {"amount": "100.00"}}},
            ],
        }
        assert line["auditLog"] == {"totalCount": 1, "edges": [{"node": {"action": "GRANT"}}]}
    anna = next(line for line in lines if line["msisdn"] == "9031234567")
    assert (
        anna["transactions"]["totalCount"] == await LedgerEntry.filter(line_id=anna_line.id).count()
    )
    assert anna["payments"]["totalCount"] == await Payment.filter(line_id=anna_line.id).count()
    masha = next(line for line in lines if line["msisdn"] == "9031234568")
    assert masha["autopays"] == [{"mode": "THRESHOLD", "amount": {"amount": "300.00"}}]
    modem = next(line for line in lines if line["msisdn"] == "9031234571")
    assert modem["trustPayment"]["active"] is True
    amounts = [e["node"]["amount"]["amount"] for e in anna["transactions"]["edges"]]
    assert amounts == ["-4.00", "-3.00", "-2.00"]


async def test_a_delegates_dashboard_does_not_grow_with_the_lines_either(gql: GQL, demo) -> None:
    # Boris: his own line, then LIMITED grants on every line the family grows by
    token = (await login(gql, "9161112233"))["accessToken"]
    before = await dashboard_statements(gql, token, 1)
    await grow_family(50)
    after = await dashboard_statements(gql, token, 1 + 50 - 6)
    assert after == before


FRAGMENTED_DASHBOARD = """
fragment Money on Money { amount currency }
fragment Summary on Line {
  balance { ...Money }
  tariff { name monthlyFee { amount } }
  ... on Line { remains { kind total left unit unlimited resetsAt } }
}
{ viewer { lines(first: 60) { totalCount edges { node {
  msisdn label deviceKind relations accessLevel capabilities
  ...Summary
  ... { services { paid price { amount } service { name } } }
} } } } }
"""


async def test_fragments_load_the_page_the_same_way(gql: GQL, demo) -> None:
    # a page's relations are loaded up front for the fields asked for, wherever in the
    # document they were asked for: fragments load the same rows with the same statements
    token = (await login(gql, "9031234567"))["accessToken"]
    await grow_family(20)
    plain = await gql(DASHBOARD, token=token)
    fragmented = await gql(FRAGMENTED_DASHBOARD, token=token)
    assert fragmented == plain
    assert await dashboard_statements(gql, token, 20, FRAGMENTED_DASHBOARD) == (
        await dashboard_statements(gql, token, 20)
    )


async def test_a_relation_the_viewer_may_not_read_is_neither_shown_nor_loaded(
    gql: GQL, demo
) -> None:
    # Boris is a LIMITED delegate on the grown lines: grants need MANAGE_ACCESS, which he
    # holds on his own line only. His page loads grants for that line alone
    token = (await login(gql, "9161112233"))["accessToken"]
    await grow_family(12)
    with_grants = dashboard(LINE_SUMMARY + " grants { level }")
    result = await gql(with_grants, token=token)
    lines = [e["node"] for e in result["data"]["viewer"]["lines"]["edges"]]
    assert [line["grants"] for line in lines if line["msisdn"] == "9161112233"] == [[]]
    delegated = [line for line in lines if line["msisdn"] != "9161112233"]
    assert len(delegated) == 6
    assert all(line["grants"] is None for line in delegated)
    forbidden = [e for e in result["errors"] if e["path"][-1] == "grants"]
    assert len(forbidden) == 6
    assert {e["extensions"]["code"] for e in forbidden} == {"FORBIDDEN"}

    async with count_queries() as counter:
        await gql(with_grants, token=token)
    async with count_queries() as without:
        await gql(DASHBOARD, token=token)
    assert counter.count == without.count + 1  # his own line's grants, one statement

    # Masha may read no line's grants: asking for them costs nothing at all
    masha = (await login(gql, "9031234568"))["accessToken"]
    async with count_queries() as counter:
        result = await gql(with_grants, token=masha)
    async with count_queries() as without:
        await gql(DASHBOARD, token=masha)
    assert result["data"]["viewer"]["lines"]["edges"][0]["node"]["grants"] is None
    assert counter.count == without.count


async def test_a_connection_goes_back_to_the_pool_without_a_reset_round_trip(
    gql: GQL, demo
) -> None:
    # PostgreSQL: asyncpg would run `RESET ALL` and friends after every statement
    # (models.keep_session). Nothing of the request's own is left out of the count
    token = (await login(gql, "9031234567"))["accessToken"]
    async with count_queries() as counter:
        result = await gql(DASHBOARD, token=token)
    assert len(result["data"]["viewer"]["lines"]["edges"]) == 6
    assert counter.housekeeping == []
    assert counter.count <= MAX_STATEMENTS
