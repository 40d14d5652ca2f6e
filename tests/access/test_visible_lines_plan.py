"""The visible lines are found through indexes: no Seq Scan of the line table (PostgreSQL).

On a database of a few thousand lines with fresh statistics, the two statements of
`reachable_lines` (the viewer's grants, then their lines) are EXPLAINed with the very
parameters the driver was sent; a sequential scan of a table that grows with the
customers means an index is missing or the query cannot use one (an OR across a join).
"""

import time

import pytest

from bench.plans import BIG_FAMILY, capture_statements, explain, grow, seq_scanned, summary
from models.access.facts import reachable_lines
from tests.conftest import TEST_DB

pytestmark = pytest.mark.skipif(TEST_DB != "postgres", reason="query plans are PostgreSQL's")

FAMILIES = 1_000  # 4 050 lines


async def test_visible_lines_never_scan_the_line_table() -> None:
    start = time.perf_counter()
    grown = await grow(FAMILIES)
    viewers = [(grown.holder_id, BIG_FAMILY), (grown.family_holder_id, 5), (grown.child_id, 1)]
    for viewer_id, expected in viewers:
        async with capture_statements() as statements:
            found = await reachable_lines(viewer_id)
        assert len(found) == expected
        assert len(statements) == 2, [s.sql for s in statements]
        for statement in statements:
            plan = await explain(statement)
            assert seq_scanned(plan) == [], f"{statement.sql}\n{summary(plan)}"
    assert time.perf_counter() - start < 20
