"""What the HTTP tests share: raw requests, error codes, and the "still serving" check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"

# a real query that reads the database: proves the app still answers after abuse
HEALTHY = "{ tariffs(first: 1) { totalCount } }"


async def post_json(
    client: httpx.AsyncClient,
    body: object,
    *,
    accept: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    sent = {"content-type": JSON, **(headers or {})}
    if accept is not None:
        sent["accept"] = accept
    return await client.post("/graphql", content=json.dumps(body), headers=sent)


def codes(response: httpx.Response) -> list[str]:
    """The `extensions.code` of every error; each error must have one."""
    return [error["extensions"]["code"] for error in response.json()["errors"]]


def assert_json_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A refused request: the status, a JSON body (never plain text), one coded error."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith((JSON, GRAPHQL_RESPONSE))
    body = response.json()
    assert codes(response) == [code], body
    assert body["errors"][0]["message"], body
    return body


async def assert_still_serving(client: httpx.AsyncClient) -> None:
    response = await post_json(client, {"query": HEALTHY})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert isinstance(body["data"]["tariffs"]["totalCount"], int)


def sms_lines(path: str) -> list[dict[str, Any]]:
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line]
