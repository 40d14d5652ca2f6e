"""The committed SDL and the committed migrations both match the code."""

from tortoise import Tortoise, connections

from config import Settings
from models import APP_LABEL
from schema import build_schema
from tests.helpers import ROOT, linehub


def test_schema_graphql_is_the_schema_the_code_builds() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    built = build_schema(Settings(env="test")).as_str() + "\n"
    assert committed == built, "schema.graphql is stale: run `make schema` and commit it"


async def test_the_migrations_describe_exactly_the_models(database_url: str) -> None:
    code, output = await linehub(database_url, "makemigrations", "--check")
    assert code == 0, f"models changed without a migration: {output}"


async def test_a_migrated_database_has_every_model_column() -> None:
    conn = connections.get("default")
    for model in Tortoise.apps[APP_LABEL].values():
        table = model._meta.db_table
        expected = set(model._meta.fields_db_projection.values())
        assert expected <= await _columns(conn, table), table


async def test_migrating_again_is_a_no_op(database_url: str) -> None:
    conn = connections.get("default")
    count = "SELECT COUNT(*) AS n FROM tortoise_migrations"
    before = await conn.execute_query_dict(count)
    code, output = await linehub(database_url, "migrate")
    assert code == 0, output
    assert await conn.execute_query_dict(count) == before
    assert before[0]["n"] == len(list((ROOT / "models" / "migrations").glob("0*.py")))


async def _columns(conn, table: str) -> set[str]:
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1", [table]
        )
        return {r["column_name"] for r in rows}
    rows = await conn.execute_query_dict(f'PRAGMA table_info("{table}")')
    return {r["name"] for r in rows}


def test_model_comments_are_safe_for_the_sqlite_migration_runner() -> None:
    """Tortoise copies docstrings into SQL comments and splits statements on semicolons."""
    for model in Tortoise.apps[APP_LABEL].values():
        texts = [model._meta.table_description or ""]
        texts += [f.description or "" for f in model._meta.fields_map.values()]
        for text in texts:
            assert not set(text) & set(";\"'`"), (model.__name__, text)


async def test_a_migrated_database_has_every_index_the_models_declare() -> None:
    """SQLite's table rebuilds (an AlterField) drop a table's indexes, its unique ones
    included: the ledger's per-line keys once lost theirs that way."""
    conn = connections.get("default")
    for model in Tortoise.apps[APP_LABEL].values():
        meta = model._meta
        table = meta.db_table
        actual = await _indexes(conn, table)
        expected: set[tuple[tuple[str, ...], bool]] = set()
        for index in meta.indexes:
            expected.add((tuple(index.fields), False))
        for together in meta.unique_together:
            names = tuple(meta.fields_db_projection.get(f) or f"{f}_id" for f in together)
            expected.add((names, True))
        for name, field in meta.fields_map.items():
            if field.unique and not field.pk and name in meta.fields_db_projection:
                expected.add(((meta.fields_db_projection[name],), True))
        for columns, unique in expected:
            found = {u for c, u in actual if c == columns}
            assert found, (table, columns)
            assert not unique or True in found, (table, columns, "unique")


async def _indexes(conn, table: str) -> set[tuple[tuple[str, ...], bool]]:
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT ix.indisunique AS uniq, ARRAY(SELECT a.attname FROM unnest(ix.indkey) "
            "WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = ix.indrelid "
            "AND a.attnum = k.attnum ORDER BY k.n) AS cols FROM pg_index ix "
            "JOIN pg_class t ON t.oid = ix.indrelid WHERE t.relname = $1",
            [table],
        )
        return {(tuple(r["cols"]), bool(r["uniq"])) for r in rows}
    found = set()
    for index in await conn.execute_query_dict(f'PRAGMA index_list("{table}")'):
        info = await conn.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
        columns = tuple(r["name"] for r in sorted(info, key=lambda r: r["seqno"]))
        found.add((columns, bool(index["unique"])))
    return found
