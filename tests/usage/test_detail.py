"""line.usage: the detail with the seed's filters, keyset pages newest first, totals per
kind for the whole filter; VIEW_USAGE only (a LIMITED viewer sees none of it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import GQL
from tests.helpers import token_for
from tests.usage.conftest import ANNA, GALINA, MASHA, body, record, send

DETAIL = """
query D($m: String!, $f: UsageFilter, $first: Int, $after: String) {
  viewer { line(msisdn: $m) { usage(filter: $f, first: $first, after: $after) {
    totalCount
    totals { kind count minutes messages megabytes cost { amount } }
    edges { cursor node { id kind direction startedAt counterpart seconds bytes units
                          roaming zone cost { amount } fromPackage } }
    pageInfo { hasNextPage endCursor } } } } }
"""


async def _month_of_usage(client: httpx.AsyncClient) -> datetime:
    now = datetime.now(UTC)
    records = []
    for n in range(30):
        at = now - timedelta(hours=n + 1)
        records.append(record(f"c-{n}", MASHA, started=at, seconds=30 + n))
        records.append(
            record(f"i-{n}", MASHA, started=at, kind="DATA", seconds=None, bytes=(n + 1) * 10**5)
        )
    records.append(record("grandma-in", MASHA, direction="IN", counterpart=GALINA))
    records.append(record("eu", MASHA, roaming=True, zone="EUROPE", seconds=70))
    answer = await send(client, body(*records))
    assert answer.json()["accepted"] == 62
    return now


async def detail(gql: GQL, token: str, **variables) -> dict:
    answer = await gql(DETAIL, {"m": MASHA, **variables}, token=token)
    return answer


async def test_pages_go_newest_first_by_keyset_and_never_repeat(
    gql: GQL, client: httpx.AsyncClient, demo
) -> None:
    await _month_of_usage(client)
    anna = await token_for(gql, ANNA)
    seen, after = [], None
    while True:
        page = (await detail(gql, anna, first=25, after=after))["data"]["viewer"]["line"]["usage"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 62 == len({n["id"] for n in seen})
    moments = [n["startedAt"] for n in seen]
    assert moments == sorted(moments, reverse=True)


async def test_filters_and_totals_follow_the_seed(
    gql: GQL, client: httpx.AsyncClient, demo
) -> None:
    now = await _month_of_usage(client)
    anna = await token_for(gql, ANNA)
    calls = (await detail(gql, anna, f={"kinds": ["CALL"], "direction": "OUT"}))["data"]
    usage = calls["viewer"]["line"]["usage"]
    assert usage["totalCount"] == 31  # 30 at home and one in Europe
    (total,) = usage["totals"]
    assert total["kind"] == "CALL"
    assert total["count"] == 31
    assert total["minutes"] == 30 + 2  # each call under a minute, the European one two
    data = (await detail(gql, anna, f={"kinds": ["DATA"]}))["data"]["viewer"]["line"]["usage"]
    volume = sum((n + 1) * 10**5 for n in range(30))
    assert data["totals"][0]["megabytes"] == f"{volume / 1024 / 1024:.2f}"
    roaming = (await detail(gql, anna, f={"roaming": True}))["data"]["viewer"]["line"]["usage"]
    assert [e["node"]["zone"] for e in roaming["edges"]] == ["EUROPE"]
    assert roaming["totals"][0]["cost"] != {"amount": "0.00"}
    grandma = await detail(gql, anna, f={"counterpart": "+7 (916) 222-33-44", "direction": "IN"})
    nodes = [e["node"] for e in grandma["data"]["viewer"]["line"]["usage"]["edges"]]
    assert [n["id"] for n in nodes] == ["grandma-in"]
    recent = await detail(gql, anna, f={"from": (now - timedelta(hours=5, minutes=30)).isoformat()})
    assert recent["data"]["viewer"]["line"]["usage"]["totalCount"] == 2 * 5 + 2
    bad = await detail(gql, anna, f={"counterpart": "call me"})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_limited_viewer_sees_none_of_it(gql: GQL, client: httpx.AsyncClient, demo) -> None:
    await _month_of_usage(client)
    galina, masha = await token_for(gql, GALINA), await token_for(gql, MASHA)
    for token in (galina, masha):  # both LIMITED on Masha's line
        answer = await detail(gql, token)
        assert answer["data"]["viewer"]["line"]["usage"] is None
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    boris = await token_for(gql, "9161112233")
    assert (await detail(gql, boris))["data"]["viewer"]["line"] is None
