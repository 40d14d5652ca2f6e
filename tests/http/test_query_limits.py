"""Depth, aliases, tokens, body size and cost: refused before running, coded, server goes on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from models import EntryKind, Line, post_entry
from tests.helpers import login
from tests.http.helpers import (
    GRAPHQL_RESPONSE,
    JSON,
    assert_json_error,
    assert_still_serving,
    codes,
    post_json,
)

TARIFF_PAGE = "tariffs(first: 100) { edges { node { monthlyFee { amount } } } }"
# each page costs 100 x (edges 1 + node 1 + monthlyFee 1 + 1) = 400; three cost 1 200
THREE_PAGES = "{ a: " + TARIFF_PAGE + " b: " + TARIFF_PAGE + " c: " + TARIFF_PAGE + " }"


def nested(levels: int, field: str = "node") -> str:
    return "{ " + f"{field} {{ " * (levels - 1) + "id" + " }" * levels


async def refused(
    client: httpx.AsyncClient, query: str, code: str, variables: dict | None = None
) -> dict:
    """The same refusal under both media types: 200 + data null, or 400 and no data."""
    legacy = await post_json(client, {"query": query, "variables": variables})
    assert legacy.status_code == 200, legacy.text
    assert legacy.json()["data"] is None
    assert codes(legacy) == [code], legacy.text
    modern = await post_json(
        client, {"query": query, "variables": variables}, accept=GRAPHQL_RESPONSE
    )
    body = assert_json_error(modern, 400, code)
    assert "data" not in body
    await assert_still_serving(client)
    return body["errors"][0]


async def test_query_60_levels_deep_is_query_too_deep(client: httpx.AsyncClient) -> None:
    error = await refused(client, nested(60), "QUERY_TOO_DEEP")
    assert error["extensions"]["depth"] == 60
    assert error["extensions"]["max"] == 15


def type_chain(depth: int) -> str:
    """A valid introspection query `depth` levels deep: ofType nests as far as asked."""
    inner = "ofType { " * (depth - 5) + "name" + " }" * (depth - 5)
    return "{ __schema { types { fields { type { " + inner + " } } } } }"


async def test_depth_15_runs_and_16_is_refused(client: httpx.AsyncClient) -> None:
    ok = await post_json(client, {"query": type_chain(15)})
    assert ok.status_code == 200
    assert "errors" not in ok.json()
    assert ok.json()["data"]["__schema"]["types"]
    error = await refused(client, type_chain(16), "QUERY_TOO_DEEP")
    assert error["extensions"]["depth"] == 16


async def test_depth_through_fragments_counts(client: httpx.AsyncClient) -> None:
    query = "{ ...F } fragment F on Query { " + nested(20)[2:-2] + " }"
    error = await refused(client, query, "QUERY_TOO_DEEP")
    assert error["extensions"]["depth"] == 20


async def test_1000_aliases_is_too_many_aliases(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"
    error = await refused(client, query, "TOO_MANY_ALIASES")
    assert error["extensions"]["count"] == 1000
    assert error["extensions"]["max"] == 30


async def test_query_over_the_token_limit_is_query_too_large(client: httpx.AsyncClient) -> None:
    query = "{ " + "__typename " * 6000 + "}"  # 6 002 tokens, about 66 KB: under the body limit
    assert len(query) < 100_000
    await refused(client, query, "QUERY_TOO_LARGE")


async def test_one_megabyte_body_is_413_query_too_large(client: httpx.AsyncClient) -> None:
    body = {"query": "{ __typename }", "variables": {"pad": "x" * 1_000_000}}
    response = await post_json(client, body)
    error = assert_json_error(response, 413, "QUERY_TOO_LARGE")["errors"][0]
    assert error["extensions"]["maxBytes"] == 100_000
    await assert_still_serving(client)


async def test_streamed_body_without_length_is_cut_at_the_limit(client: httpx.AsyncClient) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(100):
            sent += 1
            yield b"x" * 10_000
        yield b'"}}'

    response = await client.post("/graphql", content=chunks(), headers={"content-type": JSON})
    assert "content-length" not in response.request.headers
    assert_json_error(response, 413, "QUERY_TOO_LARGE")
    await assert_still_serving(client)


async def test_long_get_query_string_is_413(app: Any, client: httpx.AsyncClient) -> None:
    # httpx refuses URLs this long, so the request goes to the ASGI app by hand
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"query=%7B__typename%7D&pad=" + b"x" * 100_001,
        "headers": [(b"host", b"testserver"), (b"accept", b"application/json")],
        "client": ("203.0.113.10", 40000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 413
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    await assert_still_serving(client)


async def test_cost_over_1000_is_query_too_complex_with_the_cost(client: httpx.AsyncClient) -> None:
    error = await refused(client, THREE_PAGES, "QUERY_TOO_COMPLEX")
    assert error["extensions"]["cost"] == 1200
    assert error["extensions"]["max"] == 1000
    # two pages (800) are within the budget and really run
    two = await post_json(client, {"query": "{ a: " + TARIFF_PAGE + " b: " + TARIFF_PAGE + " }"})
    assert two.status_code == 200
    assert "errors" not in two.json()


async def test_page_size_from_a_variable_or_its_default_counts(client: httpx.AsyncClient) -> None:
    page = "tariffs(first: $n) { edges { node { monthlyFee { amount } } } }"
    query = "query Q($n: Int = 100) { a: " + page + " b: " + page + " c: " + page + " }"
    from_default = await refused(client, query, "QUERY_TOO_COMPLEX")
    assert from_default["extensions"]["cost"] == 1200
    from_variable = await refused(client, query, "QUERY_TOO_COMPLEX", {"n": 90})
    assert from_variable["extensions"]["cost"] == 1080


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(nested(3000), id="selections"),
        pytest.param(
            "{ tariffs(filter: {search: " + "[" * 3000 + '"x"' + "]" * 3000 + "}) { totalCount } }",
            id="list-literal",
        ),
        pytest.param(
            "{ tariffs(filter: " + "{search: " * 3000 + '"x"' + "}" * 3000 + ") { totalCount } }",
            id="object-literal",
        ),
    ],
)
async def test_3000_levels_is_a_coded_error_not_internal(
    client: httpx.AsyncClient, query: str
) -> None:
    # deep enough to exhaust Python's recursion in the parser: a limit, not a crash
    for accept in (JSON, GRAPHQL_RESPONSE):
        response = await post_json(client, {"query": query}, accept=accept)
        assert codes(response) == ["QUERY_TOO_DEEP"], response.text
        assert response.status_code == (200 if accept == JSON else 400)
    await assert_still_serving(client)


async def test_fragment_bomb_is_refused_quickly(client: httpx.AsyncClient) -> None:
    # each fragment spreads the next twice: 2^40 fields if walked naively
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    query = "{ ...F0 } " + fragments + " fragment F40 on Query { tariffs(first: 1) { totalCount } }"
    async with asyncio.timeout(5):
        error = await refused(client, query, "QUERY_TOO_COMPLEX")
    assert error["extensions"]["cost"] == 2**40 * 1


async def test_long_fragment_chain_is_a_coded_error(client: httpx.AsyncClient) -> None:
    # a chain of spreads nests the walk as deeply as fields would, without any field depth;
    # 600 links fit in the token limit and exhaust Python's recursion: a limit, not INTERNAL
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(600))
    query = "{ ...F0 } " + chain + " fragment F600 on Query { __typename }"
    await refused(client, query, "QUERY_TOO_DEEP")


async def test_an_unset_variable_does_not_cancel_the_page_size_in_the_cost(client) -> None:
    fields = " ".join(
        f"t{i}: tariffs(first: $f, last: $l) {{ edges {{ node {{ name }} }} }}" for i in range(15)
    )
    query = f"query($f: Int, $l: Int) {{ {fields} }}"
    response = await client.post("/graphql", json={"query": query, "variables": {"f": 100}})
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > 1000


async def test_a_page_over_one_hundred_is_invalid_input_literal_or_variable(client) -> None:
    literal = await client.post(
        "/graphql", json={"query": "{ tariffs(first: 100000) { totalCount } }"}
    )
    variable = await client.post(
        "/graphql",
        json={
            "query": "query($n: Int) { tariffs(first: $n) { totalCount } }",
            "variables": {"n": 100000},
        },
    )
    for response in (literal, variable):
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "INVALID_INPUT"
        assert error["extensions"]["field"] == ["first"]


async def test_a_whole_float_variable_counts_as_the_int_it_becomes(client) -> None:
    # graphql-core reads 100.0 as the Int 100: the limits must measure what will run
    page = "tariffs(first: $n) { edges { node { monthlyFee { amount } } } }"
    query = "query Q($n: Int) { a: " + page + " b: " + page + " c: " + page + " }"
    error = await refused(client, query, "QUERY_TOO_COMPLEX", {"n": 100.0})
    assert error["extensions"]["cost"] == 1200
    huge = await refused(client, query, "INVALID_INPUT", {"n": 100000.0})
    assert huge["extensions"]["field"] == ["first"]


async def test_a_mutation_with_an_oversized_float_page_writes_nothing(gql, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    mutation = """
    mutation($n: Int) { updateLine(input: {msisdn: "9031234567", label: "float"}) {
      line { label relations } errors { code } } }
    """
    # the connection inside the payload is what the float would have smuggled past
    mutation = mutation.replace("relations", "auditLog(first: $n) { totalCount }")
    answer = await gql(mutation, {"n": 100000.0}, token=anna)
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert (await Line.get(msisdn="9031234567")).label != "float"


async def test_an_int_literal_of_thousands_of_digits_is_refused_not_a_crash(client) -> None:
    query = "{ tariffs(first: " + "1" * 5000 + ") { totalCount } }"
    response = await post_json(client, {"query": query})
    assert codes(response) == ["INVALID_INPUT"], response.text
    assert "4300" not in response.text  # no Python internals in the answer
    await assert_still_serving(client)


async def test_a_list_of_ids_costs_per_id(client: httpx.AsyncClient) -> None:
    # issue 11: 100 ids were costed as one object, so three aliases of this returned 30 000
    # ledger rows (3.8 MB, 5 s) and stalled the server; each id is a line now
    ids = [f"TGluZTo{n}" for n in range(100)]
    page = "transactions(first: 100) { edges { node { amount { amount } } } }"
    one = "nodes(ids: $ids) { ... on Line { " + page + " } }"
    query = "query($ids: [ID!]!) { a: " + one + " b: " + one + " c: " + one + " }"
    error = await refused(client, query, "QUERY_TOO_COMPLEX", {"ids": ids})
    # 3 x 100 ids x (1 + 100 x (edges 1 + node 1 + amount 1 + 1))
    assert error["extensions"]["cost"] == 3 * 100 * (1 + 100 * 4)
    written = one.replace("$ids", "[" + ",".join(f'"{i}"' for i in ids) + "]")
    literal = "{ a: " + written + " b: " + written + " c: " + written + " }"
    assert (await refused(client, literal, "QUERY_TOO_COMPLEX"))["extensions"]["cost"] == (
        error["extensions"]["cost"]
    )
    # two ids are two objects: 2 x 401 fits
    single = "query($ids: [ID!]!) { a: " + one + " }"
    small = await post_json(client, {"query": single, "variables": {"ids": ids[:2]}})
    assert "errors" not in small.json(), small.text


async def test_a_plain_list_costs_its_stated_bound(client: httpx.AsyncClient) -> None:
    # services: up to ten a line; remains: one per kind (3). 100 lines of each:
    services = "{ viewer { lines(first: 100) { edges { node { services { paid } } } } } }"
    remains = "{ viewer { lines(first: 100) { edges { node { remains { left } } } } } }"
    error = await refused(client, services, "QUERY_TOO_COMPLEX")
    # viewer 1 + 100 x (connection 1 + edges 1 + node 1 + 10 services x 1)
    assert error["extensions"]["cost"] == 1 + 100 * (1 + 1 + 1 + 10 * 1)
    fits = await post_json(client, {"query": remains})
    assert fits.status_code == 200
    assert "QUERY_TOO_COMPLEX" not in fits.text  # 1 + 100 x (1 + 1 + 1 + 3) = 601


NATURAL_DASHBOARD = """
{ viewer { lines { totalCount edges { node { msisdn balance { amount }
  transactions { totalCount edges { node { amount { amount } } } } } } } } }
"""


async def test_the_natural_dashboard_fits_and_every_answer_reports_its_cost(gql, demo) -> None:
    # issue 11: every line with its last transactions cost 1 681 and was refused for a
    # family of six; a line's history shows 5 unless asked for more, so it costs 481
    token = (await login(gql, "9031234567"))["accessToken"]
    anna_line = await Line.get(msisdn="9031234567")
    for n in range(7):
        await post_entry(anna_line.id, -(n + 1) * 100, EntryKind.CHARGE)
    answer = await gql(NATURAL_DASHBOARD, token=token)
    assert "errors" not in answer, answer
    lines = answer["data"]["viewer"]["lines"]["edges"]
    anna = next(e["node"] for e in lines if e["node"]["msisdn"] == "9031234567")
    assert len(anna["transactions"]["edges"]) == 5
    assert anna["transactions"]["totalCount"] >= 7
    cost = answer["extensions"]["cost"]
    assert cost["requested"] == 481
    assert cost["max"] == 1000

    def objects(value) -> int:
        if isinstance(value, dict):
            return 1 + sum(objects(v) for v in value.values())
        return sum(objects(v) for v in value) if isinstance(value, list) else 0

    assert cost["actual"] == objects(answer["data"]) - 1 < cost["requested"]
    # an explicit null is the same default page, as the cost counted it
    null_first = NATURAL_DASHBOARD.replace("transactions {", "transactions(first: null) {")
    again = await gql(null_first, token=token)
    anna = next(
        e["node"]
        for e in again["data"]["viewer"]["lines"]["edges"]
        if e["node"]["msisdn"] == "9031234567"
    )
    assert len(anna["transactions"]["edges"]) == 5
