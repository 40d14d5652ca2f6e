"""Query-count assertions for tests; the counting itself lives in bench.querycount.

Tests may import bench, bench never imports tests: the driver hooks are written once, there.
What counts as a statement on SQLite and PostgreSQL is documented in bench/querycount.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bench.querycount import QueryCounter, count_queries, settle

__all__ = ["QueryCounter", "assert_num_queries", "count_queries", "settle"]


@contextlib.asynccontextmanager
async def assert_num_queries(expected: int) -> AsyncIterator[QueryCounter]:
    """Fail unless the block runs exactly `expected` statements; the message lists them.

    Example:
        async with assert_num_queries(1):
            await gql(TARIFFS, {"first": 20})
    """
    __tracebackhide__ = True
    async with count_queries() as counter:
        yield counter
    if counter.count != expected:
        raise AssertionError(
            f"expected {expected} SQL statements, {counter.count} ran:\n{counter.report()}"
        )
