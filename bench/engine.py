"""What the GraphQL engine alone costs for the dashboard document (issue 10).

The dashboard scenario's document, executed by strawberry and graphql-core on plain
Python objects of the same shape (the same lines, allowances and services per line as
the bench database's holders): no HTTP, no database, no access check, parsing and
validation cached. Whatever linehub does besides, it cannot answer faster than this;
on a machine with N cores it bounds the requests per second at N / (this time).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import strawberry
from strawberry import relay
from strawberry.extensions import ParserCache, ValidationCache

from bench.core import Table, scenario
from bench.dashboard import QUERY

if TYPE_CHECKING:
    from bench.env import BenchEnv

RUNS = 200
# per line, as in the bench database: 40 747 allowances and 26 137 services on 17 455 lines
ALLOWANCES = (2, 3)
SERVICES = (1, 2)


@strawberry.type
class Money:
    amount: str
    currency: str


@strawberry.type
class Named:
    name: str


@strawberry.type
class Allowance:
    kind: str
    left: int
    unit: str


@strawberry.type
class LineService:
    service: Named
    price: Money


@strawberry.type
class Line(relay.Node):
    id: relay.NodeID[int]
    msisdn: str
    status: str
    balance: Money
    tariff: Named
    remains: list[Allowance]
    services: list[LineService]


@strawberry.type
class Viewer:
    lines_of: strawberry.Private[list[Line]]

    @strawberry.field
    def lines(self, first: int) -> relay.ListConnection[Line]:
        edges = [relay.Edge(cursor=str(n), node=line) for n, line in enumerate(self.lines_of)]
        info = relay.PageInfo(
            has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None
        )
        return relay.ListConnection(edges=edges, page_info=info)


def family(size: int) -> list[Line]:
    service = LineService(
        service=Named(name="Определитель номера"), price=Money(amount="0.00", currency="RUB")
    )
    return [
        Line(
            id=n,
            msisdn=f"903{n:07d}",
            status="ACTIVE",
            balance=Money(amount="150.00", currency="RUB"),
            tariff=Named(name="Близкие люди 4"),
            remains=[Allowance(kind="MINUTES", left=100, unit="min")] * ALLOWANCES[n % 2],
            services=[service] * SERVICES[n % 2],
        )
        for n in range(size)
    ]


@scenario("engine", "strawberry + graphql-core alone on the dashboard document")
async def engine(env: BenchEnv) -> Table:
    table = Table(
        "the dashboard document on plain objects: strawberry + graphql-core only",
        ["family", "CPU ms/request", "bound on 2 cores, req/s"],
    )
    for size in (6, 50):
        lines = family(size)

        @strawberry.type
        class Query:
            @strawberry.field
            def viewer(self) -> Viewer:
                return Viewer(lines_of=lines)  # noqa: B023 - built and run in this iteration

        schema = strawberry.Schema(Query, extensions=[ParserCache, ValidationCache])
        answer = await schema.execute(QUERY)
        assert not answer.errors, answer.errors
        start = time.process_time()
        for _ in range(RUNS):
            await schema.execute(QUERY)
        per_request = (time.process_time() - start) / RUNS
        table.add(f"{size} lines", 1000 * per_request, 2 / per_request)
    table.notes.append(
        "no HTTP, no database, no access checks; parse and validation cached: the floor "
        "under linehub's CPU per request in the dashboard scenario"
    )
    return table
