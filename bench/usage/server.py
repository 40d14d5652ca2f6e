"""The linehub processes the bench talks to: `linehub serve`, its GraphQL, /proc."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.dashboard import Server, free_port
from bench.env import DEMO_OWNER, LOGIN
from bench.usage.sizes import NETWORK_KEY, ROOT, SECRET_KEY

# ---------------------------------------------------------------- linehub processes


def _environment(url: str, **extra: str) -> dict[str, str]:
    # ENV=test: linehub's own settings check, without production's SMS and e-mail gateways
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "ENV": "test",
        "SECRET_KEY": SECRET_KEY,
        "NETWORK_API_KEY": NETWORK_KEY,
        **extra,
    }


def _server(url: str) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "cli", "serve", "--workers", "1"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    return Server("linehub", command, _environment(url), port, cwd=ROOT)


async def _ready(server: Server, client: httpx.AsyncClient) -> None:
    assert server.process is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"linehub serve exited at start:\n{server.output()}")
        try:
            answer = await client.post(server.url, json={"query": "{ __typename }"})
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("linehub serve did not answer within 60 s")


async def _gql(
    client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any], token: str = ""
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = await client.post(url, json={"query": query, "variables": variables}, headers=headers)
    data: dict[str, Any] = answer.json()
    if answer.status_code != 200 or data.get("errors"):
        raise RuntimeError(f"linehub answered {answer.status_code}: {str(data)[:1000]}")
    return data["data"]


async def _token(client: httpx.AsyncClient, url: str) -> str:
    from config import Settings

    password = Settings.demo_password
    payload = (await _gql(client, url, LOGIN, {"login": DEMO_OWNER, "password": password}))["login"]
    if payload["errors"]:
        raise RuntimeError(f"login as {DEMO_OWNER} failed: {payload['errors']}")
    token: str = payload["accessToken"]
    return token


def _peak_kb(pid: int, field: str = "VmHWM") -> int:
    """A process's peak (VmHWM) or current (VmRSS) resident set in KB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0
