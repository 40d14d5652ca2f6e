"""The Redis that the throttle tests share; a CI without it fails unless skipped by hand."""

import os

import pytest
import redis.asyncio as redis

from tests.helpers import service_unreachable

REDIS_URL = os.environ.get("LINEHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def redis_url() -> str:
    client = redis.from_url(REDIS_URL)
    try:
        await client.ping()
        async for key in client.scan_iter("linehub:throttle:*"):
            await client.delete(key)
    except (OSError, redis.RedisError) as exc:
        service_unreachable("Redis", REDIS_URL, "LINEHUB_SKIP_REDIS", exc)
    finally:
        await client.aclose()
    return REDIS_URL
