"""The environment scenarios share: a throwaway SQLite database with the demo, the app, a client.

Built the way `make run` builds a database (the real migrations, then `linehub demo`), and
talked to over HTTP through httpx's ASGI transport: the whole request path of the app
(middleware, GraphQL view, resolvers, ORM) without uvicorn or a network in between.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from tortoise import Tortoise

from app import create_app
from cli.db import apply_migrations
from cli.demo import load_demo
from config import Argon2Params, Settings
from models import tortoise_config

# the API scenarios measure the API, not argon2: the `argon2id` scenario measures the
# production parameters on its own, and the demo load and logins stay cheap here
CHEAP_ARGON2 = Argon2Params(time_cost=1, memory_cost=1024, parallelism=1)
DEMO_OWNER = "9031234567"  # Anna: the contract holder with six lines (API.md section 9)


@dataclass
class BenchEnv:
    """What a scenario may use; one per bench run."""

    settings: Settings
    app: Starlette
    client: httpx.AsyncClient
    show_sql: bool = False  # scenarios that count statements also list them

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        return response.json()

    async def token(self, login: str = DEMO_OWNER) -> str:
        result = await self.gql(LOGIN, {"login": login, "password": self.settings.demo_password})
        payload = result["data"]["login"]
        if payload["errors"]:
            raise RuntimeError(f"bench login as {login} failed: {payload['errors']}")
        return payload["accessToken"]


LOGIN = """
mutation Login($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) { accessToken errors { code message } }
}
"""


@contextlib.asynccontextmanager
async def bench_environment(*, show_sql: bool = False) -> AsyncIterator[BenchEnv]:
    """Migrate and load the demo into a temporary SQLite file; remove it all afterwards."""
    with tempfile.TemporaryDirectory(prefix="linehub-bench-") as tmp:
        url = f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        settings = Settings(
            env="test",
            database_url=url,
            secret_key="bench-secret-key-" + "x" * 32,
            sms_backend="file",
            sms_outbox=str(Path(tmp) / "sms.jsonl"),
            email_backend="file",
            email_outbox=str(Path(tmp) / "email.jsonl"),
            argon2=CHEAP_ARGON2,
        )
        await apply_migrations(url)
        # request tasks must reach the ORM, as in the app's own lifespan
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        try:
            await load_demo(settings)
            app = create_app(settings, manage_database=False)
            transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                yield BenchEnv(settings, app, client, show_sql)
            await app.state.services.close()
        finally:
            await Tortoise.close_connections()
