"""The detail's pages over HTTP and the EXPLAIN ANALYZE of the SELECTs behind them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bench.plans import capture_statements, seq_scanned, summary
from bench.usage.data import Loaded
from bench.usage.server import _gql
from bench.usage.sizes import BIG_LINE, DEEP_PAGE, PAGE, SAMPLES, TOTALS_SAMPLES

# ------------------------------------------------------------------------ the detail

PAGE_QUERY = """
query Page($msisdn: String!, $first: Int!, $after: String) { viewer { line(msisdn: $msisdn) {
  usage(first: $first, after: $after) {
    edges { cursor node { id kind direction startedAt counterpart seconds bytes units
      roaming zone cost { amount } fromPackage flag } }
    pageInfo { endCursor hasNextPage } } } } }
"""
TOTALS_QUERY = """
query Totals($msisdn: String!) { viewer { line(msisdn: $msisdn) {
  usage(first: 1) { totals { kind count minutes messages megabytes cost { amount } } } } } }
"""


@dataclass
class Detail:
    walk: list[float]  # seconds of each page from 1 to DEEP_PAGE, walked once
    first: list[float]
    deep: list[float]
    totals: list[float]
    deep_after: str  # the cursor page DEEP_PAGE starts after
    totals_count: int  # records the totals add up


async def _page(
    client: httpx.AsyncClient, url: str, token: str, after: str | None
) -> tuple[float, dict[str, Any]]:
    began = time.perf_counter()
    data = await _gql(
        client, url, PAGE_QUERY, {"msisdn": BIG_LINE, "first": PAGE, "after": after}, token
    )
    seconds = time.perf_counter() - began
    usage: dict[str, Any] = data["viewer"]["line"]["usage"]
    if len(usage["edges"]) != PAGE or not usage["pageInfo"]["hasNextPage"]:
        raise RuntimeError(f"a page of {len(usage['edges'])} records, or the last one")
    return seconds, usage


async def detail(client: httpx.AsyncClient, url: str, token: str) -> Detail:
    """Walk to page DEEP_PAGE once, then ask page 1 and page DEEP_PAGE in turn."""
    walk: list[float] = []
    after: str | None = None
    for n in range(1, DEEP_PAGE + 1):
        if n == DEEP_PAGE:
            assert after is not None
            deep_after = after
        seconds, usage = await _page(client, url, token, after)
        walk.append(seconds)
        after = usage["pageInfo"]["endCursor"]
    first: list[float] = []
    deep: list[float] = []
    for _ in range(SAMPLES):
        first.append((await _page(client, url, token, None))[0])
        deep.append((await _page(client, url, token, deep_after))[0])
    totals: list[float] = []
    count = 0
    for _ in range(TOTALS_SAMPLES):
        began = time.perf_counter()
        data = await _gql(client, url, TOTALS_QUERY, {"msisdn": BIG_LINE}, token)
        totals.append(time.perf_counter() - began)
        count = sum(t["count"] for t in data["viewer"]["line"]["usage"]["totals"])
    return Detail(walk, first, deep, totals, deep_after, count)


# ------------------------------------------------------------------------- the plans


@dataclass
class Plan:
    label: str
    shown: str  # the nodes in one line
    cost: float
    actual_ms: float
    removed: int  # rows read and thrown away by a Filter
    buffers: int  # shared buffers hit or read
    seq_scans: list[str]
    condition: str  # the usage_record scan's Index Cond and Filter


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


async def _explain(label: str, sql: str, args: tuple[Any, ...]) -> Plan:
    from tortoise import connections

    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, list(args)
    )
    raw = rows[0]["QUERY PLAN"]
    found = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    plan = found["Plan"]
    scans = [
        n
        for n in _nodes(plan)
        if n.get("Relation Name") == "usage_record" or n.get("Index Name", "").startswith("usage")
    ]
    condition = "; ".join(
        f"{key}: {node[key]}"
        for node in scans
        for key in ("Index Cond", "Recheck Cond", "Filter")
        if key in node
    )
    return Plan(
        label,
        summary(plan),
        plan["Total Cost"],
        found["Execution Time"],
        sum(int(n.get("Rows Removed by Filter", 0)) for n in _nodes(plan)),
        plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0),
        seq_scanned(plan, frozenset({"usage_record"})),
        condition,
    )


async def plans(loaded: Loaded, deep_after: str, export_query: Any) -> list[Plan]:
    """EXPLAIN ANALYZE of the SELECTs the app sends for page 1 and page DEEP_PAGE of the
    detail, for the export's first and middle page of a thousand (oldest first), and
    for the detail's totals."""
    from jobs.usage_export import COLUMNS
    from models.usage import UsageQuery, oldest_first_values, totals_by_kind
    from resolvers.pagination import PageArgs, paginate
    from resolvers.usage import USAGE_ORDER

    found: list[Plan] = []
    for label, after in (("detail page 1", None), (f"detail page {DEEP_PAGE:,}", deep_after)):
        query = UsageQuery().records(loaded.big_line_id)
        async with capture_statements() as statements:
            await paginate(query, USAGE_ORDER, PageArgs(first=PAGE, after=after))
        for statement in statements:
            if statement.sql.lstrip().upper().startswith("SELECT"):
                found.append(await _explain(label, statement.sql, statement.args))
    # the export's pages: the second page's statement, then the same with the key of
    # the last page's start in place of the first page's last row
    query = export_query.records(loaded.big_line_id)
    async with capture_statements() as statements:
        got: list[list[Any]] = []
        async for page in oldest_first_values(query, COLUMNS):
            got.append(page)
            if len(got) == 2:
                break
        first_page = got[0]
    pages_sql = [s for s in statements if s.sql.lstrip().upper().startswith("SELECT")]
    found.append(await _explain("export page 1", pages_sql[0].sql, pages_sql[0].args))
    # the middle page: near the end the planner turns to a bitmap of the few rows left
    total = await query.count()
    size = len(first_page)
    middle = -(-total // size) // 2 + 1
    key = await query.order_by("started_at", "id").offset((middle - 1) * size - 1).first()
    assert key is not None
    last = dict(zip(COLUMNS, first_page[-1], strict=True))
    known = {last["started_at"]: key.started_at, last["id"]: key.id}
    deep_args = tuple(
        known.get(arg, arg)
        if isinstance(arg, datetime | int) and not isinstance(arg, bool)
        else arg
        for arg in pages_sql[1].args
    )
    found.append(await _explain(f"export page {middle:,}", pages_sql[1].sql, deep_args))
    # the totals a detail screen shows: one grouped read of the whole filter
    async with capture_statements() as statements:
        await totals_by_kind(UsageQuery().records(loaded.big_line_id))
    for statement in statements:
        found.append(await _explain("detail totals", statement.sql, statement.args))
    return found
