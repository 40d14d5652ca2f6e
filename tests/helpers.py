"""Small helpers the tests share: outboxes, logins, queries as constants."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest

from config import Settings
from i18n import OPERATOR_TIME_ZONE

DEMO_PASSWORD = "linehub-demo-2026"

LOGIN = """
mutation Login($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) {
    accessToken refreshToken lockedUntil
    session { id authMethod accessCap mustSetPassword expiresAt current }
    errors { code message field }
  }
}
"""

REQUEST_PASSWORD = """
mutation Req($login: String!) {
  requestPassword(input: {login: $login}) { errors { code message } }
}
"""

SET_PASSWORD = """
mutation Set($p: String!, $r: String!) {
  setPassword(input: {password: $p, passwordRepeat: $r}) {
    session { id mustSetPassword authMethod } errors { code message field }
  }
}
"""

VIEWER = """
{ viewer { user { id name login alias }
           session { id authMethod accessCap mustSetPassword expiresAt current }
           sessions { id current authMethod } } }
"""


def read_outbox(path: str) -> list[dict[str, Any]]:
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line]


def sms_to(settings: Settings, msisdn: str) -> list[dict[str, Any]]:
    return [m for m in read_outbox(settings.sms_outbox) if m["to"] == msisdn]


def temporary_password_from(message: dict[str, Any]) -> str:
    match = re.search(r": ([A-Za-z0-9]{8})\.", message["text"])
    assert match, message
    return match.group(1)


async def clear_of_midnight(margin: float = 60.0) -> None:
    """Wait until the operator's calendar day has at least `margin` seconds left, so a test
    of a per-day quota does not straddle midnight in Moscow (21:00 UTC) and see the count
    start again halfway through."""
    local = datetime.now(UTC).astimezone(OPERATOR_TIME_ZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), OPERATOR_TIME_ZONE)
    left = (midnight - local).total_seconds()
    if left < margin:
        await asyncio.sleep(left + 1)


async def login(gql: Any, who: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    result = await gql(LOGIN, {"login": who, "password": password})
    return result["data"]["login"]


async def token_for(gql: Any, who: str, password: str = DEMO_PASSWORD) -> str:
    payload = await login(gql, who, password)
    assert payload["errors"] == [], payload
    return payload["accessToken"]


ROOT = Path(__file__).resolve().parents[1]


async def linehub(database_url: str, *args: str, **env: str) -> tuple[int, str]:
    """Run the real `linehub` CLI in its own process against the test database."""
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENV": "test",
        # cheap hashing: the CLI's own work is under test, not argon2's cost
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_TIME_COST": "1",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        *args,
        env=environ,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, output.decode()


def service_unreachable(service: str, url: str, skip_env: str, exc: Exception) -> NoReturn:
    """A service the run needs is down: fail, unless somebody chose by hand to skip it."""
    if os.environ.get(skip_env) == "1":
        pytest.skip(f"{service} unreachable and {skip_env}=1: {exc}")
    pytest.fail(
        f"{service} at {url} is unreachable ({exc}); the tests that need it must run. "
        f"Set {skip_env}=1 by hand to skip them.",
        pytrace=False,
    )


def without_cost(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer without `extensions.cost` (every answer reports it; schema.limits), for
    comparing what was answered."""
    trimmed = dict(answer)
    extensions = {k: v for k, v in (trimmed.pop("extensions", None) or {}).items() if k != "cost"}
    if extensions:
        trimmed["extensions"] = extensions
    return trimmed


async def accepted_grant(line: Any, person: Any, level: Any, login: str) -> Any:
    """A grant its grantee accepted, set up without HTTP: an invitation under `login`
    (as the owner would type it), then the grantee's yes."""
    from models.access.audit import Actor
    from models.access.grants import Invitee, invite, respond

    offer = await invite(line, Invitee(login=login, key=login, person=person), level, Actor(None))
    if offer.status == "ACTIVE":
        return offer
    return await respond(offer.id, person.id, True, Actor(person.id))
