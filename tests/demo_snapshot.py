"""The demo family for a test, loaded once a session and copied back for each test.

`cli.demo.load_demo` writes the demo through the domain, row by row: about 0.2 s, and
most tests start from it. The first test of a session that asks for the demo loads it
for real; its rows are then copied, inside the database, to tables of a snapshot
(a `demo_snapshot` schema on PostgreSQL, an attached in-memory database on SQLite), and
each later test copies them back: one statement a table, parents first, and the id
sequences set to where the real load left them. The loader itself keeps its own tests
(tests/foundation/test_ledger_and_demo.py, the `linehub demo` command's).

The copy is the demo as the session's first load wrote it: its dates are that load's,
minutes old at most. A test that needs other settings for the demo (another password
or hashing) gets a real load.
"""

# ruff: noqa: S608 - every statement here names our own tables and schema, never input

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from cli.db import children_first, linehub_tables
from config import Settings
from models import User

SCHEMA = "demo_snapshot"


@dataclass
class Snapshot:
    key: tuple[Any, ...]
    parents_first: list[str]
    people: dict[str, int]
    sequences: list[tuple[str, int, bool]]  # PostgreSQL: (sequence, last value, called)


_taken: Snapshot | None = None


def _key(settings: Settings) -> tuple[Any, ...]:
    """What the demo's rows depend on besides the code."""
    return (settings.database_url, settings.demo_password, settings.argon2)


async def demo_for_test(settings: Settings) -> dict[str, User]:
    """The demo's people, their rows in a database the test's wipe left empty."""
    global _taken
    conn = connections.get("default")
    if _taken is not None and _taken.key == _key(settings) and await _present(conn):
        await _restore(conn, _taken)
        found = {u.id: u for u in await User.filter(id__in=list(_taken.people.values()))}
        return {name: found[user_id] for name, user_id in _taken.people.items()}
    from cli.demo import load_demo

    people = await load_demo(settings)
    _taken = await _take(conn, _key(settings), people)
    return people


async def _take(conn: BaseDBAsyncClient, key: tuple[Any, ...], people: dict[str, User]) -> Snapshot:
    dialect = conn.capabilities.dialect
    tables = linehub_tables(dialect)
    if dialect == "postgres":
        order = await children_first(conn, tables)
        assert order is not None, "the demo snapshot needs foreign keys without a cycle"
        statements = [f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE", f"CREATE SCHEMA {SCHEMA}"]
        statements += [f'CREATE TABLE {SCHEMA}."{t}" AS SELECT * FROM "{t}"' for t in tables]
        await conn.execute_script(";\n".join(statements))
        rows = await conn.execute_query_dict(
            "SELECT schemaname || '.' || sequencename AS name, last_value, "
            "last_value IS NOT NULL AS called FROM pg_sequences WHERE schemaname = 'public'"
        )
        sequences = [(r["name"], r["last_value"] or 1, r["called"]) for r in rows]
        return Snapshot(key, list(reversed(order)), _ids(people), sequences)
    statements = [f"ATTACH DATABASE ':memory:' AS {SCHEMA}"] if not await _present(conn) else []
    statements += [f'DROP TABLE IF EXISTS {SCHEMA}."{t}"' for t in [*tables, "sequences"]]
    statements += [f'CREATE TABLE {SCHEMA}."{t}" AS SELECT * FROM main."{t}"' for t in tables]
    statements.append(f"CREATE TABLE {SCHEMA}.sequences AS SELECT * FROM main.sqlite_sequence")
    await conn.execute_script(";\n".join(statements))
    return Snapshot(key, tables, _ids(people), [])


async def _restore(conn: BaseDBAsyncClient, snapshot: Snapshot) -> None:
    if conn.capabilities.dialect == "postgres":
        statements = [
            f'INSERT INTO "{t}" OVERRIDING SYSTEM VALUE SELECT * FROM {SCHEMA}."{t}"'
            for t in snapshot.parents_first
        ]
        statements += [
            f"SELECT setval('{name}', {value}, {str(called).lower()})"
            for name, value, called in snapshot.sequences
            if not name.startswith("public.tortoise_")
        ]
    else:
        # foreign keys off while copying, as the wipe does: the tables' order is the models'
        statements = ["PRAGMA foreign_keys = OFF"]
        statements += [
            f'INSERT INTO main."{t}" SELECT * FROM {SCHEMA}."{t}"' for t in snapshot.parents_first
        ]
        statements += [
            "DELETE FROM main.sqlite_sequence",
            f"INSERT INTO main.sqlite_sequence SELECT * FROM {SCHEMA}.sequences",
            "PRAGMA foreign_keys = ON",
        ]
    await conn.execute_script(";\n".join(statements))


async def _present(conn: BaseDBAsyncClient) -> bool:
    """Whether this connection still has the snapshot (a reconnect loses an attachment)."""
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            f"SELECT 1 FROM pg_namespace WHERE nspname = '{SCHEMA}'"
        )
    else:
        rows = await conn.execute_query_dict("PRAGMA database_list")
        rows = [r for r in rows if r["name"] == SCHEMA]
    return bool(rows)


def _ids(people: dict[str, User]) -> dict[str, int]:
    return {name: user.id for name, user in people.items()}
