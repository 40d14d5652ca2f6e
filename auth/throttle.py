"""Sliding-window throttles shared by every worker: Redis when configured, else the database.

A log of the recent admitted hits per key, not a counter per clock window: a fixed window
lets twice the limit through across its boundary and resets mid-burst, and a limit that
depends on where the clock happens to stand is neither a promise to users nor a defence.
A request counts under several tallies at once (per number and per address): it is
admitted into all of them or into none, so a refusal costs nothing anywhere and the wait
it names is exact.
"""

from __future__ import annotations

import ipaddress
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
# stale keys forgotten per new key: bounded work on the request that happens to sweep
SWEEP_BATCH = 1000


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

    @property
    def keep(self) -> int:
        """Only the newest `count` hits can ever decide a limit."""
        return max(limit.count for limit in self.limits)

    def of(self, key: str) -> Tally:
        return Tally(self, key)


@dataclass(frozen=True)
class Tally:
    """One rule's count for one key (a number, an address, a person)."""

    rule: Rule
    key: str

    @property
    def log_key(self) -> str:
        return f"{self.rule.name}:{self.key}"[:200]


# Every throttle rule of the hub, here so that each limit is decided (and documented in
# README, "Identity and its limits") in one place. The names are the log keys' prefixes:
# renaming one forgets every tally kept under it.

# A temporary password costs an SMS and is a guess at a number's owner. Per number: a
# person needs one SMS, maybe a retry, so 3 in 15 minutes and 10 a day; per client
# address: a household or an office behind one NAT asks for a few more numbers.
PASSWORD_REQUESTS_PER_NUMBER = Rule("pwreq-number", (Limit(3, 15 * 60), Limit(10, 24 * 3600)))
PASSWORD_REQUESTS_PER_CLIENT = Rule("pwreq-client", (Limit(30, 3600),))
# the same limits on the phone an SMS goes to, whichever login (number, alias, home
# login) or channel (web, USSD) asked for it: nobody is flooded by asking under many names
SMS_PER_PHONE = Rule("sms-phone", PASSWORD_REQUESTS_PER_NUMBER.limits)
# consent codes to a number, counted apart: asking for access to someone's number must not
# spend that person's own temporary-password SMS (which would lock them out of login).
# Counted on every number asked for, existing or not: a refusal tells nothing
CONSENT_SMS_PER_PHONE = Rule("consent-phone", PASSWORD_REQUESTS_PER_NUMBER.limits)
# a NAT full of people logs in far less often; one address guessing passwords across
# many numbers (each guess an argon2 hash, ~0.1 s of a core) is held to ~10 000 a day.
# Every password check from the address counts here, logins and password changes alike
LOGINS_PER_CLIENT = Rule("login-client", (Limit(100, 15 * 60),))
# changing a password checks the old one (argon2 again): a person changes theirs rarely,
# a stolen session guessing the old password is held to a handful an hour
PASSWORD_CHANGES_PER_USER = Rule("pwchange-user", (Limit(5, 15 * 60), Limit(20, 24 * 3600)))
# every access request sends an SMS to someone else's number: a person asks for a few
# numbers, a script must not text strangers
ACCESS_REQUESTS_PER_USER = Rule("accessreq-user", (Limit(10, 3600),))
# a code has 3 tries per request already; this bounds guessing across many requests
CONFIRMS_PER_USER = Rule("confirm-user", (Limit(30, 3600),))
# every new recovery address gets a mail: a few typos an hour, not a mail cannon
EMAIL_CHANGES_PER_USER = Rule("email-user", (Limit(5, 3600),))
# every alias tried answers whether it is taken: a person picks one in a few tries, a
# script testing which aliases exist is held to a handful an hour
ALIAS_CHANGES_PER_USER = Rule("alias-user", (Limit(5, 3600), Limit(20, 24 * 3600)))
# granting answers whether a login exists: bound how fast anyone can ask (an owner
# setting up a family needs a handful)
GRANTS_PER_HOUR = Rule("grant-user", (Limit(30, 3600),))
# an export reads a line's whole history and writes a file: a person asks for a few,
# a script looping on it would keep the workers busy for everyone
EXPORTS_PER_USER = Rule("export-user", (Limit(20, 3600),))
# a person tries a provider or two; a script filling the attempts table is stopped here
STARTS_PER_CLIENT = Rule("social-start-client", (Limit(30, 15 * 60),))


def client_key(ip: str | None) -> str:
    """The key of a client address. IPv6 counts by its /64: one subscriber is given a
    whole /64 and can rotate inside it for free, so a single address is no unit."""
    if not ip:
        return "-"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class Throttle(Protocol):
    async def admit(self, tallies: Sequence[Tally]) -> int | None:
        """Log one hit under every tally if all their limits allow it and return None;
        else log nothing and return the seconds to wait."""
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
    """The log as one row per key, judged and written under the rows' locks, so workers
    racing for the last slot are served one after the other (SQLite: one writer anyway)."""

    async def admit(self, tallies: Sequence[Tally]) -> int | None:
        # one lock order for every worker, so two requests never wait for each other
        keys = sorted({tally.log_key for tally in tallies})
        while True:
            async with in_transaction():
                # the rows must exist to be locked. Written first: SQLite then takes its
                # write lock at once (a read first could not be upgraded once another
                # process wrote); INSERT .. ON CONFLICT DO NOTHING cannot fail and abort
                # PostgreSQL's transaction the way a plain INSERT would
                fresh = [ThrottleLog(key=key, last_at=now_us()) for key in keys]
                await ThrottleLog.bulk_create(fresh, ignore_conflicts=True)
                rows = ThrottleLog.select_for_update().filter(key__in=keys).order_by("key")
                logs = {log.key: log for log in await rows}
                if len(logs) == len(keys):
                    new_key = any(not log.hits for log in logs.values())
                    wait = await _judge([(logs[t.log_key], t.rule) for t in tallies])
                    break
            # one was swept away as stale between the insert and the lock: again
        if new_key:
            await _sweep()
        return wait


async def _sweep() -> None:
    """Forget keys nobody has hit for two days (every window is over). The table grows
    only by new keys, so each new one sweeps. Rows another request holds are skipped,
    never waited for: a DELETE locks in scan order, not key order, and could deadlock."""
    async with in_transaction():
        # rows, not values_list(): tortoise drops FOR UPDATE from a values query
        stale = (
            await ThrottleLog.filter(last_at__lt=now_us() - 2 * 24 * 3600 * MICRO)
            .select_for_update(skip_locked=True)
            .limit(SWEEP_BATCH)
            .only("id")
        )
        if stale:
            await ThrottleLog.filter(id__in=[row.id for row in stale]).delete()


async def _judge(logs: Sequence[tuple[ThrottleLog, Rule]]) -> int | None:
    """Admit a hit into every locked log row, or into none and say the wait."""
    now = now_us()  # read under the locks, so the logs stay in order
    earlier = {
        log.key: [at for at in map(int, log.hits.split()) if at > now - rule.longest * MICRO]
        for log, rule in logs
    }
    waits = [wait_for(earlier[log.key][-rule.keep :], rule, now) for log, rule in logs]
    if any(wait is not None for wait in waits):
        return max(wait for wait in waits if wait is not None)
    for log, rule in logs:
        log.hits = " ".join(map(str, [*earlier[log.key], now][-rule.keep :]))
        log.last_at = now
        await log.save(update_fields=["hits", "last_at"])
    return None


# Redis: the same logs as sorted sets, judged and written by one atomic script.
# ARGV: now, member, then per key: its longest window, its number of limits, and
# (count, window) for each limit; times in microseconds.
ADMIT = """
local now, member, pos, wait, longest = tonumber(ARGV[1]), ARGV[2], 3, -1, {}
for k = 1, #KEYS do
  longest[k] = tonumber(ARGV[pos])
  local limits = tonumber(ARGV[pos + 1])
  pos = pos + 2
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', now - longest[k])
  local earlier = redis.call('ZRANGE', KEYS[k], 0, -1, 'WITHSCORES')
  for _ = 1, limits do
    local count, window = tonumber(ARGV[pos]), tonumber(ARGV[pos + 1])
    pos = pos + 2
    local inside = {}
    for i = 2, #earlier, 2 do
      local at = tonumber(earlier[i])
      if at > now - window then inside[#inside + 1] = at end
    end
    if #inside >= count then
      local frees = inside[#inside - count + 1] + window - now
      if frees > wait then wait = frees end
    end
  end
end
if wait >= 0 then return tostring(wait) end
for k = 1, #KEYS do
  redis.call('ZADD', KEYS[k], now, member)
  redis.call('PEXPIRE', KEYS[k], math.ceil(longest[k] / 1000))
end
return false
"""


class RedisThrottle:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.from_url(url)
        self.script = self.redis.register_script(ADMIT)

    async def admit(self, tallies: Sequence[Tally]) -> int | None:
        now = now_us()
        args: list[int | str] = [now, f"{now}-{secrets.token_hex(4)}"]
        for tally in tallies:
            limits = tally.rule.limits
            args += [tally.rule.longest * MICRO, len(limits)]
            args += [part for limit in limits for part in (limit.count, limit.window * MICRO)]
        wait = await self.script(
            keys=[f"linehub:throttle:{tally.log_key}" for tally in tallies], args=args
        )
        return None if wait is None else max(1, math.ceil(int(wait) / MICRO))

    async def close(self) -> None:
        await self.redis.aclose()


async def enforce(throttle: Throttle, *tallies: Tally) -> None:
    """Admit the request under every tally, or refuse it as RATE_LIMITED with the wait."""
    wait = await throttle.admit(tallies)
    if wait is not None:
        raise DomainError(ErrorCode.RATE_LIMITED, retry_after=wait)


def throttle_for(redis_url: str | None) -> Throttle:
    return RedisThrottle(redis_url) if redis_url else DatabaseThrottle()
