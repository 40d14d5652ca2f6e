"""The data: the demo, EXTRA_LINES more lines and ROWS usage records, loaded by PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

from bench.env import CHEAP_ARGON2
from bench.usage.sizes import (
    BIG_LINE,
    BIG_ROWS,
    EXTRA_LINES,
    LOAD_CHUNK,
    LOADERS,
    ROWS,
    SECRET_KEY,
    YEAR_SECONDS,
)

# ---------------------------------------------------------------------------- the data

_HOLDERS = """
    INSERT INTO person (id, name, access_requests_allowed, created_at)
    SELECT $1 + f, 'Usage bench holder ' || f, true, now() FROM generate_series(1, $2) f"""
_CONTRACTS = """
    INSERT INTO contract (id, number, kind, signed_at, holder_id)
    SELECT $1 + f, 'U' || lpad(($1 + f)::text, 9, '0'), 'MOBILE', now(), $3 + f
    FROM generate_series(1, $2) f"""
# four lines to a contract; numbers 977xxxxxxx, on the tariff of the demo's line $4
_LINES = """
    INSERT INTO line (id, msisdn, user_level, device_kind, status, balance,
        mobile_network_access, created_at, contract_id, tariff_id, user_id,
        low_balance_threshold, notify_low_balance, notify_usage)
    SELECT $1 + l, '977' || lpad(($1 + l)::text, 7, '0'), 'FULL', 'PHONE', 'ACTIVE',
        100000000, 'LIMITED', now(), $3 + 1 + (l - 1) / 4,
        (SELECT tariff_id FROM line WHERE id = $4), NULL, 10000, false, false
    FROM generate_series(1, $2) l"""
# fresh packages like the demo line's: every package untouched this period
_ALLOWANCES = """
    INSERT INTO allowance (kind, total, "left", unlimited, resets_at, line_id)
    SELECT a.kind, a.total, a.total, a.unlimited, a.resets_at, $1 + l
    FROM generate_series(1, $2) l, allowance a WHERE a.line_id = $3"""
_SEQUENCES = [
    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608
    for table in ("person", "contract", "line", "allowance")
]
# a busy line's mix; $3 the line (big) or the lines to spread over (rest), $4 the
# seconds between two records of the big line
_COLUMNS = """usage_record (network_id, kind, direction, started_at, counterpart,
    seconds, bytes, units, roaming, zone, offnet, allowance_used, cost, flag,
    ledger_entry_id, created_at, line_id)"""
_VALUES = """
    k.kind, CASE WHEN g % 3 = 0 THEN 'IN' ELSE 'OUT' END, {started},
    CASE WHEN k.kind = 'DATA' THEN NULL ELSE '916' || lpad((g % 10000000)::text, 7, '0') END,
    CASE WHEN k.kind = 'CALL' THEN 37 + g % 900 END,
    CASE WHEN k.kind = 'DATA' THEN 1000 + (g * 7919) % 5000000 END,
    CASE WHEN k.kind IN ('SMS', 'MMS') THEN 1 END,
    g % 17 = 0, CASE WHEN g % 17 = 0 THEN 'EUROPE' END, g % 5 = 0,
    CASE WHEN g % 10 = 0 THEN 0 ELSE 1 END, CASE WHEN g % 10 = 0 THEN g % 5000 ELSE 0 END,
    NULL, NULL, now(), {line}
    FROM generate_series($1::bigint, $2::bigint) g,
    LATERAL (SELECT (ARRAY['CALL', 'DATA', 'SMS', 'CALL', 'DATA', 'MMS'])[g % 6 + 1] AS kind) k"""
_BIG = f"INSERT INTO {_COLUMNS} SELECT 'bench-big-' || g, " + _VALUES.format(
    started=f"now() - interval '{YEAR_SECONDS} seconds' + make_interval(secs => g * $4::float8)",
    line="$3::int",
)
_REST = f"INSERT INTO {_COLUMNS} SELECT 'bench-' || g, " + _VALUES.format(
    started=f"now() - make_interval(secs => 60 + (g * 7919) % {YEAR_SECONDS})",
    line="($3::int[])[1 + g % cardinality($3::int[])]",
)


@dataclass
class Loaded:
    rows: int  # usage records in the table
    big_rows: int
    big_line_id: int
    owner_id: int  # Anna, the big line's holder
    lines: list[str]  # every line's number
    timings: list[tuple[str, float]]
    size_mb: float


async def _grow_lines(conn: asyncpg.Connection) -> None:
    """EXTRA_LINES lines on EXTRA_LINES / 4 contracts, with their packages."""
    top = {
        t: int(await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {t}"))  # noqa: S608
        for t in ("person", "contract", "line")
    }
    # Masha's line: a tariff with packages of every kind, none unlimited
    model = await conn.fetchval("SELECT id FROM line WHERE msisdn = '9031234568'")
    contracts = (EXTRA_LINES + 3) // 4
    await conn.execute(_HOLDERS, top["person"], contracts)
    await conn.execute(_CONTRACTS, top["contract"], contracts, top["person"])
    await conn.execute(_LINES, top["line"], EXTRA_LINES, top["contract"], model)
    await conn.execute(_ALLOWANCES, top["line"], EXTRA_LINES, model)
    for sql in _SEQUENCES:
        await conn.execute(sql)


async def _indexes(conn: asyncpg.Connection) -> tuple[list[str], list[str], list[str]]:
    """usage_record's indexes and constraints as SQL to build them again: (indexes to
    create, constraints to attach to them, the rest)."""
    constraints = await conn.fetch(
        "SELECT conname, contype::text, pg_get_constraintdef(oid) AS def FROM pg_constraint "
        "WHERE conrelid = 'usage_record'::regclass"
    )
    indexes = await conn.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'usage_record'"
    )
    create = [row["indexdef"] for row in indexes]
    attach, rest = [], []
    for row in constraints:
        name = row["conname"]
        if row["contype"] in ("p", "u"):
            kind = "PRIMARY KEY" if row["contype"] == "p" else "UNIQUE"
            attach.append(
                f'ALTER TABLE usage_record ADD CONSTRAINT "{name}" {kind} USING INDEX "{name}"'
            )
        else:
            rest.append(f'ALTER TABLE usage_record ADD CONSTRAINT "{name}" {row["def"]}')
    return create, attach, rest


async def _drop_indexes(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "SELECT conname, contype FROM pg_constraint WHERE conrelid = 'usage_record'::regclass "
        "ORDER BY contype = 'f' DESC"
    )
    for row in rows:
        await conn.execute(f'ALTER TABLE usage_record DROP CONSTRAINT "{row["conname"]}"')
    for row in await conn.fetch(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'usage_record'"
    ):
        await conn.execute(f'DROP INDEX "{row["indexname"]}"')


async def _in_parallel(url: str, statements: list[tuple[str, tuple[Any, ...]]], width: int) -> None:
    """Run the statements on `width` connections at once, each taking the next."""
    queue = list(reversed(statements))

    async def worker() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("SET maintenance_work_mem = '256MB'")
            while queue:
                sql, args = queue.pop()
                await conn.execute(sql, *args)
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(width)))


async def load(url: str, rows: int = ROWS) -> Loaded:
    """The demo, the extra lines and `rows` usage records (at least the big line's
    BIG_ROWS); every step timed."""
    from cli.demo import load_demo
    from config import Settings

    timings: list[tuple[str, float]] = []
    began = time.perf_counter()
    settings = Settings(env="test", database_url=url, secret_key=SECRET_KEY, argon2=CHEAP_ARGON2)
    await load_demo(settings)
    # the demo's sessions and logins went through Tortoise; the rest is plain SQL
    conn = await asyncpg.connect(url)
    try:
        await _grow_lines(conn)
        timings.append(("demo + lines", time.perf_counter() - began))
        big_line_id, owner_id = await conn.fetchrow(
            "SELECT l.id, c.holder_id FROM line l JOIN contract c ON c.id = l.contract_id "
            "WHERE l.msisdn = $1",
            BIG_LINE,
        )
        others = [
            r["id"] for r in await conn.fetch("SELECT id FROM line WHERE id <> $1", big_line_id)
        ]
        lines = [r["msisdn"] for r in await conn.fetch("SELECT msisdn FROM line ORDER BY id")]
        demo_rows = int(await conn.fetchval("SELECT count(*) FROM usage_record"))
        demo_big = int(
            await conn.fetchval("SELECT count(*) FROM usage_record WHERE line_id = $1", big_line_id)
        )
        big, rest = BIG_ROWS, max(rows - BIG_ROWS - demo_rows, 0)
        create, attach, constraints = await _indexes(conn)
        await _drop_indexes(conn)
        began = time.perf_counter()
        step = YEAR_SECONDS / big
        chunks: list[tuple[str, tuple[Any, ...]]] = [
            (_BIG, (first, min(first + LOAD_CHUNK - 1, big), big_line_id, step))
            for first in range(1, big + 1, LOAD_CHUNK)
        ]
        chunks += [
            (_REST, (first, min(first + LOAD_CHUNK - 1, rest), others))
            for first in range(1, rest + 1, LOAD_CHUNK)
        ]
        await _in_parallel(url, chunks, LOADERS)
        timings.append((f"INSERT .. SELECT, {LOADERS} connections", time.perf_counter() - began))
        began = time.perf_counter()
        await _in_parallel(url, [(sql, ()) for sql in create], LOADERS)
        for sql in [*attach, *constraints]:
            await conn.execute(sql)
        timings.append((f"{len(create)} indexes + foreign key", time.perf_counter() - began))
        began = time.perf_counter()
        # a loaded table as a live one would be: hint bits set, visibility map, statistics
        await conn.execute("VACUUM ANALYZE usage_record")
        await conn.execute("ANALYZE")
        timings.append(("VACUUM ANALYZE", time.perf_counter() - began))
        count = int(await conn.fetchval("SELECT count(*) FROM usage_record"))
        size = int(await conn.fetchval("SELECT pg_total_relation_size('usage_record')"))
    finally:
        await conn.close()
    return Loaded(count, big + demo_big, big_line_id, owner_id, lines, timings, size / 2**20)
