"""Request ids, and unexpected exceptions: masked as INTERNAL, logged with the same id."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

import schema.tariff
from tests.http.helpers import (
    GRAPHQL_RESPONSE,
    HEALTHY,
    JSON,
    assert_json_error,
    assert_still_serving,
    post_json,
)
from web.graphql import GraphQLView

SECRET = "password=hunter2 at db.internal:5432"


async def failing_resolver(*_: object, **__: object) -> None:
    raise RuntimeError(SECRET)


@pytest.mark.parametrize("sane", ["abc-123", "req.42:a_b", "A" * 128])
async def test_sane_request_id_is_echoed(client: httpx.AsyncClient, sane: str) -> None:
    response = await post_json(client, {"query": HEALTHY}, headers={"x-request-id": sane})
    assert response.headers["x-request-id"] == sane


async def test_request_id_is_generated_when_absent(client: httpx.AsyncClient) -> None:
    first = await post_json(client, {"query": HEALTHY})
    second = await post_json(client, {"query": HEALTHY})
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize(
    "insane", ["has space", "<script>", "A" * 129, "semi;colon", "", "a/b", "quote'"]
)
async def test_insane_request_id_is_replaced(client: httpx.AsyncClient, insane: str) -> None:
    response = await post_json(client, {"query": HEALTHY}, headers={"x-request-id": insane})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_refused_requests_carry_a_request_id_too(client: httpx.AsyncClient) -> None:
    malformed = await client.post(
        "/graphql", content="{", headers={"content-type": JSON, "x-request-id": "bad-json-1"}
    )
    assert malformed.status_code == 400
    assert malformed.headers["x-request-id"] == "bad-json-1"
    too_large = await post_json(client, {"query": "x" * 200_000}, headers={"x-request-id": "big-1"})
    assert too_large.status_code == 413
    assert too_large.headers["x-request-id"] == "big-1"


async def test_resolver_exception_is_masked_as_internal_and_logged_with_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="linehub")
    with monkeypatch.context() as patch:
        patch.setattr(schema.tariff, "resolve_tariffs", failing_resolver)
        for accept, request_id in ((JSON, "trace-json"), (GRAPHQL_RESPONSE, "trace-gql")):
            response = await post_json(
                client, {"query": HEALTHY}, accept=accept, headers={"x-request-id": request_id}
            )
            # the operation ran and a field failed: 200 with data, under either media type
            assert response.status_code == 200
            body = response.json()
            assert body["data"] is None  # tariffs is non-null, so the null reaches the root
            [error] = body["errors"]
            assert error["extensions"] == {"code": "INTERNAL", "requestId": request_id}
            assert error["path"] == ["tariffs"]
            assert request_id in error["message"]
            assert "hunter2" not in response.text
            assert "RuntimeError" not in response.text

            [record] = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
            assert record.levelno == logging.ERROR
            assert record.exc_info is not None
            assert record.exc_info[0] is RuntimeError
            assert request_id in record.getMessage()
            traceback = logging.Formatter().formatException(record.exc_info)
            assert SECRET in traceback
            assert "failing_resolver" in traceback
    await assert_still_serving(client)


async def test_exception_outside_graphql_is_a_json_500_with_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="linehub")

    async def broken_context(*_: object, **__: object) -> None:
        raise RuntimeError(SECRET)

    with monkeypatch.context() as patch:
        patch.setattr(GraphQLView, "get_context", broken_context)
        response = await post_json(client, {"query": HEALTHY}, headers={"x-request-id": "ctx-1"})
    body = assert_json_error(response, 500, "INTERNAL")
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL", "requestId": "ctx-1"}
    assert response.headers["x-request-id"] == "ctx-1"
    assert "hunter2" not in response.text
    [record] = [r for r in caplog.records if getattr(r, "request_id", None) == "ctx-1"]
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert SECRET in logging.Formatter().formatException(record.exc_info)
    await assert_still_serving(client)
