"""SQL statements per important GraphQL request, on the demo and on a grown database.

A request whose count rises between the two columns has a query per row somewhere (N+1);
the tests pin the catalogue counts (tests/benchmark/), this shows the whole picture.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.core import Table, scenario
from bench.env import DEMO_OWNER, LOGIN
from bench.querycount import QueryCounter, count_queries
from models import (
    ChargePeriod,
    Contract,
    ContractKind,
    DeviceKind,
    Line,
    LineService,
    Service,
    ServiceKind,
    Tariff,
    TariffKind,
)

if TYPE_CHECKING:
    from bench.env import BenchEnv

EXTRA_CATALOGUE = 150
EXTRA_LINES = 20
PREFIX = "bench-"

PAGE = "edges { node { id code name } } pageInfo { hasNextPage endCursor }"
TARIFF_IDS = "{ tariffs(first: 20) { edges { node { id } } } }"
VIEWER_LINES = """
{ viewer { lines(first: 20) { edges { node {
    msisdn deviceKind status relations accessLevel capabilities
    balance { amount } tariff { name monthlyFee { amount } } remains { kind left }
    services { price { amount } service { name } } } } } } }
"""
NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on Tariff { name } } }"


async def _tariff_ids(env: BenchEnv) -> dict[str, Any]:
    result = await env.gql(TARIFF_IDS)
    return {"ids": [edge["node"]["id"] for edge in result["data"]["tariffs"]["edges"]]}


async def _demo_login(env: BenchEnv) -> dict[str, Any]:
    return {"login": DEMO_OWNER, "password": env.settings.demo_password}


@dataclass(frozen=True)
class Case:
    """One request to count; `variables` are prepared before counting starts."""

    label: str
    query: str
    logged_in: bool = False
    variables: Callable[[BenchEnv], Awaitable[dict[str, Any]]] | None = None


CASES = [
    Case("tariffs(first: 20)", f"{{ tariffs(first: 20) {{ {PAGE} }} }}"),
    Case("tariffs(first: 20) + totalCount", f"{{ tariffs(first: 20) {{ totalCount {PAGE} }} }}"),
    Case("serviceCatalog(first: 20)", f"{{ serviceCatalog(first: 20) {{ {PAGE} }} }}"),
    Case(
        "serviceCatalog(first: 20) + totalCount",
        f"{{ serviceCatalog(first: 20) {{ totalCount {PAGE} }} }}",
    ),
    Case("nodes(ids: a page of tariffs)", NODES, variables=_tariff_ids),
    Case("login (mutation)", LOGIN, variables=_demo_login),
    Case("viewer.lines(first: 20), full line", VIEWER_LINES, logged_in=True),
]


class CaseFailed(Exception):
    """The request answered with errors; its count would measure the error path."""


async def _count(env: BenchEnv, case: Case, token: str) -> QueryCounter:
    variables = await case.variables(env) if case.variables else {}
    async with count_queries() as queries:
        result = await env.gql(case.query, variables, token=token if case.logged_in else None)
    errors = result.get("errors") or []
    if errors:
        codes = {str(e.get("extensions", {}).get("code", e.get("message"))) for e in errors}
        raise CaseFailed(", ".join(sorted(codes)))
    return queries


async def _measure(env: BenchEnv, token: str, table: Table) -> list[int | str]:
    column: list[int | str] = []
    for case in CASES:
        try:
            queries = await _count(env, case, token)
        except CaseFailed as exc:
            column.append(f"error: {exc}")
            continue
        column.append(queries.count)
        if env.show_sql:
            table.notes.append(f"{case.label}:\n{queries.report()}")
    return column


async def grow_catalogue(prefix: str = PREFIX, count: int = EXTRA_CATALOGUE) -> None:
    """Add `count` tariffs and services coded `<prefix><n>` (also used by the tests)."""
    await Tariff.bulk_create(
        Tariff(code=f"{prefix}{n}", name=f"Extra {n}", kind=TariffKind.MOBILE, monthly_fee=n)
        for n in range(count)
    )
    await Service.bulk_create(
        Service(
            code=f"{prefix}{n}",
            name=f"Extra {n}",
            kind=ServiceKind.MOBILE,
            price=n,
            period=ChargePeriod.MONTHLY,
            is_subscription=n % 2 == 0,
        )
        for n in range(count)
    )


async def _grow() -> None:
    await grow_catalogue()
    contract = await Contract.filter(lines__msisdn=DEMO_OWNER, kind=ContractKind.MOBILE).first()
    tariff = await Tariff.filter(code__startswith=PREFIX).first()
    service = await Service.filter(code__startswith=PREFIX).first()
    if contract is None or tariff is None or service is None:
        raise RuntimeError("the demo owner's mobile contract is missing")
    for n in range(EXTRA_LINES):
        line = await Line.create(
            msisdn=f"90399{n:05d}", contract=contract, device_kind=DeviceKind.PHONE, tariff=tariff
        )
        await LineService.create(line=line, service=service, price=service.price)


async def _shrink() -> None:
    lines = Line.filter(msisdn__startswith="90399")
    await LineService.filter(line__msisdn__startswith="90399").delete()
    await lines.delete()
    await Tariff.filter(code__startswith=PREFIX).delete()
    await Service.filter(code__startswith=PREFIX).delete()


@scenario("statements", "SQL statements per request, demo vs grown database")
async def statements(env: BenchEnv) -> Table:
    table = Table(
        "SQL statements per request (counted at the driver)",
        ["request", "demo", "grown"],
    )
    token = await env.token()
    demo = await _measure(env, token, table)
    await _grow()
    try:
        grown = await _measure(env, token, table)
    finally:
        await _shrink()
    for case, small, large in zip(CASES, demo, grown, strict=True):
        table.add(case.label, small, large)
    table.notes.insert(
        0,
        f"grown: +{EXTRA_CATALOGUE} tariffs and services, +{EXTRA_LINES} lines for the "
        "demo owner; BEGIN/COMMIT count, driver housekeeping does not (bench/querycount.py)",
    )
    return table
