"""The dashboard bench's database: a throwaway PostgreSQL database at a realistic size.

The real migrations and the demo (Anna holds six lines), then thousands of families
written with COPY, and one holder with fifty lines (two contracts of their own, their
own number on another family's contract, one line delegated to them) so that the
baseline's SQL meets every relation the access rules know. Every grown line has a
tariff, its allowances and services; the ledger is left out (the dashboard reads the
balance column, not the history).

`python -m bench.dashboard_data DATABASE_URL SECRET_KEY` loads it and prints the
holders and their access tokens as JSON. It runs in its own process: migrating and
loading go through Tortoise, whose connections are process-global and already serve
the other scenarios' SQLite database in the bench process.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from tortoise import Tortoise

from auth.tokens import AccessTokens
from bench.env import CHEAP_ARGON2, DEMO_OWNER
from cli.db import apply_migrations
from cli.demo import load_demo
from config import Settings
from models import tortoise_config
from models.allowance import next_month_start

DEFAULT_DSN = "postgres://postgres@127.0.0.1:5432"
FAMILIES = 5_000
GRANT_SHARE = 0.1  # families that delegate one of their lines to another family
PRIMARY_SHARE = 0.3  # holders who chose the number shown first
SESSIONS_PER_HOLDER = 2  # a live session table: one open and one revoked per holder
BIG_FAMILY = 50
SEED = 20_260_610


def server_dsn() -> str:
    """PostgreSQL to create the bench database on (LINEHUB_BENCH_PG_DSN), no database."""
    return os.environ.get("LINEHUB_BENCH_PG_DSN", DEFAULT_DSN).rstrip("/")


def database_url(name: str) -> str:
    return f"{server_dsn()}/{name}"


async def create_database(name: str) -> None:
    conn = await asyncpg.connect(database_url("postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(database_url("postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass(frozen=True)
class Holder:
    """A viewer the bench asks for the dashboard as."""

    label: str
    user_id: int
    lines: int  # lines the viewer can see
    token: str


@dataclass
class Rows:
    """Rows to COPY, per table, with ids handed out here (sequences are moved after)."""

    next_ids: dict[str, int]
    tables: dict[str, list[tuple[Any, ...]]]

    def add(self, table: str, *values: Any) -> int:
        row_id = self.next_ids[table]
        self.next_ids[table] += 1
        self.tables.setdefault(table, []).append((row_id, *values))
        return row_id


COLUMNS = {
    "person": ("id", "name", "birth_year", "access_requests_allowed", "created_at"),
    "contract": ("id", "number", "kind", "holder_id", "signed_at"),
    "line": (
        "id",
        "msisdn",
        "contract_id",
        "user_id",
        "user_level",
        "device_kind",
        "status",
        "tariff_id",
        "balance",
        "mobile_network_access",
        "notify_low_balance",
        "low_balance_threshold",
        "notify_usage",
        "created_at",
    ),
    "allowance": ("id", "line_id", "kind", "total", "left", "unlimited", "resets_at"),
    "line_service": ("id", "line_id", "service_id", "price", "connected_at"),
    "line_grant": (
        "id",
        "line_id",
        "grantee_id",
        "granted_by_id",
        "level",
        "status",
        "created_at",
    ),
    "primary_line": ("id", "user_id", "line_id"),
}


class Grower:
    """Builds the grown families' rows from the demo's catalogue."""

    def __init__(self, rows: Rows, tariffs: list[asyncpg.Record], services: list[Any]) -> None:
        self.rows = rows
        self.tariffs = tariffs
        self.services = services
        self.rng = random.Random(SEED)
        self.now = datetime.now(UTC)
        self.resets_at = next_month_start(self.now)

    def person(self, name: str) -> int:
        return self.rows.add("person", name, 1980, True, self.now)

    def contract(self, holder_id: int) -> int:
        number = f"BENCH-{self.rows.next_ids['contract']:08d}"
        return self.rows.add("contract", number, "MOBILE", holder_id, self.now)

    def line(
        self, contract_id: int, user_id: int | None, tariff: asyncpg.Record, services: int
    ) -> int:
        msisdn = f"95{self.rows.next_ids['line']:08d}"
        level = self.rng.choice(("FULL", "LIMITED"))
        balance = self.rng.randrange(-5_000, 150_000)
        line_id = self.rows.add(
            "line",
            msisdn,
            contract_id,
            user_id,
            level,
            "PHONE",
            "ACTIVE",
            tariff["id"],
            balance,
            "LIMITED",
            True,
            10_000,
            True,
            self.now,
        )
        used = self.rng.random()
        for kind, total, unlimited in (
            ("MINUTES", tariff["minutes"], False),
            ("SMS", tariff["sms"], False),
            ("DATA", tariff["data_mb"], tariff["unlimited_data"]),
        ):
            if total is None and not unlimited:
                continue
            total = total or 0
            left = total - int(total * used)
            self.rows.add("allowance", line_id, kind, total, left, unlimited, self.resets_at)
        for service_id, price in self.rng.sample(self.services, services):
            self.rows.add("line_service", line_id, service_id, price, self.now)
        return line_id

    def family(self, n: int) -> tuple[int, list[int]]:
        """A holder, their contract and 1-6 lines, some of them the children's own."""
        holder = self.person(f"Bench holder {n}")
        contract = self.contract(holder)
        size = self.rng.choice((1, 2, 3, 3, 4, 4, 5, 6))
        lines = []
        for i in range(size):
            user = self.person(f"Bench child {n}.{i}") if i and i % 2 == 0 else None
            tariff = self.rng.choice(self.tariffs)
            lines.append(self.line(contract, user, tariff, self.rng.randrange(0, 4)))
        return holder, lines

    def grant(self, line_id: int, grantee: int, by: int, level: str) -> None:
        # accepted: an invitation still pending would give the grantee nothing
        self.rows.add("line_grant", line_id, grantee, by, level, "ACTIVE", self.now)

    def primary(self, user_id: int, line_id: int) -> None:
        self.rows.add("primary_line", user_id, line_id)


async def _grow(conn: asyncpg.Connection) -> int:
    """Thousands of families and the fifty-line holder; returns that holder's id."""
    next_ids = {
        table: await conn.fetchval(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
        for table in COLUMNS
    }
    tariffs = await conn.fetch(
        "SELECT id, minutes, sms, data_mb, unlimited_data FROM tariff "
        "WHERE kind = 'MOBILE' AND NOT archived ORDER BY id"
    )
    services = [
        (r["id"], r["price"])
        for r in await conn.fetch(
            "SELECT id, price FROM service WHERE kind = 'MOBILE' AND NOT archived ORDER BY id"
        )
    ]
    grow = Grower(Rows(next_ids, {}), list(tariffs), services)
    families = [grow.family(n) for n in range(FAMILIES)]
    for n, (holder, lines) in enumerate(families):
        if grow.rng.random() < GRANT_SHARE:
            grantee, _ = families[(n + 1) % FAMILIES]
            grow.grant(lines[0], grantee, holder, grow.rng.choice(("FULL", "LIMITED")))
        if grow.rng.random() < PRIMARY_SHARE:
            grow.primary(holder, grow.rng.choice(lines))
    # the fifty-line holder: 30 + 18 lines on two contracts of their own, their own
    # number on family 0's contract, and a line of family 1 delegated to them
    big = grow.person("Bench holder of fifty")
    own: list[int] = []
    for size in (30, 18):
        contract = grow.contract(big)
        own += [
            grow.line(contract, None, grow.tariffs[i % len(grow.tariffs)], 1 + i % 3)
            for i in range(size)
        ]
    family_contract = grow.rows.tables["contract"][0][0]
    grow.line(family_contract, big, grow.tariffs[0], 2)
    grow.grant(families[1][1][0], big, families[1][0], "LIMITED")
    grow.primary(big, own[35])
    for table, columns in COLUMNS.items():
        records = grow.rows.tables.get(table, [])
        await conn.copy_records_to_table(table, records=records, columns=columns)
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"  # noqa: S608
        )
    await _sessions(conn, [holder for holder, _ in families], grow.now)
    await conn.execute("ANALYZE")
    return big


async def _sessions(conn: asyncpg.Connection, holders: list[int], now: datetime) -> None:
    expires = now + timedelta(days=30)
    rows = [
        (uuid.uuid4(), holder, "PASSWORD", "FULL", False, "bench", now, now, expires, revoked)
        for holder in holders
        for revoked in [None, now][:SESSIONS_PER_HOLDER]
    ]
    columns = (
        "id",
        "user_id",
        "auth_method",
        "access_cap",
        "must_set_password",
        "user_agent",
        "created_at",
        "last_seen_at",
        "expires_at",
        "revoked_at",
    )
    await conn.copy_records_to_table("session", records=rows, columns=columns)


async def _holder(conn: asyncpg.Connection, tokens: AccessTokens, label: str, user: int) -> Holder:
    """A fresh FULL session for `user`, as a password login opens one."""
    session_id = uuid.uuid4()
    now = datetime.now(UTC)
    await conn.execute(
        "INSERT INTO session (id, user_id, auth_method, access_cap, must_set_password, "
        "user_agent, created_at, last_seen_at, expires_at) "
        "VALUES ($1, $2, 'PASSWORD', 'FULL', false, 'bench', $3, $3, $4)",
        session_id,
        user,
        now,
        now + timedelta(days=30),
    )
    visible = await conn.fetchval(
        "SELECT count(*) FROM line l JOIN contract c ON c.id = l.contract_id "
        "WHERE c.holder_id = $1 OR l.user_id = $1 OR l.id IN "
        "(SELECT line_id FROM line_grant WHERE grantee_id = $1 AND revoked_at IS NULL)",
        user,
    )
    return Holder(label, user, visible, tokens.issue(session_id, user))


async def prepare(url: str, secret_key: str) -> list[Holder]:
    """Migrate, load the demo, grow; the holders with six and fifty lines."""
    await apply_migrations(url)
    await Tortoise.init(config=tortoise_config(url))
    try:
        await load_demo(Settings(env="test", database_url=url, argon2=CHEAP_ARGON2))
    finally:
        await Tortoise.close_connections()
    conn = await asyncpg.connect(url)
    try:
        big = await _grow(conn)
        anna = await conn.fetchval("SELECT contract_id FROM line WHERE msisdn = $1", DEMO_OWNER)
        anna_id = await conn.fetchval("SELECT holder_id FROM contract WHERE id = $1", anna)
        tokens = AccessTokens(secret_key)
        return [
            await _holder(conn, tokens, "6 lines", anna_id),
            await _holder(conn, tokens, "50 lines", big),
        ]
    finally:
        await conn.close()


async def table_sizes(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {
            table: await conn.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
            for table in ("contract", "line", "allowance", "line_service", "session")
        }
    finally:
        await conn.close()


def main() -> int:
    url, secret_key = sys.argv[1:3]
    holders = asyncio.run(prepare(url, secret_key))
    print(json.dumps([asdict(h) for h in holders]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
