"""Database commands: migrations with Tortoise's own migration engine.

Tortoise 1.x ships migrations (autodetector, graph, executor) in the ORM itself, so the
schema history needs no second tool (aerich) that lags behind the ORM's releases.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tortoise import Tortoise, connections
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


async def wipe_all() -> None:
    """Delete every row of every linehub table (demo --reset, test isolation).

    PostgreSQL truncates all tables in one statement; SQLite deletes table by table with
    foreign keys off, then resets the id sequences so ids start again at 1.
    """
    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps[APP_LABEL].values()]
    if conn.capabilities.dialect == "postgres":
        # the job queue's tables (migration 0013) go too: a job left queued would name
        # rows that no longer exist, or, ids restarting, rows that are someone else's
        tables += list(QUEUE_TABLES)
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        return
    statements = ["PRAGMA foreign_keys = OFF"]
    statements += [f'DELETE FROM "{t}"' for t in tables]  # noqa: S608 - our own table names
    statements += ["DELETE FROM sqlite_sequence", "PRAGMA foreign_keys = ON"]
    await conn.execute_script(";\n".join(statements))
