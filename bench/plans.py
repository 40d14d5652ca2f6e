"""The plan of each hot query on a grown PostgreSQL database: no sequential scan of a big table.

`make bench` runs it in a child process (`python -m bench.plans`): it needs its own
PostgreSQL database and its own tortoise, next to the SQLite one the other scenarios
share. That process creates a database (on LINEHUB_BENCH_PG_DSN, default
postgres://postgres@127.0.0.1:5432/test), migrates it, grows it to thousands of families
in a few INSERT .. SELECT statements, runs ANALYZE, then sends the real requests through
the app (the family dashboard, a later page of a line's ledger, the viewer's grants),
captures every statement at the driver with its parameters, and prints EXPLAIN of each
SELECT. The database is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tortoise import Tortoise, connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from bench.core import Table, print_table, scenario, table_from_child
from bench.env import CHEAP_ARGON2, BenchEnv
from bench.querycount import AsyncpgHook

__all__ = [
    "BIG_TABLES",
    "Grown",
    "Statement",
    "capture_statements",
    "explain",
    "grow",
    "seq_scanned",
    "summary",
]

PG_DSN = os.environ.get("LINEHUB_BENCH_PG_DSN", "postgres://postgres@127.0.0.1:5432/test")
FAMILIES = 5_000
BIG_FAMILY = 50
# tables that grow with the number of customers; the catalogue (tariffs, services) stays
# a few dozen rows, where reading it whole is the right plan
BIG_TABLES = frozenset(
    {
        "person",
        "contract",
        "line",
        "line_grant",
        "ledger_entry",
        "audit_entry",
        "allowance",
        "line_service",
        "session",
    }
)


@dataclass(frozen=True)
class Grown:
    """What `grow` made, and three viewers of it.

    Args:
        holder_id: the holder of `BIG_FAMILY` lines on one contract.
        family_holder_id: a holder of four lines, one of them their child's, who was
            granted a line of another family (five lines in all).
        child_id: that child, who sees their own number only.
        lines: how many lines were added.
    """

    holder_id: int
    family_holder_id: int
    child_id: int
    lines: int


# Each family f: a holder (person P+2f-1), a child with their own number (P+2f), a
# contract (C+f) with four lines (L+4(f-1)+k, the fourth the child's), and the first line
# granted to the next family's holder. Per line: six ledger rows, two audit rows, three
# allowances, two services; per person a session. Ids are given explicitly (P, C, L are
# the tables' highest ids before), so rows of one family find one another.
_PEOPLE = """
    INSERT INTO person (id, name, access_requests_allowed, created_at)
    SELECT $2 + g, 'Bench person ' || g, true, now() FROM generate_series(1, 2 * $1) g"""
_CONTRACTS = """
    INSERT INTO contract (id, number, kind, signed_at, holder_id)
    SELECT $2 + f, 'B' || lpad(($2 + f)::text, 9, '0'), 'MOBILE', now(), $3 + 2 * f - 1
    FROM generate_series(1, $1) f"""
_LINES = """
    INSERT INTO line (id, msisdn, user_level, device_kind, status, balance,
        mobile_network_access, created_at, contract_id, tariff_id, user_id,
        low_balance_threshold, notify_low_balance, notify_usage)
    SELECT $2 + 4 * (f - 1) + k, '7' || lpad(($2 + 4 * (f - 1) + k)::text, 9, '0'), 'FULL',
        'PHONE', 'ACTIVE', 500, 'LIMITED', now(), $4 + f, $3,
        CASE WHEN k = 4 THEN $5 + 2 * f END, 10000, true, true
    FROM generate_series(1, $1) f, generate_series(1, 4) k"""
_GRANTS = """
    INSERT INTO line_grant (level, status, created_at, grantee_id, line_id, granted_by_id)
    SELECT 'LIMITED', 'ACTIVE', now(), $2 + 2 * (f % $1) + 1, $3 + 4 * (f - 1) + 1, $2 + 2 * f - 1
    FROM generate_series(1, $1) f"""
# the big family: its holder $1, contract $2, lines $3 to $4 on tariff $5
_BIG_HOLDER = """
    INSERT INTO person (id, name, access_requests_allowed, created_at)
    VALUES ($1, 'Bench big holder', true, now())"""
_BIG_CONTRACT = """
    INSERT INTO contract (id, number, kind, signed_at, holder_id)
    VALUES ($2, 'BIG' || $2::int::text, 'MOBILE', now(), $1)"""
_BIG_LINES = """
    INSERT INTO line (id, msisdn, user_level, device_kind, status, balance,
        mobile_network_access, created_at, contract_id, tariff_id, user_id,
        low_balance_threshold, notify_low_balance, notify_usage)
    SELECT l, '7' || lpad(l::text, 9, '0'), 'FULL', 'PHONE', 'ACTIVE', 500, 'LIMITED',
        now(), $1, $4, NULL, 10000, true, true
    FROM generate_series($2::int, $3::int) l"""
# per line, for the lines $1 to $2 ($3: the services' ids)
_PER_LINE = [
    """INSERT INTO ledger_entry (kind, amount, balance_after, description, created_at, line_id)
       SELECT 'TOP_UP', 100, 100 * n, '', now() - n * interval '1 day', l
       FROM generate_series($1::int, $2::int) l, generate_series(1, 6) n""",
    """INSERT INTO audit_entry (action, details, created_at, line_id)
       SELECT 'LINE_UPDATED', '{}'::jsonb, now() - n * interval '1 day', l
       FROM generate_series($1::int, $2::int) l, generate_series(1, 2) n""",
    """INSERT INTO allowance (kind, total, "left", unlimited, resets_at, line_id)
       SELECT kind, 100, 50, false, now() + interval '30 days', l
       FROM generate_series($1::int, $2::int) l, unnest(ARRAY['MINUTES', 'SMS', 'DATA']) kind""",
    """INSERT INTO line_service (price, connected_at, line_id, service_id)
       SELECT 0, now(), l, s FROM generate_series($1::int, $2::int) l, unnest($3::int[]) s""",
]
_SESSIONS = """
    INSERT INTO session (id, auth_method, access_cap, must_set_password, user_agent,
        created_at, last_seen_at, expires_at, user_id)
    SELECT gen_random_uuid(), 'PASSWORD', 'FULL', false, 'bench', now(), now(),
        now() + interval '30 days', p
    FROM generate_series($1::int, $2::int) p"""


async def _top_id(table: str) -> int:
    conn = connections.get("default")
    sql = f'SELECT coalesce(max(id), 0) AS top FROM "{table}"'  # noqa: S608 - our own table
    return int((await conn.execute_query_dict(sql))[0]["top"])


async def grow(families: int) -> Grown:
    """Add `families` (two or more) families and a holder of `BIG_FAMILY` lines; ANALYZE.

    A few INSERT .. SELECT statements on the server: 5 000 families take seconds.
    """
    from models import Service, ServiceKind, Tariff, TariffKind

    conn = connections.get("default")
    tag = secrets.token_hex(3)
    tariff = await Tariff.create(
        code=f"plans-{tag}", name="Plans", kind=TariffKind.MOBILE, monthly_fee=100
    )
    services = [
        await Service.create(code=f"plans-{tag}-{n}", name=f"Plans {n}", kind=ServiceKind.MOBILE)
        for n in range(2)
    ]
    people, contracts, lines = [await _top_id(t) for t in ("person", "contract", "line")]
    await conn.execute_query(_PEOPLE, [families, people])
    await conn.execute_query(_CONTRACTS, [families, contracts, people])
    await conn.execute_query(_LINES, [families, lines, tariff.id, contracts, people])
    await conn.execute_query(_GRANTS, [families, people, lines])
    holder = people + 2 * families + 1
    first_big, last_big = lines + 4 * families + 1, lines + 4 * families + BIG_FAMILY
    big_contract = contracts + families + 1
    await conn.execute_query(_BIG_HOLDER, [holder])
    await conn.execute_query(_BIG_CONTRACT, [holder, big_contract])
    await conn.execute_query(_BIG_LINES, [big_contract, first_big, last_big, tariff.id])
    for sql in _PER_LINE:
        extra = [[s.id for s in services]] if "$3" in sql else []
        await conn.execute_query(sql, [lines + 1, last_big, *extra])
    await conn.execute_query(_SESSIONS, [people + 1, holder])
    for table in ("person", "contract", "line"):
        # ids were given explicitly: the sequences must move past them
        await conn.execute_query(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM \"{table}\""  # noqa: S608 - our own table
        )
    await conn.execute_script("ANALYZE")
    # the second family's holder and child; the first family granted them a line
    return Grown(holder, people + 3, people + 4, 4 * families + BIG_FAMILY)


@dataclass(frozen=True)
class Statement:
    """One statement as the driver sent it: SQL with `$n` placeholders, and their values."""

    sql: str
    args: tuple[Any, ...]


@contextlib.asynccontextmanager
async def capture_statements() -> AsyncIterator[list[Statement]]:
    """Every statement tortoise's PostgreSQL connections run inside the block, with its
    arguments, in order. Keep concurrent work out of the block."""
    client = connections.get("default")
    if not isinstance(client, AsyncpgDBClient):
        raise NotImplementedError("plans are PostgreSQL's: the client is not asyncpg")
    async with client._pool_init_lock:
        if client._pool is None:
            await client.create_connection(with_db=True)
    assert client._pool is not None
    statements: list[Statement] = []

    def keep(record: asyncpg.connection.LoggedQuery, housekeeping: bool) -> None:
        if not housekeeping:
            statements.append(Statement(record.query, tuple(record.args or ())))

    hook = AsyncpgHook.attach(client._pool, keep)
    try:
        yield statements
    finally:
        # asyncpg delivers query log records on the next turn of the loop
        await asyncio.sleep(0)
        await hook.remove()


async def explain(statement: Statement) -> dict[str, Any]:
    """EXPLAIN (FORMAT JSON) of the statement with its own arguments: the top plan node."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "EXPLAIN (FORMAT JSON) " + statement.sql, list(statement.args)
    )
    plan = rows[0]["QUERY PLAN"]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def seq_scanned(plan: dict[str, Any], tables: frozenset[str] = BIG_TABLES) -> list[str]:
    """The big tables the plan reads with a sequential scan."""
    return sorted(
        {
            node["Relation Name"]
            for node in _nodes(plan)
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables
        }
    )


def summary(plan: dict[str, Any]) -> str:
    """The plan's nodes in one line: `Nested Loop(Index Scan line_pkey, ...)`."""
    name = plan["Node Type"]
    if "Index Name" in plan:
        name += f" {plan['Index Name']}"
    elif "Relation Name" in plan:
        name += f" {plan['Relation Name']}"
    children = plan.get("Plans", [])
    return name + (f"({', '.join(summary(c) for c in children)})" if children else "")


def _reads(sql: str) -> str:
    # the table a statement is about: the first one it reads FROM
    found = re.search(r'FROM "(\w+)"', sql)
    return found.group(1) if found else "?"


DASHBOARD = """
{ viewer { lines(first: 30) { totalCount edges { node {
    msisdn status relations accessLevel capabilities balance { amount }
    tariff { name } remains { kind left } services { service { name } }
    grants { level }
    transactions(first: 3) { totalCount edges { cursor node { amount { amount } } } }
    auditLog(first: 3) { totalCount edges { node { action } } } } } } } }
"""
LEDGER_PAGE = """
query Page($msisdn: String!, $after: String!) { viewer { line(msisdn: $msisdn) {
    transactions(first: 3, after: $after) { edges { cursor node { amount { amount } } } } } } }
"""
GRANTS = "{ viewer { grantsGiven { level } grantsReceived { level } } }"


async def _captured(
    env: BenchEnv, token: str, query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[Statement]]:
    async with capture_statements() as statements:
        result = await env.gql(query, variables, token=token)
    if result.get("errors"):
        # a plan of the error path would say nothing about the hot one
        raise RuntimeError(f"a bench request failed: {result['errors']}")
    return result["data"], statements


async def _requests(env: BenchEnv, token: str) -> list[tuple[str, list[Statement]]]:
    data, dashboard = await _captured(env, token, DASHBOARD)
    first = data["viewer"]["lines"]["edges"][0]["node"]
    after = {"msisdn": first["msisdn"], "after": first["transactions"]["edges"][-1]["cursor"]}
    _, page = await _captured(env, token, LEDGER_PAGE, after)
    _, grants = await _captured(env, token, GRANTS)
    return [("dashboard (30 lines)", dashboard), ("ledger page 2", page), ("grants", grants)]


async def plans_table(families: int = FAMILIES, *, full: bool = False) -> Table:
    """Grow the current PostgreSQL database and EXPLAIN each SELECT of the hot requests."""
    from app import create_app
    from auth.sessions import ClientInfo, open_session
    from auth.tokens import AccessTokens
    from config import QueryLimits, Settings
    from models import AuthMethod, User

    grown = await grow(families)
    table = Table(
        f"Plans of the hot queries, PostgreSQL, {grown.lines:,} lines "
        f"({families:,} families and a {BIG_FAMILY}-line holder), after ANALYZE",
        ["request", "#", "reads", "cost", "plan", "verdict"],
    )
    with tempfile.TemporaryDirectory(prefix="linehub-plans-") as tmp:
        settings = Settings(
            env="test",
            database_url="postgres://unused/by-the-app",
            secret_key="bench-secret-key-" + "x" * 32,
            sms_backend="file",
            sms_outbox=str(Path(tmp) / "sms.jsonl"),
            email_backend="file",
            email_outbox=str(Path(tmp) / "email.jsonl"),
            argon2=CHEAP_ARGON2,
            # 30 full lines with grants, services and history cost 1 771: the cost limit is
            # not what this scenario measures
            limits=QueryLimits(max_cost=5_000),
        )
        app = create_app(settings, manage_database=False)
        user = await User.get(id=grown.holder_id)
        tokens = AccessTokens(settings.secret_key)
        issued = await open_session(user, AuthMethod.PASSWORD, ClientInfo("bench", None), tokens)
        transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            env = BenchEnv(settings, app, client)
            requests = await _requests(env, issued.access_token)
        await app.state.services.close()
    bad = 0
    for label, statements in requests:
        for n, statement in enumerate(statements, 1):
            if not statement.sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = await explain(statement)
            scanned = seq_scanned(plan)
            bad += bool(scanned)
            verdict = "SEQ SCAN " + ", ".join(scanned) if scanned else "ok"
            shown = summary(plan)
            if not full and len(shown) > 90:
                shown = shown[:87] + "..."
            table.add(label, n, _reads(statement.sql), plan["Total Cost"], shown, verdict)
            if full:
                table.notes.append(f"{label} #{n}: {statement.sql} -- {statement.args}")
    table.notes.insert(
        0,
        f"big tables ({', '.join(sorted(BIG_TABLES))}): a Seq Scan of one is a missing "
        f"index; {bad} statement(s) have one. Statements are the ones the app sent.",
    )
    return table


async def _create_database() -> str:
    name = f"linehub_plans_{os.getpid()}_{secrets.token_hex(3)}"
    conn = await asyncpg.connect(PG_DSN, timeout=5)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_DSN.rsplit("/", 1)[0] + "/" + name


async def _drop_database(url: str) -> None:
    conn = await asyncpg.connect(PG_DSN, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


async def run_in_own_database(families: int, *, full: bool) -> Table:
    """A throwaway PostgreSQL database for one run: migrated, grown, explained, dropped."""
    from cli.db import apply_migrations
    from models import tortoise_config

    url = await _create_database()
    try:
        await apply_migrations(url)
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        try:
            return await plans_table(families, full=full)
        finally:
            await Tortoise.close_connections()
    finally:
        await _drop_database(url)


@scenario("plans", "EXPLAIN of the hot queries on a grown PostgreSQL database")
async def plans(env: BenchEnv) -> Table:
    # its own process: its own tortoise on PostgreSQL, the bench's SQLite one untouched
    return await table_from_child("bench.plans", *(["--sql"] if env.show_sql else []))


def main(argv: list[str]) -> int:
    import logging

    logging.disable(logging.INFO)
    families = int(os.environ.get("LINEHUB_BENCH_FAMILIES", FAMILIES))
    table = asyncio.run(run_in_own_database(families, full="--sql" in argv))
    return print_table(table, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
