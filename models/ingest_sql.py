"""The few statements of usage ingestion that take a whole chunk at once, written for
PostgreSQL and SQLite alike.

Tortoise writes a row a statement (`bulk_create` is an `executemany`: a statement a row
on SQLite, and it answers nothing back), updates every row to the same values, and
builds an `IN (...)` list one parameter object at a time (a third of a 2 000-record
chunk's time went there). Rating a batch spread over thousands of lines needs each
line's own change in one round trip and what the database made of it (the balance a
charge left, which records were new), so these are written by hand:

- PostgreSQL takes a column of values as one array parameter: `= ANY($1::int[])`,
  `INSERT .. SELECT * FROM unnest($1::text[], ...)`, `UPDATE .. FROM unnest(...)`. A
  statement's text, and so its plan in asyncpg's cache, is the same for 10 rows or
  2 000, and half as slow to run as a 17 000-parameter VALUES list.
- SQLite has no arrays: a parameter a value, VALUES lists (UPDATE .. FROM and RETURNING
  since 3.35), as many rows to a statement as its 32 766 parameters allow.

Both name a VALUES list's (or unnest's) columns column1, column2 ..., so the UPDATE's
assignments read the same on both. Table and column names here are the callers'
constants, never input; every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

# SQLite refuses more than 32 766 parameters in one statement
MAX_PARAMETERS = 32_000


def _postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def _names(names: Sequence[str], table: str = "") -> str:
    prefix = f'"{table}".' if table else ""
    return ", ".join(f'{prefix}"{name}"' for name in names)


def _slices(rows: Sequence[Any], width: int) -> list[list[Any]]:
    per_statement = max(1, MAX_PARAMETERS // max(width, 1))
    return [
        list(rows[first : first + per_statement]) for first in range(0, len(rows), per_statement)
    ]


def moment(value: datetime | str) -> datetime:
    """A datetime as the driver answers it: SQLite keeps text (models/sqlite.py)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


async def select_in(
    conn: BaseDBAsyncClient,
    select: str,
    column: str,
    pg_type: str,
    values: Collection[Any],
    *,
    order_by: str = "",
    lock: bool = False,
) -> list[dict[str, Any]]:
    """`select` (SELECT .. FROM ..) of the rows whose `column` is one of `values`;
    `lock` takes them FOR UPDATE, in `order_by` order (SQLite locks the whole database
    for a writing transaction and has no FOR UPDATE)."""
    if not values:
        return []
    tail = f' ORDER BY "{order_by}"' if order_by else ""
    if _postgres(conn):
        sql = f'{select} WHERE "{column}" = ANY($1::{pg_type}[]){tail}'
        return await conn.execute_query_dict(sql + (" FOR UPDATE" if lock else ""), [list(values)])
    found: list[dict[str, Any]] = []
    for part in _slices(list(values), 1):
        marks = ", ".join("?" * len(part))
        found += await conn.execute_query_dict(
            f'{select} WHERE "{column}" IN ({marks}){tail}', part
        )
    return found


async def insert_rows(
    conn: BaseDBAsyncClient,
    table: str,
    columns: Mapping[str, str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str],
    skip_conflicts_on: str | None = None,
) -> list[dict[str, Any]]:
    """INSERT the rows (`columns`: name -> PostgreSQL type, in the rows' order); answers
    the `returning` columns of each row written. With `skip_conflicts_on`, a row whose
    value of that unique column exists already is left out, and absent from the answer."""
    if not rows:
        return []
    conflict = f' ON CONFLICT ("{skip_conflicts_on}") DO NOTHING' if skip_conflicts_on else ""
    head = f'INSERT INTO "{table}" ({_names(list(columns))})'
    tail = f"{conflict} RETURNING {_names(returning)}"
    if _postgres(conn):
        arrays = ", ".join(f"${n}::{kind}[]" for n, kind in enumerate(columns.values(), 1))
        sql = f"{head} SELECT * FROM unnest({arrays}){tail}"  # noqa: S608
        return await conn.execute_query_dict(
            sql, [list(column) for column in zip(*rows, strict=True)]
        )
    written: list[dict[str, Any]] = []
    for part in _slices(rows, len(columns)):
        values = ", ".join("(" + ", ".join("?" * len(row)) + ")" for row in part)
        flat = [value for row in part for value in row]
        written += await conn.execute_query_dict(f"{head} VALUES {values}{tail}", flat)
    return written


async def update_by_id(
    conn: BaseDBAsyncClient,
    table: str,
    changes: Sequence[Sequence[int]],
    assignments: str,
    *,
    returning: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """UPDATE many rows, each by its id with its own whole numbers: `changes` are (id,
    n1, n2, ...), which `assignments` reads as v.column2, v.column3 ... (the row's own
    columns as "table"."column", their values before the update)."""
    if not changes:
        return []
    width = len(changes[0])
    where = f' WHERE "{table}"."id" = v.column1'
    tail = f" RETURNING {_names(returning, table)}" if returning else ""
    if _postgres(conn):
        arrays = ", ".join(f"${n}::bigint[]" for n in range(1, width + 1))
        names = ", ".join(f"column{n}" for n in range(1, width + 1))
        sql = f'UPDATE "{table}" SET {assignments} FROM unnest({arrays}) AS v({names})'  # noqa: S608
        return await conn.execute_query_dict(
            sql + where + tail, [list(column) for column in zip(*changes, strict=True)]
        )
    done: list[dict[str, Any]] = []
    for part in _slices(changes, width):
        values = ", ".join("(" + ", ".join("?" * width) + ")" for _ in part)
        sql = f'UPDATE "{table}" SET {assignments} FROM (VALUES {values}) AS v'  # noqa: S608
        flat = [number for row in part for number in row]
        done += await conn.execute_query_dict(sql + where + tail, flat)
    return done
