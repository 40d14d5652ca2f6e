"""Content negotiation, POST content types, GET for queries only, GraphiQL for browsers."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from app import create_app
from config import Settings
from tests.conftest import settled
from tests.helpers import without_cost
from tests.http.helpers import (
    GRAPHQL_RESPONSE,
    HEALTHY,
    JSON,
    assert_json_error,
    assert_still_serving,
    post_json,
    sms_lines,
)

REQUEST_PASSWORD = """
mutation Req($login: String!) {
  requestPassword(input: {login: $login}) { errors { code } }
}
"""
ANNA = "9031234567"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

ClientFor = Callable[[Settings], httpx.AsyncClient]


@pytest.fixture
async def client_for() -> AsyncIterator[ClientFor]:
    """A client for an app built with other settings (GraphiQL on or off)."""
    opened: list[httpx.AsyncClient] = []

    def make(settings: Settings) -> httpx.AsyncClient:
        app = create_app(settings, manage_database=False)
        transport = httpx.ASGITransport(app=app)
        opened.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        return opened[-1]

    yield make
    for client in opened:
        await client.aclose()


async def has_request_password(client: httpx.AsyncClient) -> bool:
    introspection = "{ __schema { mutationType { fields { name } } } }"
    mutation_type = (await post_json(client, {"query": introspection})).json()["data"]["__schema"][
        "mutationType"
    ]
    return mutation_type is not None and any(
        f["name"] == "requestPassword" for f in mutation_type["fields"]
    )


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
        (f"{JSON};q=0, */*", None),
        (f"text/html, {GRAPHQL_RESPONSE};q=0.1", GRAPHQL_RESPONSE),
    ],
)
async def test_response_media_type_follows_accept(
    client: httpx.AsyncClient, accept: str | None, media_type: str | None
) -> None:
    response = await post_json(client, {"query": HEALTHY}, accept=accept)
    if media_type is None:
        # application/json refused by name, and nothing else of ours allowed
        assert_json_error(response, 406, "NOT_ACCEPTABLE")
        return
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("accept", ["text/html", "image/png, text/plain;q=0.5"])
async def test_unacceptable_accept_is_406(client: httpx.AsyncClient, accept: str) -> None:
    response = await post_json(client, {"query": HEALTHY}, accept=accept)
    assert_json_error(response, 406, "NOT_ACCEPTABLE")
    await assert_still_serving(client)


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/x-www-form-urlencoded", "query=mutation+%7B+__typename+%7D"),
        ("text/plain", '{"query": "mutation { __typename }"}'),
        ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="q"'),
        ("application/json; charset=latin-1", '{"query": "{ __typename }"}'),
        ("application/jsonx", '{"query": "{ __typename }"}'),
        (None, '{"query": "{ __typename }"}'),
    ],
)
async def test_post_that_a_form_could_send_is_415(
    client: httpx.AsyncClient, content_type: str | None, content: str
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    response = await client.post("/graphql", content=content, headers=headers)
    assert_json_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    await assert_still_serving(client)


async def test_post_as_graphql_response_json_and_utf8_charset_is_accepted(
    client: httpx.AsyncClient,
) -> None:
    for content_type in (GRAPHQL_RESPONSE, f"{JSON}; charset=UTF-8"):
        response = await client.post(
            "/graphql",
            content='{"query": "{ __typename }"}',
            headers={"content-type": content_type},
        )
        assert without_cost(response.json()) == {"data": {"__typename": "Query"}}, content_type


async def test_form_post_of_a_mutation_runs_nothing(
    client: httpx.AsyncClient, settings: Settings, demo: dict[str, Any]
) -> None:
    query = "mutation { __typename }"
    if await has_request_password(client):
        query = (
            f'mutation {{ requestPassword(input: {{login: "{ANNA}"}}) {{ errors {{ code }} }} }}'
        )
    # what a cross-site <form method=post> sends: urlencoded, no preflight
    response = await client.post("/graphql", data={"query": query})
    assert_json_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert sms_lines(settings.sms_outbox) == []


async def test_get_runs_a_query(client: httpx.AsyncClient, demo: dict[str, Any]) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query($n: Int) { tariffs(first: $n) { totalCount } }",
            "variables": '{"n": 2}',
        },
    )
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"tariffs": {"totalCount": 9}}}


async def test_get_with_a_mutation_is_405_and_runs_nothing(
    client: httpx.AsyncClient, app: Any, settings: Settings, demo: dict[str, Any]
) -> None:
    real_mutation = await has_request_password(client)
    if real_mutation:
        params = {"query": REQUEST_PASSWORD, "variables": f'{{"login": "{ANNA}"}}'}
    else:
        params = {"query": "mutation { __typename }"}
    for accept in (JSON, GRAPHQL_RESPONSE):
        response = await client.get("/graphql", params=params, headers={"accept": accept})
        assert_json_error(response, 405, "METHOD_NOT_ALLOWED")
        assert response.headers["allow"] == "POST"
    assert sms_lines(settings.sms_outbox) == []
    await assert_still_serving(client)
    if real_mutation:
        # the control: the same mutation over POST does run, so the GET above was refused
        response = await post_json(client, {"query": params["query"], "variables": {"login": ANNA}})
        assert without_cost(response.json()) == {"data": {"requestPassword": {"errors": []}}}
        await settled(app)
        assert [m["to"] for m in sms_lines(settings.sms_outbox)] == [ANNA]


async def test_get_without_a_query_is_400_for_a_client(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": JSON})
    assert_json_error(response, 400, "BAD_REQUEST")


async def test_graphiql_only_for_a_browser_and_only_when_enabled(
    client_for: ClientFor, settings: Settings
) -> None:
    enabled = client_for(dataclasses.replace(settings, graphiql=True))
    page = await enabled.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()
    # a client asking for anything (curl's */*) is not a browser: it gets JSON
    not_browser = await enabled.get("/graphql", headers={"accept": "*/*"})
    assert_json_error(not_browser, 400, "BAD_REQUEST")

    disabled = client_for(dataclasses.replace(settings, graphiql=False))
    refused = await disabled.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    assert_json_error(refused, 400, "BAD_REQUEST")
    assert "graphiql" not in refused.text.lower()
    await assert_still_serving(disabled)


async def test_other_methods_on_the_view_are_405_in_json(client: httpx.AsyncClient) -> None:
    # HEAD reaches the view (Starlette adds it to GET routes); PUT & co. stop at the router
    response = await client.head("/graphql")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"].startswith(JSON)
