"""Rows in an answer are values: graphql-core must not await a tortoise row (issue 10)."""

from __future__ import annotations

import asyncio

from models import Allowance, Line
from schema.execution import is_awaitable


async def test_a_row_is_a_value_and_a_pending_load_is_awaited() -> None:
    row = Line(msisdn="9031234567")
    assert hasattr(row, "__await__"), "tortoise rows define __await__: the reason for this"
    assert not is_awaitable(row)
    assert not is_awaitable([Allowance()])

    pending = asyncio.get_running_loop().create_future()
    pending.set_result(row)
    assert is_awaitable(pending)
    query = Line.filter(msisdn="9031234567")
    assert is_awaitable(query), "an unrun query is still awaited"
    coroutine = asyncio.sleep(0)
    assert is_awaitable(coroutine)
    await coroutine
