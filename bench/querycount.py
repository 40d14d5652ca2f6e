"""Count the SQL statements the database really runs, observed at the driver.

Tortoise's executor is not watched: what it asks for and what reaches the database differ
(transactions, savepoints, scripts, bulk inserts). The hooks sit one level lower:

- SQLite: `sqlite3.Connection.set_trace_callback` on the connection inside tortoise's
  aiosqlite client. SQLite calls it each time a statement starts to run (one that fails to
  compile never runs and is not seen). It also calls it again for every trigger
  sub-program of that statement - SQLite implements foreign-key actions (RESTRICT,
  SET NULL) as triggers, so `DELETE FROM tariff` of 3 rows is traced 4 times with the same
  text. A repeat of the same text within one call into the driver is therefore folded into
  the statement it belongs to; a repeat in a later call is a new statement. (So two
  identical consecutive rows of one `executemany`, or two identical consecutive
  statements of one script, would count once: tortoise sends neither.)
- PostgreSQL: `asyncpg.Connection.add_query_logger` on every connection of tortoise's
  pool, including connections the pool opens while a block is active. asyncpg logs one
  record per query message (`fetch`, `execute`, `executemany`) and delivers it on the next
  event-loop turn, so a block settles the loop before it reads or closes.

What counts (`QueryCounter.statements`): every statement the application made the database
run, including transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE), because
each is a round trip on PostgreSQL and a real statement on SQLite. What is kept apart
(`QueryCounter.housekeeping`, recorded but not counted): statements the driver adds on its
own - aiosqlite's `SELECT last_insert_rowid()` after an INSERT and asyncpg's pool reset
(`RESET ALL` ..., which linehub turns off: models.keep_session) on every release - because
SQLite has no reset and PostgreSQL needs no rowid query; counting them would make the same
code cost different numbers per backend.
Differences left: a multi-statement script is one PostgreSQL record but one SQLite record
per statement; `executemany` (bulk_create) is one PostgreSQL record but one SQLite record
per row; a statement PostgreSQL rejects as malformed still went over the wire and counts.
Connection setup (PRAGMAs, asyncpg's startup) is never counted, and a tortoise client
reconnected while a block is open (after `close_connections`) is not observed.

A block counts every statement on tortoise's connections from any task of the process,
which is what a request through the ASGI app needs; keep concurrent work out of a block.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiosqlite
import asyncpg
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient

__all__ = ["AsyncpgHook", "QueryCounter", "QueryListener", "count_queries", "settle"]

SQLITE_ROWID_QUERY = "SELECT last_insert_rowid()"


@dataclass
class QueryCounter:
    """The statements recorded while one `count_queries()` block is open.

    Args:
        statements: SQL text in the order the database ran it (SQLite with parameters
            filled in, PostgreSQL with `$n` placeholders).
        housekeeping: statements the driver added on its own; listed, not counted.

    Example:
        async with count_queries() as queries:
            await Tariff.filter(archived=False).count()
        assert queries.count == 1
    """

    statements: list[str] = field(default_factory=list)
    housekeeping: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        """Numbered statements, for an assertion message or a bench listing."""
        lines = [f"{n:>3}. {sql}" for n, sql in enumerate(self.statements, 1)]
        if self.housekeeping:
            lines.append(f"     (+{len(self.housekeeping)} driver housekeeping, not counted)")
        return "\n".join(lines) or "     (no statements)"


async def settle() -> None:
    """Let asyncpg deliver the log records of queries that have already finished.

    asyncpg hands each record to `loop.call_soon`; one turn of the loop runs every callback
    scheduled before it. Read `count` mid-block on PostgreSQL only after awaiting this.
    """
    await asyncio.sleep(0)


class _Recorder:
    """Installs the driver hooks while at least one block is open; fans records out."""

    def __init__(self) -> None:
        # replaced, never mutated: the SQLite trace runs in aiosqlite's worker thread and
        # iterates whatever tuple it finds
        self._active: tuple[QueryCounter, ...] = ()
        self._hooks: list[_SqliteHook | AsyncpgHook] = []
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def record(self, sql: str, *, housekeeping: bool) -> None:
        for counter in self._active:
            (counter.housekeeping if housekeeping else counter.statements).append(sql)

    def _lock(self) -> asyncio.Lock:
        return self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    async def start(self, counter: QueryCounter) -> None:
        async with self._lock():
            if not self._active:
                await self._install()
            # records of queries that finished before the block are not this block's
            await settle()
            self._active = (*self._active, counter)

    async def stop(self, counter: QueryCounter) -> None:
        async with self._lock():
            await settle()
            self._active = tuple(c for c in self._active if c is not counter)
            if not self._active:
                await self._uninstall()

    async def _install(self) -> None:
        seen: set[int] = set()
        try:
            for client in connections.all():
                root = _root_client(client)
                if id(root) in seen:
                    continue
                seen.add(id(root))
                hook = await _hook_for(root, self)
                self._hooks.append(hook)
        except BaseException:
            await self._uninstall()
            raise

    async def _uninstall(self) -> None:
        hooks, self._hooks = self._hooks, []
        for hook in hooks:
            await hook.remove()


def _root_client(client: BaseDBAsyncClient) -> BaseDBAsyncClient:
    # inside `in_transaction()` tortoise hands out a wrapper; the driver is on its parent
    while (parent := getattr(client, "_parent", None)) is not None:
        client = parent
    return client


async def _hook_for(client: BaseDBAsyncClient, recorder: _Recorder) -> _SqliteHook | AsyncpgHook:
    # open the connection now, outside any block, so its setup is not counted and there is
    # a driver object to hook
    if isinstance(client, SqliteClient):
        if client._connection is None:
            await client.create_connection(with_db=True)
        assert client._connection is not None
        return await _SqliteHook.attach(client._connection, recorder)
    if isinstance(client, AsyncpgDBClient):
        async with client._pool_init_lock:
            if client._pool is None:
                await client.create_connection(with_db=True)
        assert client._pool is not None
        return AsyncpgHook.attach(
            client._pool,
            lambda record, housekeeping: recorder.record(record.query, housekeeping=housekeeping),
        )
    raise NotImplementedError(
        f"count_queries observes sqlite and asyncpg clients, not {type(client).__name__}"
    )


class _SqliteHook:
    """The trace callback of one aiosqlite connection, with trigger repeats folded."""

    def __init__(self, connection: aiosqlite.Connection, recorder: _Recorder) -> None:
        self._connection = connection
        self._recorder = recorder
        self._calls = 0  # calls into sqlite3 so far; only the worker thread touches it
        self._last: tuple[int, str] | None = None

    @classmethod
    async def attach(cls, connection: aiosqlite.Connection, recorder: _Recorder) -> _SqliteHook:
        hook = cls(connection, recorder)
        original: Callable[..., Any] = connection._execute

        async def numbered(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            # every sqlite3 call aiosqlite makes goes through `_execute` and then runs in
            # its worker thread; numbering it there tells a trigger's re-trace (same call)
            # from the same SQL sent again (a later call)
            def call() -> Any:
                hook._calls += 1
                return fn(*args, **kwargs)

            return await original(call)

        # an instance attribute shadows the method; `remove` deletes it again
        connection._execute = numbered  # type: ignore[method-assign]
        await connection.set_trace_callback(hook._trace)
        return hook

    def _trace(self, sql: str) -> None:
        key = (self._calls, sql)
        if key == self._last:
            return  # a trigger sub-program of the statement just recorded
        self._last = key
        self._recorder.record(sql, housekeeping=sql == SQLITE_ROWID_QUERY)

    async def remove(self) -> None:
        connection = self._connection
        with contextlib.suppress(ValueError):  # closed meanwhile: nothing left to unhook
            # sqlite3 takes None to unhook; aiosqlite's annotation forgot the None
            await connection.set_trace_callback(None)  # type: ignore[arg-type]
        with contextlib.suppress(AttributeError):
            del connection._execute


# what a pool hook hands over for each query the driver logged: the record, and whether
# it is the pool's own reset on release (housekeeping, never the application's)
QueryListener = Callable[[asyncpg.connection.LoggedQuery, bool], None]


class AsyncpgHook:
    """A query logger on every connection of one asyncpg pool, present and future.

    Used by `count_queries` and by bench/plans.py (which keeps each statement's
    arguments for EXPLAIN). asyncpg delivers a record on the next turn of the loop.
    """

    def __init__(self, pool: asyncpg.Pool, listener: QueryListener) -> None:
        self._pool = pool
        self._listener = listener
        self._original_init = pool._init
        self._connections: weakref.WeakSet[asyncpg.Connection] = weakref.WeakSet()
        self._reset_queries: set[str] = set()

    @classmethod
    def attach(cls, pool: asyncpg.Pool, listener: QueryListener) -> AsyncpgHook:
        hook = cls(pool, listener)
        # asyncpg has no public way to list a pool's connections or to watch new ones;
        # `_holders` and `_init` are the pool's own (asyncpg 0.27 to 0.32 at least)
        for holder in pool._holders:
            if holder._con is not None and not holder._con.is_closed():
                hook._observe(holder._con)
        original_init = hook._original_init

        async def init(connection: asyncpg.Connection) -> None:
            if original_init is not None:
                await original_init(connection)
            hook._observe(connection)

        pool._init = init
        return hook

    def _observe(self, connection: asyncpg.Connection) -> None:
        self._reset_queries.add(connection.get_reset_query())
        connection.add_query_logger(self._logged)
        self._connections.add(connection)

    def _logged(self, record: asyncpg.connection.LoggedQuery) -> None:
        self._listener(record, record.query in self._reset_queries)

    async def remove(self) -> None:
        self._pool._init = self._original_init
        for connection in list(self._connections):
            if not connection.is_closed():
                connection.remove_query_logger(self._logged)
        self._connections = weakref.WeakSet()


_recorder = _Recorder()


@contextlib.asynccontextmanager
async def count_queries() -> AsyncIterator[QueryCounter]:
    """Record every statement tortoise's connections run inside the block.

    Blocks nest and overlap: each sees every statement run while it is open. The hooks are
    installed when the first block opens and removed when the last one closes, so code
    outside a block runs on untouched drivers.

    Example:
        async with count_queries() as queries:
            await gql(TARIFFS)
        print(queries.count, queries.report())
    """
    counter = QueryCounter()
    await _recorder.start(counter)
    try:
        yield counter
    finally:
        await _recorder.stop(counter)
