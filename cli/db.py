"""Database commands: migrations with Tortoise's own migration engine.

Tortoise 1.x ships migrations (autodetector, graph, executor) in the ORM itself, so the
schema history needs no second tool (aerich) that lags behind the ORM's releases.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.migrations.autodetector import MigrationAutodetector

from config import Settings
from models import APP_LABEL, tortoise_config


def ensure_sqlite_dir(database_url: str) -> None:
    """`sqlite://var/linehub.sqlite3` needs `var/` to exist before the first connection."""
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def apply_migrations(database_url: str) -> None:
    """Apply every pending migration; a no-op on an up-to-date database."""
    ensure_sqlite_dir(database_url)
    try:
        await tortoise_migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()
        # tortoise caches each table's INSERT by connection and table name, process-wide:
        # a migration that wrote rows through a historical model (0008's search texts)
        # leaves that model's columns there, and the current model would insert with them
        EXECUTOR_CACHE.clear()


async def migrate(settings: Settings) -> int:
    await apply_migrations(settings.database_url)
    print(f"linehub: database is at the current schema ({APP_LABEL})")
    return 0


async def makemigrations(settings: Settings, *, check: bool = False) -> int:
    """Write migrations for model changes; with `check`, only report them (CI, tests)."""
    config = tortoise_config(settings.database_url)
    await Tortoise.init(config=config, init_connections=False)
    try:
        writers = await MigrationAutodetector(Tortoise.apps, config["apps"]).changes()
        if check:
            for writer in writers:
                print(f"pending: {writer.app_label}.{writer.name}")
            return 1 if writers else 0
        for writer in writers:
            print(f"created {writer.write()}")
        if not writers:
            print("no changes", file=sys.stderr)
    finally:
        await Tortoise.close_connections()
    return 0


QUEUE_TABLES = (
    "procrastinate_periodic_defers",
    "procrastinate_events",
    "procrastinate_jobs",
    "procrastinate_workers",
)


def linehub_tables(dialect: str) -> list[str]:
    """Every table whose rows linehub writes: the models' and, on PostgreSQL, the job
    queue's (migration 0013). A job left queued would name rows that no longer exist, or,
    ids restarting, rows that are someone else's."""
    tables = [m._meta.db_table for m in Tortoise.apps[APP_LABEL].values()]
    return tables + list(QUEUE_TABLES) if dialect == "postgres" else tables


_ORDERS: dict[tuple[str, ...], list[str] | None] = {}


async def children_first(conn: BaseDBAsyncClient, tables: list[str]) -> list[str] | None:
    """`tables` ordered so that each comes before the tables its foreign keys name (the
    order to delete in; reversed, to insert in); None if the keys form a cycle.
    PostgreSQL only; asked of the catalogue once a process."""
    key = tuple(tables)
    if key not in _ORDERS:
        rows = await conn.execute_query_dict(
            "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent"
            " FROM pg_constraint WHERE contype = 'f'"
        )
        parents: dict[str, set[str]] = {t: set() for t in tables}
        for row in rows:
            child, parent = row["child"].strip('"'), row["parent"].strip('"')
            if child in parents and parent in parents and child != parent:
                parents[child].add(parent)
        _ORDERS[key] = _topological(parents)
    return _ORDERS[key]


def _topological(parents: dict[str, set[str]]) -> list[str] | None:
    order: list[str] = []
    left = {table: set(named) for table, named in parents.items()}
    while left:
        # the tables no remaining table refers to can go now
        named = set().union(*left.values())
        free = sorted(t for t in left if t not in named)
        if not free:
            return None
        order += free
        for table in free:
            del left[table]
    return order


async def wipe_all() -> None:
    """Delete every row of every linehub table (demo --reset, test isolation), and start
    the id sequences again at 1.

    PostgreSQL deletes table by table, children first: a TRUNCATE of the 36 tables costs
    about 90 ms however empty they are (new files for each), a DELETE of a test's few
    rows about 2 ms, and every test starts with a wipe. SQLite deletes with foreign keys
    off and empties its sequence table.
    """
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    tables = linehub_tables(dialect)
    if dialect == "postgres":
        order = await children_first(conn, tables)
        if order is None:  # a cycle of foreign keys: only TRUNCATE ... CASCADE clears it
            quoted = ", ".join(f'"{t}"' for t in tables)
            await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            return
        statements = [f'DELETE FROM "{t}"' for t in order]  # noqa: S608 - our own names
        statements.append(restart_sequences(tables))
        await conn.execute_script(";\n".join(statements))
        return
    statements = ["PRAGMA foreign_keys = OFF"]
    statements += [f'DELETE FROM "{t}"' for t in tables]  # noqa: S608 - our own table names
    statements += ["DELETE FROM sqlite_sequence", "PRAGMA foreign_keys = ON"]
    await conn.execute_script(";\n".join(statements))


def restart_sequences(tables: list[str]) -> str:
    """One PostgreSQL statement: the sequences behind `tables`' serial and identity
    columns start again at 1 (setval is not transactional, and costs no new files)."""
    names = ", ".join(f"'{t}'" for t in tables)
    sequences = (
        "SELECT setval(s.oid, 1, false) FROM pg_class s"
        " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
        " JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S'"
    )
    return f"{sequences} AND t.relname IN ({names})"
