"""Malformed requests get a JSON error with a stable code and a 4xx, and the server goes on."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import without_cost
from tests.http.helpers import (
    GRAPHQL_RESPONSE,
    HEALTHY,
    JSON,
    assert_json_error,
    assert_still_serving,
    codes,
    post_json,
)

TWO_OPERATIONS = "query A { __typename } query B { __typename }"


@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE])
async def test_malformed_json_is_400_bad_request(client: httpx.AsyncClient, accept: str) -> None:
    response = await client.post(
        "/graphql",
        content='{"query": "{ __typename }"',
        headers={"content-type": JSON, "accept": accept},
    )
    body = assert_json_error(response, 400, "BAD_REQUEST")
    assert response.headers["content-type"].startswith(accept)
    assert "data" not in body
    await assert_still_serving(client)


async def test_body_that_is_not_utf8_is_400_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": "\xff\xfe{"}', headers={"content-type": JSON}
    )
    assert_json_error(response, 400, "BAD_REQUEST")
    await assert_still_serving(client)


async def test_json_nested_too_deeply_is_400_not_a_crash(client: httpx.AsyncClient) -> None:
    # json's decoder gives up with RecursionError on this, which is no JSONDecodeError
    deep = "[" * 45_000 + "]" * 45_000  # stays under the 100 KB body limit
    response = await client.post(
        "/graphql",
        content='{"query": "{ __typename }", "variables": {"v": ' + deep + "}}",
        headers={"content-type": JSON},
    )
    assert_json_error(response, 400, "BAD_REQUEST")
    await assert_still_serving(client)


@pytest.mark.parametrize("body", ["0", '"{ __typename }"', "null", "true"])
async def test_body_that_is_not_an_object_is_400(client: httpx.AsyncClient, body: str) -> None:
    response = await client.post("/graphql", content=body, headers={"content-type": JSON})
    assert_json_error(response, 400, "BAD_REQUEST")
    await assert_still_serving(client)


async def test_batching_is_off(client: httpx.AsyncClient) -> None:
    response = await post_json(client, [{"query": HEALTHY}, {"query": HEALTHY}])
    body = assert_json_error(response, 400, "BAD_REQUEST")
    assert "data" not in body
    await assert_still_serving(client)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"query": None},
        {"query": ""},
        {"qeury": "{ __typename }"},
        {"query": 1},
        {"query": ["{ __typename }"]},
        {"query": "{ __typename }", "operationName": 5},
        {"query": "{ __typename }", "operationName": {"name": "A"}},
        {"query": "{ __typename }", "variables": "{}"},
        {"query": "{ __typename }", "variables": [1]},
        {"query": "{ __typename }", "extensions": "x"},
    ],
)
async def test_missing_or_mistyped_parameter_is_400(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    response = await post_json(client, body)
    assert_json_error(response, 400, "BAD_REQUEST")
    await assert_still_serving(client)


async def test_unknown_operation_name_is_a_coded_request_error(client: httpx.AsyncClient) -> None:
    # application/json: a GraphQL request error is still a 200 with the error in the body
    legacy = await post_json(client, {"query": TWO_OPERATIONS, "operationName": "C"})
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None
    assert codes(legacy) == ["BAD_REQUEST"]
    assert '"C"' in legacy.json()["errors"][0]["message"]
    # application/graphql-response+json: nothing ran, so 400 and no data entry at all
    modern = await post_json(
        client, {"query": TWO_OPERATIONS, "operationName": "C"}, accept=GRAPHQL_RESPONSE
    )
    body = assert_json_error(modern, 400, "BAD_REQUEST")
    assert "data" not in body
    await assert_still_serving(client)


async def test_several_operations_without_a_name_is_a_coded_request_error(
    client: httpx.AsyncClient,
) -> None:
    response = await post_json(client, {"query": TWO_OPERATIONS}, accept=GRAPHQL_RESPONSE)
    assert_json_error(response, 400, "BAD_REQUEST")
    chosen = await post_json(client, {"query": TWO_OPERATIONS, "operationName": "B"})
    assert without_cost(chosen.json()) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_document_errors_follow_the_media_type(
    client: httpx.AsyncClient, query: str, code: str
) -> None:
    legacy = await post_json(client, {"query": query}, accept=JSON)
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None
    assert codes(legacy) == [code]
    modern = await post_json(client, {"query": query}, accept=GRAPHQL_RESPONSE)
    assert modern.status_code == 400
    assert modern.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in modern.json()
    assert codes(modern) == [code]
    await assert_still_serving(client)


async def test_variable_that_cannot_be_coerced_is_invalid_input(client: httpx.AsyncClient) -> None:
    body = {"query": "query($n: Int!) { tariffs(first: $n) { totalCount } }", "variables": {}}
    legacy = await post_json(client, body)
    assert legacy.status_code == 200
    assert codes(legacy) == ["INVALID_INPUT"]
    modern = await post_json(client, body, accept=GRAPHQL_RESPONSE)
    assert modern.status_code == 400
    assert "data" not in modern.json()
    assert codes(modern) == ["INVALID_INPUT"]
    await assert_still_serving(client)


async def test_a_field_error_keeps_200_and_data_under_either_media_type(
    client: httpx.AsyncClient,
) -> None:
    # executed with a field error: the spec wants 200 even for graphql-response+json
    body = {"query": "{ tariffs(first: -1) { totalCount } }"}
    for accept in (JSON, GRAPHQL_RESPONSE):
        response = await post_json(client, body, accept=accept)
        assert response.status_code == 200, accept
        assert "data" in response.json()
        assert codes(response) == ["INVALID_INPUT"]


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"n": ' + "1" * 5000 + "}", id="integer-of-5000-digits"),
        pytest.param('{"n": NaN}', id="NaN"),
        pytest.param('{"n": Infinity}', id="Infinity"),
    ],
)
async def test_json_python_reads_but_json_forbids_or_cannot_hold_is_400(
    client: httpx.AsyncClient, raw: str
) -> None:
    query = "query($n: Int) { tariffs(first: $n) { totalCount } }"
    posted = await client.post(
        "/graphql",
        content='{"query": "' + query.replace('"', '\\"') + '", "variables": ' + raw + "}",
        headers={"content-type": JSON},
    )
    assert_json_error(posted, 400, "BAD_REQUEST")
    got = await client.get("/graphql", params={"query": query, "variables": raw})
    assert_json_error(got, 400, "BAD_REQUEST")
    await assert_still_serving(client)


async def test_validation_and_coercion_messages_follow_the_language(
    client: httpx.AsyncClient,
) -> None:
    ru = {"accept-language": "ru"}
    unknown = await post_json(client, {"query": "{ noSuchField }"}, headers=ru)
    assert codes(unknown) == ["GRAPHQL_VALIDATION_FAILED"]
    assert unknown.json()["errors"][0]["message"].startswith("Запрос не соответствует схеме")
    body = {
        "query": "query($n: Int) { tariffs(first: $n) { totalCount } }",
        "variables": {"n": "x"},
    }
    coerced = await post_json(client, body, headers=ru)
    assert codes(coerced) == ["INVALID_INPUT"]
    assert coerced.json()["errors"][0]["message"].startswith("Недопустимое значение")
