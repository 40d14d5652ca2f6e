"""One context for every entry point: HTTP builds it from a request (every other test),
a WebSocket from its connection_init payload, a CLI command and a job in one call each.
Each runs a real query against the schema and sees what its actor may see."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import GlobalID

from cli.runtime import system_context
from config import Settings
from models import Session
from resolvers.context import Acting, Context
from schema import build_schema
from services import Services
from tests.helpers import login

LINES = "{ viewer { user { login } lines { edges { node { msisdn } } } } }"


async def run(settings: Settings, context: Context, query: str = LINES) -> dict[str, Any]:
    result = await build_schema(settings).execute(query, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def test_a_websocket_context_acts_for_the_token_in_connection_init(
    gql, settings: Settings, demo
) -> None:
    token = (await login(gql, "9031234568"))["accessToken"]
    async with Services.from_settings(settings) as services:
        context = Context.for_connection(services, {"authorization": f"Bearer {token}"})
        data = await run(settings, context)
    assert data["viewer"]["user"]["login"] == "9031234568"
    assert [e["node"]["msisdn"] for e in data["viewer"]["lines"]["edges"]] == ["9031234568"]


async def test_a_websocket_context_takes_its_language_from_the_payload(settings) -> None:
    async with Services.from_settings(settings) as services:
        spoken = Context.for_connection(services, {"language": "ru"}, accept_language="en")
        header = Context.for_connection(services, {}, accept_language="ru-RU,ru;q=0.9")
        unknown = Context.for_connection(services, {"language": "de"})
    assert (spoken.language, header.language, unknown.language) == ("ru", "ru", "en")


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", "Basic eA==", 42])
async def test_a_websocket_context_with_bad_credentials_is_refused_not_anonymous(
    settings, authorization: object
) -> None:
    async with Services.from_settings(settings) as services:
        context = Context.for_connection(services, {"authorization": authorization})
        result = await build_schema(settings).execute(LINES, context_value=context)
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}


async def test_a_websocket_context_without_credentials_sees_no_viewer(settings) -> None:
    async with Services.from_settings(settings) as services:
        data = await run(
            settings, Context.for_connection(services, None), "{ viewer { user { login } } }"
        )
    assert data == {"viewer": None}


async def test_a_cli_command_gets_the_system_context_in_one_call(settings, demo) -> None:
    # the test owns the database; `linehub ussd` opens its own (tests/identity test it)
    async with system_context(settings, manage_database=False) as context:
        assert context.acting is Acting.SYSTEM
        assert context.language == "ru"
        assert await context.current_session() is None
        # the system is no person: the API shows it no one's lines
        assert (await run(settings, context, "{ viewer { user { login } } }")) == {"viewer": None}
        assert context.services.settings is settings


async def test_a_job_acts_with_the_session_of_the_person_who_asked(gql, settings, demo) -> None:
    opened = await login(gql, "9162223344")  # Galina: her line and a LIMITED grant on Masha's
    session_id = GlobalID.from_id(opened["session"]["id"]).node_id
    session = await Session.get(id=session_id).select_related("user")
    async with Services.from_settings(settings) as services:
        context = Context.for_session(services, session, language="ru")
        data = await run(settings, context)
    assert context.acting is Acting.PERSON
    assert sorted(e["node"]["msisdn"] for e in data["viewer"]["lines"]["edges"]) == [
        "9031234568",
        "9162223344",
    ]
