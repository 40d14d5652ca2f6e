"""With REDIS_URL the throttle counters live in Redis, shared by every worker."""

import dataclasses
import os

import pytest
import redis.asyncio as redis

from tests.helpers import REQUEST_PASSWORD, sms_to

REDIS_URL = os.environ.get("LINEHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def redis_url() -> str:
    client = redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, redis.RedisError) as exc:
        if os.environ.get("LINEHUB_SKIP_REDIS") == "1":
            pytest.skip(f"Redis unreachable and LINEHUB_SKIP_REDIS=1: {exc}")
        pytest.fail(
            f"Redis at {REDIS_URL} is unreachable ({exc}); set LINEHUB_SKIP_REDIS=1 "
            "by hand to skip",
            pytrace=False,
        )
    async for key in client.scan_iter("linehub:throttle:*"):
        await client.delete(key)
    await client.aclose()
    return REDIS_URL


async def test_two_workers_share_one_count_in_redis(make_gql, settings, demo, redis_url) -> None:
    shared = dataclasses.replace(settings, redis_url=redis_url)
    first, second = make_gql(shared), make_gql(shared)
    answers = []
    for worker in (first, second, first, second):
        result = await worker(REQUEST_PASSWORD, {"login": "9031234567"})
        answers.append(result["data"]["requestPassword"]["errors"])
    assert answers[:3] == [[], [], []]
    assert answers[3][0]["code"] == "RATE_LIMITED"
    assert len(sms_to(settings, "9031234567")) == 3
    client = redis.from_url(redis_url)
    keys = [key async for key in client.scan_iter("linehub:throttle:pwreq-number-15m:*")]
    await client.aclose()
    assert len(keys) == 1
