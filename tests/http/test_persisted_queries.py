"""Persisted queries (issue 11, finding 9): Apollo's automatic protocol, and a mode that
runs registered documents only."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import httpx
import pytest

from app import create_app
from config import ConfigError, Settings
from web.persisted import sha256_hex

TARIFFS = "{ tariffs(first: 2) { edges { node { name } } } }"
OTHER = "{ tariffs(first: 1) { totalCount } }"


def named(document: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(document)}}


async def client_for(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_a_hash_is_learnt_from_the_document_and_then_enough(client, demo) -> None:
    unknown = await client.post("/graphql", json={"extensions": named(TARIFFS)})
    assert unknown.status_code == 200
    (error,) = unknown.json()["errors"]
    # the protocol's own words: Apollo Client and urql compare them literally
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    sent = await client.post("/graphql", json={"query": TARIFFS, "extensions": named(TARIFFS)})
    expected = sent.json()
    assert len(expected["data"]["tariffs"]["edges"]) == 2
    by_hash = await client.post("/graphql", json={"extensions": named(TARIFFS)})
    assert by_hash.json() == expected
    over_get = await client.get("/graphql", params={"extensions": json.dumps(named(TARIFFS))})
    assert over_get.json() == expected


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(OTHER)}},  # another text
        {"persistedQuery": {"version": 2, "sha256Hash": sha256_hex(TARIFFS)}},
        {"persistedQuery": {"version": 1, "sha256Hash": "abc"}},
        {"persistedQuery": "yes"},
    ],
)
async def test_a_wrong_hash_or_shape_is_a_bad_request(client, extensions: dict) -> None:
    answer = await client.post("/graphql", json={"query": TARIFFS, "extensions": extensions})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    # nothing learnt from it
    again = await client.post("/graphql", json={"extensions": named(OTHER)})
    assert again.json()["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_registered_mode_runs_the_registered_documents_only(
    settings: Settings, demo, tmp_path: Path
) -> None:
    registry = tmp_path / "documents.json"
    registry.write_text(json.dumps({sha256_hex(TARIFFS): TARIFFS}))
    only = dataclasses.replace(
        settings, persisted_queries="registered", persisted_queries_file=str(registry)
    )
    async with await client_for(only) as client:
        by_hash = await client.post("/graphql", json={"extensions": named(TARIFFS)})
        assert len(by_hash.json()["data"]["tariffs"]["edges"]) == 2
        in_full = await client.post("/graphql", json={"query": TARIFFS})
        assert in_full.json() == by_hash.json()
        for body in (
            {"query": OTHER},
            {"extensions": named(OTHER)},
            {"query": OTHER, "extensions": named(OTHER)},
        ):
            refused = await client.post("/graphql", json=body)
            assert refused.status_code == 400, body
            assert refused.json()["errors"][0]["extensions"]["code"] == (
                "PERSISTED_QUERY_NOT_ALLOWED"
            )


def test_a_registry_with_a_wrong_hash_stops_the_start(settings: Settings, tmp_path: Path) -> None:
    registry = tmp_path / "documents.json"
    registry.write_text(json.dumps({sha256_hex(OTHER): TARIFFS}))
    broken = dataclasses.replace(
        settings, persisted_queries="registered", persisted_queries_file=str(registry)
    )
    with pytest.raises(ValueError, match="SHA-256"):
        create_app(broken, manage_database=False)
    with pytest.raises(ConfigError, match="PERSISTED_QUERIES_FILE"):
        Settings(env="test", persisted_queries="registered").check()
