"""Fixed-window throttles shared by every worker: Redis when configured, else the database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models import ThrottleCounter
from models.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Limit:
    """At most `count` hits of one key per `window` seconds."""

    name: str
    count: int
    window: int


# The limits the README documents. Per number: a person needs one SMS, maybe a retry;
# per client address: a household or an office behind one NAT asks for a few more.
PASSWORD_REQUESTS_PER_NUMBER = (
    Limit("pwreq-number-15m", 3, 15 * 60),
    Limit("pwreq-number-day", 10, 24 * 3600),
)
PASSWORD_REQUESTS_PER_CLIENT = (Limit("pwreq-client-hour", 30, 3600),)
LOGINS_PER_CLIENT = (Limit("login-client-15m", 100, 15 * 60),)
ACCESS_REQUESTS_PER_USER = (Limit("accessreq-user-hour", 10, 3600),)
CONFIRMS_PER_USER = (Limit("confirm-user-hour", 30, 3600),)
EMAIL_CHANGES_PER_USER = (Limit("email-user-hour", 5, 3600),)


class Throttle(Protocol):
    async def hit(self, key: str, limit: Limit) -> int:
        """Count one hit; return the count in the current window (this hit included)."""
        ...


def _window(limit: Limit) -> tuple[int, int]:
    now = int(time.time())
    start = now - now % limit.window
    return start, start + limit.window - now


class DatabaseThrottle:
    """Counters as rows; the increment is one UPDATE, so concurrent hits are all counted."""

    async def hit(self, key: str, limit: Limit) -> int:
        start, _ = _window(limit)
        full_key = f"{limit.name}:{key}"[:200]
        rows = ThrottleCounter.filter(key=full_key, window_start=start)
        if not await rows.update(count=F("count") + 1):
            try:
                await ThrottleCounter.create(key=full_key, window_start=start, count=1)
                await ThrottleCounter.filter(window_start__lt=start - 2 * 24 * 3600).delete()
                return 1
            except IntegrityError:  # another worker created it first
                await rows.update(count=F("count") + 1)
        counter = await rows.first()
        return counter.count if counter else 1


class RedisThrottle:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)

    async def hit(self, key: str, limit: Limit) -> int:
        start, _ = _window(limit)
        redis_key = f"linehub:throttle:{limit.name}:{key}:{start}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, limit.window + 60)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self.redis.aclose()


async def enforce(throttle: Throttle, key: str, limits: tuple[Limit, ...]) -> None:
    """Count the hit under every limit; over any of them is RATE_LIMITED with the wait."""
    for limit in limits:
        if await throttle.hit(key, limit) > limit.count:
            _, retry_after = _window(limit)
            raise DomainError(ErrorCode.RATE_LIMITED, retry_after=retry_after)


def throttle_for(redis_url: str | None) -> Throttle:
    return RedisThrottle(redis_url) if redis_url else DatabaseThrottle()
