"""Permanent password login and the lockout after more than ten wrong passwords."""

import asyncio
import os

import pytest
import time_machine

from tests.conftest import GQL
from tests.helpers import (
    DEMO_PASSWORD,
    REQUEST_PASSWORD,
    SET_PASSWORD,
    login,
    sms_to,
    temporary_password_from,
)

ANNA = "9031234567"


async def test_every_demo_login_works_with_the_demo_password(gql: GQL, demo) -> None:
    for who in [
        "9031234567",
        "+7 903 123-45-68",
        "89031234569",
        "0891234567",
        "9162223344",
        "9161112233",
    ]:
        payload = await login(gql, who)
        assert payload["errors"] == [], who
        assert payload["session"]["authMethod"] == "PASSWORD"
        assert payload["session"]["accessCap"] == "FULL"


async def test_wrong_password_and_unknown_login_look_the_same(gql: GQL, demo) -> None:
    wrong = await login(gql, ANNA, "not-the-password")
    unknown = await login(gql, "9990000000", "not-the-password")
    assert wrong == unknown
    assert [e["code"] for e in wrong["errors"]] == ["INVALID_CREDENTIALS"]


@pytest.mark.parametrize("length", [0, 7, 129, 10_000])
async def test_passwords_of_odd_lengths_are_refused_without_a_crash(
    gql: GQL, demo, length: int
) -> None:
    payload = await login(gql, ANNA, "x" * length)
    assert [e["code"] for e in payload["errors"]] == ["INVALID_CREDENTIALS"]


async def test_the_eleventh_wrong_password_locks_for_an_hour(gql: GQL, demo) -> None:
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
        for _ in range(10):
            assert (await login(gql, ANNA, "wrong"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
        locked = await login(gql, ANNA, "wrong")
        assert locked["errors"][0]["code"] == "LOCKED"
        assert locked["lockedUntil"].startswith("2026-11-25T11:00:00")
        # even the right password is refused while locked
        assert (await login(gql, ANNA))["errors"][0]["code"] == "LOCKED"
        clock.shift(3601)
        # after the hour the permanent password stays off until a temporary one is used
        assert (await login(gql, ANNA))["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_after_a_lockout_a_temporary_password_and_a_new_one_restore_login(
    gql: GQL, demo, settings
) -> None:
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
        for _ in range(11):
            await login(gql, ANNA, "wrong")
        clock.shift(3601)
        await gql(REQUEST_PASSWORD, {"login": ANNA})
        temp = temporary_password_from(sms_to(settings, ANNA)[-1])
        payload = await login(gql, ANNA, temp)
        assert payload["errors"] == []
        new = "зелёный трамвай у моря"
        await gql(SET_PASSWORD, {"p": new, "r": new}, token=payload["accessToken"])
        assert (await login(gql, ANNA, new))["errors"] == []
        assert (await login(gql, ANNA, DEMO_PASSWORD))["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_success_resets_the_count(gql: GQL, demo) -> None:
    for _ in range(10):
        await login(gql, ANNA, "wrong")
    assert (await login(gql, ANNA))["errors"] == []
    for _ in range(10):
        await login(gql, ANNA, "wrong")
    assert (await login(gql, ANNA))["errors"] == []


async def test_unknown_logins_lock_exactly_like_real_ones(gql: GQL, demo) -> None:
    """Same answers, same fixed lock end, same behaviour after it: nothing to tell apart."""
    seen = {}
    for who in ["9161112233", "9990000000"]:
        with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
            answers = [await login(gql, who, "wrong") for _ in range(11)]
            clock.shift(600)
            later = await login(gql, who, "wrong")
            clock.shift(3000)
            after = await login(gql, who, "wrong-again")
        seen[who] = (
            [a["errors"][0]["code"] for a in answers],
            answers[-1]["lockedUntil"],
            (later["errors"][0]["code"], later["lockedUntil"]),
            after["errors"][0]["code"],
        )
    assert seen["9161112233"] == seen["9990000000"]
    codes, until, code_later, code_after = seen["9990000000"]
    assert codes == ["INVALID_CREDENTIALS"] * 10 + ["LOCKED"]
    assert code_later == ("LOCKED", until)
    assert code_after == "INVALID_CREDENTIALS"


@pytest.mark.skipif(os.environ.get("LINEHUB_TEST_DB") != "postgres", reason="real row locks")
async def test_concurrent_wrong_passwords_lock_at_the_eleventh_not_later(gql: GQL, demo) -> None:
    answers = await asyncio.gather(*(login(gql, ANNA, f"wrong-{i}") for i in range(15)))
    codes = sorted(a["errors"][0]["code"] for a in answers)
    assert codes.count("INVALID_CREDENTIALS") == 10
    assert codes.count("LOCKED") == 5


async def test_counters_of_sprayed_unknown_logins_are_forgotten_after_two_days(
    gql: GQL, demo
) -> None:
    from models import LoginLock

    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
        for n in range(3):
            await login(gql, f"99900000{n:02d}", "wrong")
        for _ in range(11):
            await login(gql, "9990000099", "wrong")  # locked: kept while the lock lasts
        assert await LoginLock.all().count() == 4
        clock.shift(3 * 24 * 3600)
        await login(gql, "9990000050", "wrong")
        assert [lock.key for lock in await LoginLock.all()] == ["9990000050"]
