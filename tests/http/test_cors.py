"""Browser apps on another origin (issue 11, finding 6): an exact allowlist, preflight
cached, no credentials; every other origin gets no CORS header at all."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from app import CORS_PREFLIGHT_CACHE, create_app
from config import ConfigError, Settings
from tests.helpers import without_cost

APP_ORIGIN = "https://my.linehub.example"


async def client_for(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_an_allowed_origin_is_answered_and_may_call(settings: Settings, demo) -> None:
    allowed = dataclasses.replace(settings, cors_origins=(APP_ORIGIN,))
    async with await client_for(allowed) as client:
        answer = await client.options("/graphql", headers=preflight(APP_ORIGIN))
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == APP_ORIGIN
        assert "authorization" in answer.headers["access-control-allow-headers"].lower()
        assert answer.headers["access-control-max-age"] == str(CORS_PREFLIGHT_CACHE)
        assert "access-control-allow-credentials" not in answer.headers
        call = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": APP_ORIGIN}
        )
        assert without_cost(call.json()) == {"data": {"__typename": "Query"}}
        assert call.headers["access-control-allow-origin"] == APP_ORIGIN
        assert "x-request-id" in call.headers["access-control-expose-headers"].lower()

        stranger = "https://evil.example"
        refused = await client.options("/graphql", headers=preflight(stranger))
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        direct = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": stranger}
        )
        assert "access-control-allow-origin" not in direct.headers


async def test_without_a_list_no_origin_is_allowed(settings: Settings, demo) -> None:
    async with await client_for(settings) as client:
        answer = await client.options("/graphql", headers=preflight(APP_ORIGIN))
        assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize("origin", ["*", "https://app.example/", "app.example", "https://*.ex"])
def test_only_exact_origins_are_accepted(origin: str) -> None:
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        Settings(env="test", cors_origins=(origin,)).check()
