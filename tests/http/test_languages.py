"""Error messages follow Accept-Language (Russian or English); codes never change."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest

import schema.tariff
from tests.http.helpers import HEALTHY, JSON, assert_still_serving, post_json

CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")
DEEP = "{ " + "node { " * 59 + "id" + " }" * 60

Send = Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[httpx.Response]]


async def malformed_json(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/graphql", content="{", headers={"content-type": JSON, **headers})


async def form_post(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/graphql", data={"query": HEALTHY}, headers=headers)


async def batch(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await post_json(client, [{"query": HEALTHY}], headers=headers)


async def get_mutation(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.get("/graphql", params={"query": "mutation { x }"}, headers=headers)


async def too_deep(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await post_json(client, {"query": DEEP}, headers=headers)


async def too_large(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await post_json(client, {"query": "x" * 200_000}, headers=headers)


async def unknown_operation(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    body = {"query": "query A { __typename }", "operationName": "B"}
    return await post_json(client, body, headers=headers)


@pytest.mark.parametrize(
    "send",
    [malformed_json, form_post, batch, get_mutation, too_deep, too_large, unknown_operation],
)
async def test_message_in_russian_or_english_with_the_same_code(
    client: httpx.AsyncClient, send: Send
) -> None:
    english = await send(client, {})
    russian = await send(client, {"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
    also_english = await send(client, {"accept-language": "de, en;q=0.8"})
    assert english.status_code == russian.status_code == also_english.status_code
    [en] = english.json()["errors"]
    [ru] = russian.json()["errors"]
    [en2] = also_english.json()["errors"]
    assert en["extensions"] == ru["extensions"] == en2["extensions"]
    assert en["message"] == en2["message"]
    assert not CYRILLIC.search(en["message"]), en["message"]
    assert CYRILLIC.search(ru["message"]), ru["message"]
    assert "Accept-Language" in english.headers["vary"]
    await assert_still_serving(client)


async def test_internal_error_message_in_russian_keeps_code_and_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(schema.tariff, "resolve_tariffs", fail)
    headers = {"accept-language": "ru", "x-request-id": "ru-1"}
    [error] = (await post_json(client, {"query": HEALTHY}, headers=headers)).json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "ru-1"}
    assert CYRILLIC.search(error["message"])
    assert "ru-1" in error["message"]
