"""Absurd values get a coded error or nothing, never INTERNAL, on SQLite and PostgreSQL."""

import base64

import pytest

from models import LoginLock
from tests.helpers import login, without_cost


def gid(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


NODE = "query($id: ID!) { node(id: $id) { id } }"


async def test_absurd_node_ids_find_nothing(gql, demo) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    for raw in ["Line:" + "9" * 23, "Tariff:3000000000", "Line:²", "Service:-1", "Line:0"]:
        assert without_cost(await gql(NODE, {"id": gid(raw)}, token=token)) == {
            "data": {"node": None}
        }, raw


async def test_absurd_grant_and_request_ids_are_not_found(gql, demo) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    huge = gid("LineGrant:" + "9" * 30)
    result = await gql(
        "mutation($id: ID!) { revokeLineAccess(input: {grantId: $id}) { errors { code } } }",
        {"id": huge},
        token=token,
    )
    assert result["data"]["revokeLineAccess"]["errors"] == [{"code": "NOT_FOUND"}]


async def test_absurd_money_and_cursors_are_invalid_input(gql, demo) -> None:
    query = "query($f: TariffFilter, $a: String) { tariffs(filter: $f, after: $a) { totalCount } }"
    cases = [
        {"f": {"priceMin": "1e999999999"}},
        {"f": {"priceMax": "-1e999999999"}},
        {"a": base64.urlsafe_b64encode(b"cursor:" + b"9" * 40).decode()},
    ]
    for variables in cases:
        result = await gql(query, variables)
        assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT", variables


async def test_nul_and_lone_surrogates_are_refused_before_graphql(client, demo) -> None:
    for text in ['"9031234567\\u0000"', '"\\ud800"']:
        body = (
            '{"query": "mutation($l: String!) { requestPassword(input: {login: $l})'
            ' { errors { code } } }", "variables": {"l": ' + text + "}}"
        )
        response = await client.post(
            "/graphql", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    healthy = await client.post("/graphql", json={"query": "{ tariffs(first: 1) { totalCount } }"})
    assert healthy.json()["data"]["tariffs"]["totalCount"] == 9


@pytest.mark.parametrize(
    "query",
    [
        '{ tariffs(filter: {search: "x\\u0000"}) { totalCount } }',
        '{ tariffs(filter: {search: "\\u{0}"}) { totalCount } }',
        'mutation { login(input: {login: "ab\\u0000cd", password: "whatever1"})'
        " { errors { code } } }",
        'mutation { requestPassword(input: {login: "ab\\u0000cd"}) { errors { code } } }',
    ],
)
async def test_a_nul_written_as_an_escape_in_the_document_is_invalid_input(
    gql, demo, query: str
) -> None:
    answer = await gql(query, headers={"Accept-Language": "ru"})
    assert answer.get("data") is None, answer
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["message"] != "nul_character", error  # a sentence, not the catalogue key
    assert await LoginLock.all().count() == 0  # not even a failed login was counted
