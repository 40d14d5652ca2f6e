"""What one request may spend: its time, each PostgreSQL statement, its answer's size
(issue 11, finding 1). Refused with a coded error; nothing is changed; the server goes on."""

from __future__ import annotations

import os
from dataclasses import replace

import asyncpg
import pytest

from config import Settings
from models import Line, tortoise_config
from tests.conftest import GQL
from tests.helpers import token_for

TARIFFS = "{ tariffs(first: 20) { edges { node { name monthlyFee { amount } } } } }"


def with_limits(
    make_gql,
    settings: Settings,
    *,
    request_seconds: float | None = None,
    max_response_bytes: int | None = None,
) -> GQL:
    limits = settings.limits
    if request_seconds is not None:
        limits = replace(limits, request_seconds=request_seconds)
    if max_response_bytes is not None:
        limits = replace(limits, max_response_bytes=max_response_bytes)
    return make_gql(replace(settings, limits=limits))


async def test_a_request_over_its_time_is_stopped_with_a_code(make_gql, settings, demo) -> None:
    slow = with_limits(make_gql, settings, request_seconds=0.000001)
    result = await slow(TARIFFS, headers={"Accept-Language": "en"})
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "longer than" in error["message"]
    assert result["data"] is None
    # the default budget answers the same query
    fine = with_limits(make_gql, settings)
    assert "errors" not in await fine(TARIFFS)


async def test_a_mutation_stopped_by_its_time_changes_nothing(make_gql, settings, demo) -> None:
    fine = with_limits(make_gql, settings)
    token = await token_for(fine, "9031234567")
    slow = with_limits(make_gql, settings, request_seconds=0.000001)
    result = await slow(
        'mutation { updateLine(input: {msisdn: "9031234568", label: "renamed"}) '
        "{ errors { code } } }",
        token=token,
    )
    assert result["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert (await Line.get(msisdn="9031234568")).label != "renamed"


async def test_an_answer_over_the_size_cap_is_not_sent(make_gql, settings, demo) -> None:
    capped = with_limits(make_gql, settings, max_response_bytes=300)
    result = await capped(TARIFFS, headers={"Accept-Language": "ru"})
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "RESPONSE_TOO_LARGE", "max": 300}
    assert "300" in error["message"]
    assert result["data"] is None
    small = await capped("{ tariffs(first: 1) { edges { node { name } } } }")
    assert "errors" not in small


@pytest.mark.skipif(
    os.environ.get("LINEHUB_TEST_DB") != "postgres",
    reason="SQLite has no statement timeout: the request's own deadline covers it there",
)
async def test_postgresql_stops_a_statement_at_the_requests_time(database_url: str) -> None:
    config = tortoise_config(database_url, statement_seconds=0.2)
    credentials = config["connections"]["default"]["credentials"]
    conn = await asyncpg.connect(database_url, server_settings=credentials["server_settings"])
    try:
        with pytest.raises(asyncpg.QueryCanceledError):
            await conn.execute("SELECT pg_sleep(2)")
        assert await conn.fetchval("SELECT 1") == 1  # the connection goes on
    finally:
        await conn.close()
    # migrations and the CLI get no timeout
    assert (
        "server_settings"
        not in tortoise_config(database_url)["connections"]["default"]["credentials"]
    )
