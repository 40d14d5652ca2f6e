"""Sliding-window throttles shared by every worker: Redis when configured, else the database.

A log of the recent admitted hits per key, not a counter per clock window: a fixed window
lets twice the limit through across its boundary and resets mid-burst, and a limit that
depends on where the clock happens to stand is neither a promise to users nor a defence.
Refused hits are not logged, so the wait a refusal names is exact and a retry after it
succeeds.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tortoise.transactions import in_transaction

from models import ThrottleLog
from models.errors import DomainError, ErrorCode

MICRO = 1_000_000


@dataclass(frozen=True)
class Limit:
    """At most `count` admitted hits in any `window` seconds."""

    count: int
    window: int


@dataclass(frozen=True)
class Rule:
    """Hits of one kind (`name`) by one key, held under all its limits at once."""

    name: str
    limits: tuple[Limit, ...]

    @property
    def longest(self) -> int:
        return max(limit.window for limit in self.limits)


# The limits the README documents. Per number: a person needs one SMS, maybe a retry;
# per client address: a household or an office behind one NAT asks for a few more.
PASSWORD_REQUESTS_PER_NUMBER = Rule("pwreq-number", (Limit(3, 15 * 60), Limit(10, 24 * 3600)))
PASSWORD_REQUESTS_PER_CLIENT = Rule("pwreq-client", (Limit(30, 3600),))
LOGINS_PER_CLIENT = Rule("login-client", (Limit(100, 15 * 60),))
ACCESS_REQUESTS_PER_USER = Rule("accessreq-user", (Limit(10, 3600),))
CONFIRMS_PER_USER = Rule("confirm-user", (Limit(30, 3600),))
EMAIL_CHANGES_PER_USER = Rule("email-user", (Limit(5, 3600),))


class Throttle(Protocol):
    async def admit(self, key: str, rule: Rule) -> int | None:
        """Log one hit if every limit allows it and return None; else the seconds to wait."""
        ...


def now_us() -> int:
    return time.time_ns() // 1000


def wait_for(earlier: Sequence[int], rule: Rule, now: int) -> int | None:
    """Seconds until a hit now fits every limit, given the earlier admitted hits
    (microsecond timestamps, oldest first); None when it fits already."""
    waits = []
    for limit in rule.limits:
        inside = [at for at in earlier if at > now - limit.window * MICRO]
        if len(inside) >= limit.count:
            # a slot frees when enough of the oldest hits have left the window
            frees_at = inside[len(inside) - limit.count] + limit.window * MICRO
            waits.append(max(1, math.ceil((frees_at - now) / MICRO)))
    return max(waits) if waits else None


class DatabaseThrottle:
    """The log as one row per key, judged and written under that row's lock, so workers
    racing for the last slot are served one after the other (SQLite: one writer anyway)."""

    async def admit(self, key: str, rule: Rule) -> int | None:
        full_key = f"{rule.name}:{key}"[:200]
        while True:
            # the row must exist to be locked; INSERT .. ON CONFLICT DO NOTHING cannot fail
            # and abort the transaction the way a plain INSERT would
            fresh = ThrottleLog(key=full_key, last_at=now_us())
            await ThrottleLog.bulk_create([fresh], ignore_conflicts=True)
            async with in_transaction():
                log = await ThrottleLog.select_for_update().get_or_none(key=full_key)
                if log is not None:
                    new_key = not log.hits
                    wait = await _judge(log, rule)
                    break
            # swept away as stale between the insert and the lock: make it again
        if new_key:
            # the table grows only by new keys; each one sweeps away the keys nobody has
            # hit for two days (every window is over)
            await ThrottleLog.filter(last_at__lt=now_us() - 2 * 24 * 3600 * MICRO).delete()
        return wait


async def _judge(log: ThrottleLog, rule: Rule) -> int | None:
    """Admit a hit into the locked log row, or say the wait."""
    now = now_us()  # read under the lock, so the log stays in order
    # only the newest `count` hits can ever decide a limit
    keep = max(limit.count for limit in rule.limits)
    earlier = [at for at in map(int, log.hits.split()) if at > now - rule.longest * MICRO]
    wait = wait_for(earlier[-keep:], rule, now)
    if wait is None:
        log.hits = " ".join(map(str, [*earlier, now][-keep:]))
        log.last_at = now
        await log.save(update_fields=["hits", "last_at"])
    return wait


# Redis: the same log as a sorted set, judged and written in one atomic script.
ADMIT = """
local now, longest = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local earlier = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local ats = {}
for i = 2, #earlier, 2 do ats[#ats + 1] = tonumber(earlier[i]) end
local wait = -1
for i = 4, #ARGV, 2 do
  local count, window = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local inside = {}
  for _, at in ipairs(ats) do if at > now - window then inside[#inside + 1] = at end end
  if #inside >= count then
    local frees = inside[#inside - count + 1] + window - now
    if frees > wait then wait = frees end
  end
end
if wait >= 0 then return tostring(wait) end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(longest / 1000))
return false
"""


class RedisThrottle:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)
        self.script = self.redis.register_script(ADMIT)

    async def admit(self, key: str, rule: Rule) -> int | None:
        now = now_us()
        windows = [part for limit in rule.limits for part in (limit.count, limit.window * MICRO)]
        wait = await self.script(
            keys=[f"linehub:throttle:{rule.name}:{key}"],
            args=[now, rule.longest * MICRO, f"{now}-{secrets.token_hex(4)}", *windows],
        )
        return None if wait is None else max(1, math.ceil(int(wait) / MICRO))

    async def close(self) -> None:
        await self.redis.aclose()


async def enforce(throttle: Throttle, key: str, rule: Rule) -> None:
    """Admit the hit under every limit of the rule, or refuse it as RATE_LIMITED with the wait."""
    wait = await throttle.admit(key, rule)
    if wait is not None:
        raise DomainError(ErrorCode.RATE_LIMITED, retry_after=wait)


def throttle_for(redis_url: str | None) -> Throttle:
    return RedisThrottle(redis_url) if redis_url else DatabaseThrottle()
