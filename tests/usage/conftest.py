"""Usage records as the network sends them, and a helper to send them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from models import UsageRecord

NETWORK_KEY = "test-network-key"
ANNA, MASHA, PETYA, MODEM, GALINA = (
    "9031234567",
    "9031234568",
    "9031234569",
    "9031234571",
    "9162223344",
)


def record(network_id: str, msisdn: str = PETYA, **fields: Any) -> dict[str, Any]:
    """A record in the network's shape (API.md section 10): an outgoing call by default."""
    started = fields.pop("started", datetime.now(UTC) - timedelta(hours=1))
    base: dict[str, Any] = {
        "id": network_id,
        "msisdn": msisdn,
        "kind": "CALL",
        "direction": "OUT",
        "startedAt": started.isoformat(),
        "counterpart": GALINA,
        "seconds": 125,
        "bytes": None,
        "units": None,
        "roaming": False,
        "zone": None,
    }
    base.update(fields)
    return base


def body(*records: dict[str, Any] | str) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


async def send(client: httpx.AsyncClient, text: str, key: str = NETWORK_KEY) -> httpx.Response:
    return await client.post(
        "/network/usage",
        content=text.encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"},
    )


@pytest.fixture
async def demo(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo family without its months of usage: these tests count the records they
    send (the demo's usage is read in tests/usage/test_demo_usage.py)."""
    await UsageRecord.filter(network_id__startswith="demo-").delete()
    return demo


@pytest.fixture
async def load_demo(settings: Any) -> dict[str, Any]:
    """The demo family with its months of usage, as `linehub demo` loads it."""
    from cli.demo import load_demo as load

    return await load(settings)
