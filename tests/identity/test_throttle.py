"""Throttles are sliding windows: no reset where the clock turns, and the wait they name is exact.

Run against both backends (the database, and Redis as several workers would share it).
"""

import asyncio
import dataclasses
import os
import re
import sys

import asyncpg
import pytest
import time_machine

from auth.throttle import MICRO, DatabaseThrottle, Limit, Rule, now_us
from models import ThrottleLog
from tests.conftest import GQL
from tests.helpers import REQUEST_PASSWORD, ROOT, sms_to

ANNA = "9031234567"


@pytest.fixture(params=["database", "redis"])
def throttled(request: pytest.FixtureRequest, make_gql, settings, demo) -> GQL:
    if request.param == "redis":
        settings = dataclasses.replace(settings, redis_url=request.getfixturevalue("redis_url"))
    return make_gql(settings)


async def ask(gql: GQL, who: str = ANNA) -> list[dict]:
    answer = await gql(REQUEST_PASSWORD, {"login": who}, headers={"Accept-Language": "en"})
    return answer["data"]["requestPassword"]["errors"]


def wait_named(errors: list[dict]) -> int:
    (error,) = errors
    assert error["code"] == "RATE_LIMITED"
    match = re.search(r"in (\d+) seconds", error["message"])
    assert match is not None, error
    return int(match.group(1))


async def test_the_limit_holds_across_the_turn_of_the_hour(throttled: GQL, settings) -> None:
    with time_machine.travel("2026-11-25 10:59:50+00:00", tick=False) as clock:
        for _ in range(3):
            assert await ask(throttled) == []
        clock.shift(20)  # 11:00:10, where a fixed 15-minute window would start afresh
        assert wait_named(await ask(throttled)) == 15 * 60 - 20
        clock.shift(15 * 60 - 21)  # one second too early
        assert wait_named(await ask(throttled)) == 1
        clock.shift(1)
        assert await ask(throttled) == []
    assert len(sms_to(settings, ANNA)) == 4


async def test_refused_requests_do_not_push_the_wait_further(throttled: GQL) -> None:
    with time_machine.travel("2026-11-25 08:00:00+00:00", tick=False) as clock:
        for _ in range(3):
            await ask(throttled)
        for minute in range(1, 6):
            clock.shift(60)
            assert wait_named(await ask(throttled)) == 15 * 60 - minute * 60
        clock.shift(10 * 60)  # 15 minutes after the three admitted ones
        assert await ask(throttled) == []


async def test_ten_a_day_however_they_are_spread(throttled: GQL, settings) -> None:
    with time_machine.travel("2026-11-25 20:00:00+00:00", tick=False) as clock:
        for _ in range(10):
            assert await ask(throttled) == []
            clock.shift(16 * 60)  # each quarter-hour limit long passed
        # 10 admitted from 20:00 to 22:24; past midnight the day still counts them
        clock.shift(2 * 3600)
        assert wait_named(await ask(throttled)) == 24 * 3600 - (10 * 16 * 60 + 2 * 3600)
        clock.shift(24 * 3600 - (10 * 16 * 60 + 2 * 3600))
        assert await ask(throttled) == []
    assert len(sms_to(settings, ANNA)) == 11


async def test_numbers_and_addresses_are_counted_apart(throttled: GQL, make_gql, settings) -> None:
    with time_machine.travel("2026-11-25 12:00:00+00:00", tick=False):
        for _ in range(3):
            await ask(throttled)
        assert await ask(throttled, "9031234568") == []
        # 30 an hour from one address, whatever the numbers (4 were asked above)
        answers = [await ask(throttled, f"99922{n:05d}") for n in range(30)]
        assert [bool(a) for a in answers] == [False] * 26 + [True] * 4
        assert wait_named(answers[-1]) == 3600


async def test_a_burst_of_parallel_requests_gets_exactly_the_limit(throttled: GQL, settings):
    answers = await asyncio.gather(*(ask(throttled) for _ in range(12)))
    assert sorted(bool(errors) for errors in answers) == [False] * 3 + [True] * 9
    assert len(sms_to(settings, ANNA)) == 3


async def test_the_database_forgets_keys_idle_for_two_days(gql: GQL, demo) -> None:
    with time_machine.travel("2026-11-25 12:00:00+00:00", tick=False) as clock:
        await ask(gql)  # counted per number asked and per phone the SMS went to
        assert await ThrottleLog.filter(key__contains=ANNA).count() == 2
        clock.shift(2 * 24 * 3600 + 1)
        await ask(gql, "9031234568")
        assert await ThrottleLog.filter(key__contains=ANNA).count() == 0
        assert await ask(gql) == []  # and starts afresh


WORKER = """
import asyncio, sys
from tortoise import Tortoise
from auth.throttle import DatabaseThrottle, Limit, Rule
from models import tortoise_config

async def main(url):
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    throttle, rule, admitted = DatabaseThrottle(), Rule("shared", (Limit(50, 900),)), 0
    for n in range(30):
        admitted += await throttle.admit([rule.of("k"), rule.of(f"own-{sys.argv[2]}-{n}")]) is None
    await Tortoise.close_connections()
    print(admitted)

asyncio.run(main(sys.argv[1]))
"""


async def test_worker_processes_share_one_count_without_errors(database_url: str) -> None:
    """Three processes on one database, 90 hits on a key that allows 50: exactly 50 get
    in, and none fails (SQLite serialises writers across processes, PostgreSQL locks)."""
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WORKER,
            database_url,
            str(n),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        for n in range(3)
    ]
    outputs = [await asyncio.wait_for(w.communicate(), timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], [
        err.decode()[-2000:] for _, err in outputs
    ]
    assert sum(int(out) for out, _ in outputs) == 50


@pytest.mark.skipif(os.environ.get("LINEHUB_TEST_DB") != "postgres", reason="real row locks")
async def test_the_sweep_never_waits_for_a_row_another_request_holds(database_url: str) -> None:
    """The sweep of stale keys skips locked rows: a DELETE would lock in scan order, not
    key order, and deadlock with a request locking two stale keys in key order."""
    old = now_us() - 3 * 24 * 3600 * MICRO
    await ThrottleLog.create(key="r:b", hits=str(old), last_at=old)
    await ThrottleLog.create(key="r:a", hits=str(old + 1), last_at=old + 1)
    holder = await asyncpg.connect(database_url)
    await holder.execute("BEGIN")
    await holder.fetch("SELECT * FROM throttle_log WHERE key = 'r:a' FOR UPDATE")
    throttle, rule = DatabaseThrottle(), Rule("r", (Limit(3, 900),))
    both = asyncio.create_task(throttle.admit([rule.of("a"), rule.of("b")]))
    await asyncio.sleep(0.3)
    sweeping = asyncio.create_task(throttle.admit([rule.of("new")]))  # a new key sweeps
    await asyncio.sleep(0.3)
    await holder.execute("COMMIT")
    await holder.close()
    assert list(await asyncio.gather(both, sweeping)) == [None, None]


async def test_an_ipv6_client_counts_by_its_slash_64(make_gql, settings, demo) -> None:
    """A subscriber holds a whole /64 and can rotate inside it for nothing: 30 requests an
    hour from the /64, wherever in it they come from; another /64 is another client."""
    with time_machine.travel("2026-11-25 12:00:00+00:00", tick=False):
        answers = []
        for n in range(31):
            rotating = make_gql(settings, f"2001:db8:1:2::{n + 1:x}")
            answers.append(await ask(rotating, f"99933{n:05d}"))
        assert [bool(a) for a in answers] == [False] * 30 + [True]
        neighbour = make_gql(settings, "2001:db8:1:3::1")
        assert await ask(neighbour, "9993399999") == []
