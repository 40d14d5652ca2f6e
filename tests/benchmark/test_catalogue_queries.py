"""The public catalogue queries run a fixed number of statements, however long the catalogue.

Each query runs on the demo catalogue (9 tariffs, a page that is not full) and again after
150 more rows (a full page of 20 and more behind it): the count must not change.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.queries import grow_catalogue
from tests.conftest import GQL
from tests.querycount import assert_num_queries

EXTRA_ROWS = 150

TARIFFS = """
query Tariffs {
  tariffs(first: 20) {
    edges { cursor node { id code name description kind minutes sms dataMb unlimitedData
                          speedMbps tvChannels monthlyFee { amount currency } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

TARIFFS_WITH_TOTAL = """
query TariffsWithTotal {
  tariffs(first: 20) {
    totalCount
    edges { node { id code name monthlyFee { amount currency } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

SERVICES = """
query Services {
  serviceCatalog(first: 20) {
    edges { cursor node { id code name description kind isSubscription period
                          price { amount currency } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

SERVICES_WITH_TOTAL = """
query ServicesWithTotal {
  serviceCatalog(first: 20) {
    totalCount
    edges { node { id code name price { amount } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def page_size(gql: GQL, query: str, field: str, statements: int) -> int:
    async with assert_num_queries(statements):
        result = await gql(query)
    assert "errors" not in result, result
    return len(result["data"][field]["edges"])


@pytest.mark.parametrize(
    ("query", "field", "statements"),
    [
        pytest.param(TARIFFS, "tariffs", 1, id="tariffs"),
        pytest.param(TARIFFS_WITH_TOTAL, "tariffs", 2, id="tariffs-totalCount"),
        pytest.param(SERVICES, "serviceCatalog", 1, id="serviceCatalog"),
        pytest.param(SERVICES_WITH_TOTAL, "serviceCatalog", 2, id="serviceCatalog-totalCount"),
    ],
)
async def test_catalogue_query_cost_does_not_grow_with_the_catalogue(
    gql: GQL, demo: dict[str, Any], query: str, field: str, statements: int
) -> None:
    # one SELECT of the page (LIMIT first+1 tells hasNextPage); COUNT only for totalCount
    small = await page_size(gql, query, field, statements)
    await grow_catalogue("extra-", EXTRA_ROWS)
    large = await page_size(gql, query, field, statements)
    assert small < large == 20
