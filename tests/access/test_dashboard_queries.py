"""The family dashboard costs the same number of SQL statements for 6 lines and for 50.

Counted at the database driver (bench/querycount.py), session check included.
"""

from models import (
    Allowance,
    AllowanceKind,
    Contract,
    DeviceKind,
    EntryKind,
    Line,
    LineService,
    Service,
    Tariff,
    post_entry,
)
from tests.conftest import GQL
from tests.helpers import login
from tests.querycount import count_queries

DASHBOARD = """
{ viewer { lines(first: 60) { totalCount edges { node {
  msisdn label deviceKind relations accessLevel capabilities
  balance { amount currency }
  tariff { name monthlyFee { amount } }
  remains { kind total left unit unlimited resetsAt }
  services { paid price { amount } service { name } }
} } } } }
"""
MAX_STATEMENTS = 10


async def grow_family(to: int) -> None:
    """Add phones to Anna's mobile contract until she sees `to` lines."""
    contract = await Contract.get(number="100000001")
    tariff = await Tariff.get(code="kids")
    services = await Service.filter(code__in=["caller-id", "horoscope"])
    resets_at = (await Allowance.first()).resets_at
    have = await Line.filter(contract__holder_id=contract.holder_id).count()  # type: ignore[attr-defined]
    for n in range(to - have):
        line = await Line.create(
            msisdn=f"90355{n:05d}",
            contract=contract,
            device_kind=DeviceKind.PHONE,
            tariff=tariff,
            label=f"SIM {n}",
        )
        await post_entry(line.id, 100_00, EntryKind.TOP_UP)
        for service in services:
            await LineService.create(line=line, service=service, price=service.price)
        for kind in AllowanceKind:
            await Allowance.create(line=line, kind=kind, total=100, left=50, resets_at=resets_at)


async def dashboard_statements(gql: GQL, token: str, expected_lines: int) -> int:
    async with count_queries() as counter:
        result = await gql(DASHBOARD, token=token)
    assert "errors" not in result, result
    page = result["data"]["viewer"]["lines"]
    assert page["totalCount"] == len(page["edges"]) == expected_lines
    assert sum(len(e["node"]["services"]) for e in page["edges"]) >= expected_lines
    return counter.count


async def test_the_dashboard_costs_the_same_for_six_lines_and_for_fifty(gql: GQL, demo) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    six = await dashboard_statements(gql, token, 6)
    await grow_family(50)
    fifty = await dashboard_statements(gql, token, 50)
    assert six == fifty
    assert six <= MAX_STATEMENTS
    print(f"dashboard SQL statements: 6 lines -> {six}, 50 lines -> {fifty}")


async def test_a_delegates_dashboard_does_not_grow_with_the_lines_either(gql: GQL, demo) -> None:
    token = (await login(gql, "9162223344"))["accessToken"]
    before = await dashboard_statements(gql, token, 2)
    await grow_family(50)
    assert await dashboard_statements(gql, token, 2) == before
