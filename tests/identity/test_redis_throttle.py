"""With REDIS_URL the throttle counters live in Redis, shared by every worker."""

import dataclasses

import redis.asyncio as redis

from tests.helpers import REQUEST_PASSWORD, sms_to


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
    keys = [key async for key in client.scan_iter("linehub:throttle:pwreq-number:*")]
    await client.aclose()
    assert len(keys) == 1
