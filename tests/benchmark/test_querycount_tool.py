"""The query counter sees exactly one record per statement the database runs, on both backends."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Tariff, TariffKind
from tests.conftest import GQL, TEST_DB
from tests.querycount import assert_num_queries, count_queries, settle

POSTGRES = TEST_DB == "postgres"
TARIFF_IDS = "{ tariffs(first: 3) { edges { node { id } } } }"


def tariff(code: str, fee: int = 100_00) -> Tariff:
    return Tariff(code=code, name=code.title(), kind=TariffKind.MOBILE, monthly_fee=fee)


def shapes(statements: list[str]) -> list[str]:
    """The first word of each statement, without PostgreSQL's trailing `;` on BEGIN/COMMIT."""
    return [sql.split()[0].rstrip(";").upper() for sql in statements]


async def test_one_query_is_one_statement_with_its_sql() -> None:
    async with count_queries() as queries:
        await Tariff.filter(archived=False).count()
    assert queries.count == 1
    assert queries.statements[0].startswith('SELECT COUNT(*) FROM "tariff" WHERE "archived"=')


async def test_the_same_query_twice_is_two_statements() -> None:
    async with count_queries() as queries:
        await Tariff.filter(archived=False).count()
        await Tariff.filter(archived=False).count()
    assert queries.count == 2
    assert queries.statements[0] == queries.statements[1]


async def test_parameters_are_inline_on_sqlite_and_placeholders_on_postgres() -> None:
    async with count_queries() as queries:
        await Tariff.filter(code="needle").exists()
    [sql] = queries.statements
    assert ("$1" in sql) if POSTGRES else ("'needle'" in sql)


async def test_create_is_one_insert_and_the_drivers_own_query_is_kept_apart() -> None:
    async with count_queries() as queries:
        await tariff("solo").save()
    assert shapes(queries.statements) == ["INSERT"]
    # SQLite: aiosqlite's `SELECT last_insert_rowid()`; PostgreSQL: none, the pool's
    # reset is off (models.keep_session) and RETURNING gives the id
    assert len(queries.housekeeping) == (0 if POSTGRES else 1)


async def test_transaction_control_statements_count() -> None:
    async with count_queries() as queries, in_transaction():
        await tariff("in-tx").save()
    assert shapes(queries.statements) == ["BEGIN", "INSERT", "COMMIT"]


async def test_savepoints_and_rollbacks_count() -> None:
    await tariff("nested").save()
    async with count_queries() as nested, in_transaction(), in_transaction():
        await Tariff.filter(code="nested").update(name="Nested")
    assert shapes(nested.statements) == ["BEGIN", "SAVEPOINT", "UPDATE", "RELEASE", "COMMIT"]

    async def update_then_fail() -> None:
        async with in_transaction():
            await Tariff.filter(code="nested").update(name="Gone")
            raise RuntimeError

    async with count_queries() as failed:
        with pytest.raises(RuntimeError):
            await update_then_fail()
    assert shapes(failed.statements) == ["BEGIN", "UPDATE", "ROLLBACK"]


async def test_delete_that_fires_foreign_key_actions_is_one_statement() -> None:
    # line.tariff is ON DELETE RESTRICT: SQLite runs that check as a trigger per deleted
    # row and traces the DELETE again for each one; the counter folds those repeats
    await Tariff.bulk_create([tariff(f"gone-{n}") for n in range(3)])
    async with count_queries() as queries:
        assert await Tariff.filter(code__startswith="gone-").delete() == 3
    assert shapes(queries.statements) == ["DELETE"]


async def test_a_statement_that_fails_still_counts() -> None:
    await tariff("twice").save()
    async with count_queries() as queries:
        with pytest.raises(IntegrityError):
            await tariff("twice").save()
    assert shapes(queries.statements) == ["INSERT"]


async def test_bulk_create_is_one_message_on_postgres_and_one_insert_a_row_on_sqlite() -> None:
    async with count_queries() as queries:
        await Tariff.bulk_create([tariff(f"bulk-{n}") for n in range(3)])
    inserts = ["INSERT"] if POSTGRES else ["INSERT"] * 3
    assert shapes(queries.statements) == ["BEGIN", *inserts, "COMMIT"]


async def test_nested_blocks_each_see_what_ran_while_they_were_open() -> None:
    async with count_queries() as outer:
        await Tariff.all().count()
        async with count_queries() as inner:
            await Tariff.filter(code="a").exists()
        await Tariff.filter(code="b").exists()
    assert inner.count == 1
    assert outer.count == 3
    assert outer.statements[1] == inner.statements[0]


async def test_blocks_start_at_zero_and_stop_recording_when_closed() -> None:
    await Tariff.all().count()  # before any block: never counted
    async with count_queries() as first:
        await Tariff.all().count()
    await Tariff.all().count()  # between blocks: counted by neither
    async with count_queries() as second:
        pass
    await Tariff.all().count()  # after the blocks: the closed counters stay as they were
    await settle()
    assert (first.count, second.count) == (1, 0)


async def test_count_can_be_read_inside_a_block_after_settling() -> None:
    async with count_queries() as queries, in_transaction():
        await Tariff.all().count()
        await settle()  # asyncpg delivers its log records one loop turn later
        assert queries.count == 2  # BEGIN and the SELECT
    assert queries.count == 3


async def test_connections_the_pool_opens_during_a_block_are_counted() -> None:
    client = connections.get("default")
    await Tariff.all().count()  # make sure the pool (or SQLite's connection) exists
    if POSTGRES:
        # every pooled connection is replaced by a new one on its next acquire, inside
        # the block; concurrent queries spread over several of them
        await client._pool.expire_connections()
    async with count_queries() as queries:
        await asyncio.gather(*(Tariff.filter(code=f"c{n}").exists() for n in range(5)))
    assert queries.count == 5


async def test_requests_through_the_asgi_app_are_counted(gql: GQL) -> None:
    async with count_queries() as queries:
        result = await gql(TARIFF_IDS)
    assert result["data"]["tariffs"]["edges"] == []
    assert queries.count == 1
    assert 'FROM "tariff"' in queries.statements[0]


async def test_assert_num_queries_passes_on_the_exact_count() -> None:
    async with assert_num_queries(2) as queries:
        await Tariff.all().count()
        await Tariff.all().count()
    assert queries.count == 2


async def test_assert_num_queries_fails_listing_the_statements() -> None:
    with pytest.raises(AssertionError, match="expected 2 SQL statements, 1 ran") as failure:
        async with assert_num_queries(2):
            await Tariff.filter(code="listed").exists()
    assert '1. SELECT 1 FROM "tariff" WHERE "code"=' in str(failure.value)


async def test_a_block_opened_inside_a_transaction_counts_its_statements() -> None:
    async with in_transaction(), count_queries() as queries:
        await Tariff.all().count()
    assert shapes(queries.statements) == ["SELECT"]  # COMMIT ran after the block closed


async def test_the_drivers_are_left_untouched_once_the_last_block_closes() -> None:
    async with count_queries(), count_queries():
        await Tariff.all().count()
    client = connections.get("default")
    if POSTGRES:
        held = [h._con for h in client._pool._holders if h._con is not None]
        assert held
        assert all(not con._query_loggers for con in held)
        assert client._pool._init is None
    else:
        assert "_execute" not in vars(client._connection)  # the call-numbering wrapper
