"""Small helpers the tests share: outboxes, logins, queries as constants."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from config import Settings

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


async def login(gql: Any, who: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    result = await gql(LOGIN, {"login": who, "password": password})
    return result["data"]["login"]


async def token_for(gql: Any, who: str, password: str = DEMO_PASSWORD) -> str:
    payload = await login(gql, who, password)
    assert payload["errors"] == [], payload
    return payload["accessToken"]
