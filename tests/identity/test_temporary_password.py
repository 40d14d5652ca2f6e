"""Temporary passwords: SMS, 15 minutes, single use, newest wins, three tries, same answer."""

import asyncio

import time_machine

from models import Contract, Credential, Line, Tariff, TemporaryPassword, User
from tests.conftest import GQL, settled
from tests.helpers import (
    LOGIN,
    REQUEST_PASSWORD,
    SET_PASSWORD,
    VIEWER,
    login,
    sms_to,
    temporary_password_from,
    without_cost,
)

ANNA = "9031234567"


async def request(gql: GQL, who: str) -> dict:
    return (await gql(REQUEST_PASSWORD, {"login": who}))["data"]["requestPassword"]


async def test_request_sends_an_eight_character_password_from_an_unambiguous_alphabet(
    gql: GQL, demo, settings
) -> None:
    assert await request(gql, "+7 (903) 123-45-67") == {"errors": []}
    (sms,) = sms_to(settings, ANNA)
    password = temporary_password_from(sms)
    assert len(password) == 8
    assert not set(password) & set("0Oo1Il")
    assert set(sms) == {"to", "text", "sent_at"}


async def test_the_answer_is_identical_for_unknown_numbers(gql: GQL, demo, settings) -> None:
    known = await gql(REQUEST_PASSWORD, {"login": ANNA})
    unknown = await gql(REQUEST_PASSWORD, {"login": "9990000000"})
    alias = await gql(REQUEST_PASSWORD, {"login": "nobody-here"})
    assert known == unknown == alias  # cost included: it tells nothing either
    assert without_cost(known) == {"data": {"requestPassword": {"errors": []}}}
    assert sms_to(settings, "9990000000") == []


async def test_malformed_numbers_are_invalid_input_and_send_nothing(
    gql: GQL, demo, settings
) -> None:
    for bad in ["+7 903 123", "8 (903) 123-45-6789", "+1 903 123 45 67", "", "9" * 10_000]:
        (error,) = (await request(gql, bad))["errors"]
        assert error["code"] == "INVALID_INPUT", bad
    assert sms_to(settings, ANNA) == []


async def test_temporary_login_can_only_set_a_password_then_works_fully(
    gql: GQL, demo, settings
) -> None:
    await request(gql, ANNA)
    temp = temporary_password_from(sms_to(settings, ANNA)[-1])
    payload = await login(gql, "89031234567", temp)
    assert payload["errors"] == []
    assert payload["session"]["mustSetPassword"] is True
    assert payload["session"]["authMethod"] == "TEMPORARY_PASSWORD"
    token = payload["accessToken"]

    refused = await gql(VIEWER, token=token)
    assert refused["data"]["viewer"] is None
    assert refused["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    change = await gql(
        'mutation { changePassword(input: {oldPassword: "x", newPassword: "y",'
        ' newPasswordRepeat: "y"}) { errors { code } } }',
        token=token,
    )
    assert change["data"]["changePassword"]["errors"] == [{"code": "PASSWORD_CHANGE_REQUIRED"}]

    out = await gql("mutation { logout { errors { code } } }", token=token)
    assert out["data"]["logout"]["errors"] == []  # logout works for such a session too
    await request(gql, ANNA)
    temp = temporary_password_from(sms_to(settings, ANNA)[-1])
    token = (await login(gql, "89031234567", temp))["accessToken"]

    new_password = "лунный кот пьёт чай"
    set_result = await gql(SET_PASSWORD, {"p": new_password, "r": new_password}, token=token)
    assert set_result["data"]["setPassword"]["errors"] == []
    assert set_result["data"]["setPassword"]["session"]["mustSetPassword"] is False
    viewer = await gql(VIEWER, token=token)
    assert viewer["data"]["viewer"]["user"]["login"] == ANNA
    assert (await login(gql, ANNA, new_password))["errors"] == []


async def test_a_temporary_password_is_single_use(gql: GQL, demo, settings) -> None:
    await request(gql, ANNA)
    temp = temporary_password_from(sms_to(settings, ANNA)[-1])
    assert (await login(gql, ANNA, temp))["errors"] == []
    replay = await login(gql, ANNA, temp)
    assert [e["code"] for e in replay["errors"]] == ["INVALID_CREDENTIALS"]
    assert replay["accessToken"] is None


async def test_a_newer_password_voids_the_older(gql: GQL, demo, settings) -> None:
    await request(gql, ANNA)
    older = temporary_password_from(sms_to(settings, ANNA)[-1])
    await request(gql, ANNA)
    newer = temporary_password_from(sms_to(settings, ANNA)[-1])
    assert (await login(gql, ANNA, older))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await login(gql, ANNA, newer))["errors"] == []


async def test_it_expires_after_fifteen_minutes(gql: GQL, demo, settings) -> None:
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
        await request(gql, ANNA)
        temp = temporary_password_from(sms_to(settings, ANNA)[-1])
        clock.shift(15 * 60 + 1)
        assert (await login(gql, ANNA, temp))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    with time_machine.travel("2026-11-25 11:00:00+00:00", tick=False) as clock:
        await request(gql, ANNA)
        temp = temporary_password_from(sms_to(settings, ANNA)[-1])
        clock.shift(14 * 60)
        assert (await login(gql, ANNA, temp))["errors"] == []


async def test_three_wrong_tries_void_it(gql: GQL, demo, settings) -> None:
    await request(gql, ANNA)
    temp = temporary_password_from(sms_to(settings, ANNA)[-1])
    for _ in range(3):
        assert (await login(gql, ANNA, "wrong-one"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await login(gql, ANNA, temp))["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_requests_are_throttled_per_number_and_per_client(gql: GQL, demo, settings) -> None:
    for _ in range(3):
        assert await request(gql, ANNA) == {"errors": []}
    limited = await gql(REQUEST_PASSWORD, {"login": ANNA}, headers={"Accept-Language": "ru"})
    (error,) = limited["data"]["requestPassword"]["errors"]
    assert error["code"] == "RATE_LIMITED"
    assert "Повторите" in error["message"]
    assert len(sms_to(settings, ANNA)) == 3
    # the same limit for a number nobody has: the throttle cannot tell who exists
    for _ in range(3):
        await request(gql, "9990000001")
    assert (await request(gql, "9990000001"))["errors"][0]["code"] == "RATE_LIMITED"
    # per client address: 30 an hour, whatever the numbers; 6 were admitted above (the
    # refused ones cost the address nothing)
    answers = [await request(gql, f"99922{n:05d}") for n in range(40)]
    assert [bool(a["errors"]) for a in answers] == [False] * 24 + [True] * 16
    assert {a["errors"][0]["code"] for a in answers[24:]} == {"RATE_LIMITED"}


async def test_one_busy_address_does_not_throttle_another(make_gql, gql: GQL, demo, settings):
    for n in range(31):
        await request(gql, f"99911{n:05d}")
    assert (await request(gql, "9991199999"))["errors"][0]["code"] == "RATE_LIMITED"
    elsewhere = make_gql(settings, "198.51.100.77")
    answer = await elsewhere(REQUEST_PASSWORD, {"login": "9031234568"})
    assert answer["data"]["requestPassword"] == {"errors": []}
    assert len(sms_to(settings, "9031234568")) == 1


async def test_ten_thousand_requests_for_one_number_send_three_sms(
    gql: GQL, client, app, demo, settings
) -> None:
    for _ in range(200):  # a burst is enough to prove the cap; the rest only cost time
        await client.post(
            "/graphql", json={"query": REQUEST_PASSWORD, "variables": {"login": ANNA}}
        )
    await settled(app)
    assert len(sms_to(settings, ANNA)) == 3


async def test_login_input_in_every_malformed_number_form_is_a_typed_error(gql: GQL, demo) -> None:
    for bad in ["+7 (903) 123-45", "8-903-123-45-67-8", "+44 20 7946 0958", "(((", "+7"]:
        result = await gql(LOGIN, {"login": bad, "password": "whatever1"})
        (error,) = result["data"]["login"]["errors"]
        assert error["code"] == "INVALID_INPUT", bad
        assert error["field"] == ["login"]


async def test_one_phone_gets_three_sms_however_it_is_asked(gql: GQL, demo, settings) -> None:
    token = (await login(gql, ANNA))["accessToken"]
    alias = 'mutation { updateProfile(input: {alias: "anna.i"}) { errors { code } } }'
    assert (await gql(alias, token=token))["data"]["updateProfile"]["errors"] == []
    # her number, her alias, her home-internet login: one phone behind all three
    answers = [await request(gql, who) for who in [ANNA, "anna.i", "0891234567"] * 2]
    assert answers == [{"errors": []}] * 6  # no answer tells the alias and the number apart
    assert len(sms_to(settings, ANNA)) == 3


async def test_parallel_requests_leave_exactly_one_password_waiting(
    gql: GQL, demo, settings
) -> None:
    await asyncio.gather(*(request(gql, ANNA) for _ in range(3)))
    passwords = [temporary_password_from(sms) for sms in sms_to(settings, ANNA)]
    assert len(passwords) == 3
    assert await TemporaryPassword.filter(used_at=None, voided_at=None).count() == 1
    results = [await login(gql, ANNA, password) for password in passwords]
    assert sorted(bool(r["accessToken"]) for r in results) == [False, False, True]


async def test_a_double_submitted_password_logs_in_once_and_counts_no_failure(
    gql: GQL, demo, settings
) -> None:
    await request(gql, ANNA)
    temp = temporary_password_from(sms_to(settings, ANNA)[-1])
    # in parallel (they race for it) and once more afterwards (it is spent by then)
    first, second = await asyncio.gather(login(gql, ANNA, temp), login(gql, ANNA, temp))
    third = await login(gql, ANNA, temp)
    assert sorted(bool(r["accessToken"]) for r in (first, second, third)) == [False, False, True]
    for loser in [r for r in (first, second, third) if not r["accessToken"]]:
        (error,) = loser["errors"]
        assert error["code"] == "INVALID_CREDENTIALS"
        assert "already been used" in error["message"]
    assert (await Credential.get(user_id=demo["anna"].id)).failed_attempts == 0


async def test_a_holders_password_never_goes_to_a_phone_someone_else_uses(
    gql: GQL, demo, settings
) -> None:
    """A parent with no phone of their own holds a contract whose phone is the child's:
    the child must not receive the parent's password (and log in as the holder)."""
    parent = await User.create(name="Родитель", alias="parentx")
    child = await User.create(name="Ребёнок")
    contract = await Contract.create(number="100000099", kind="MOBILE", holder=parent)
    tariff = await Tariff.get(code="kids")
    await Line.create(
        msisdn="9035550001", user=child, contract=contract, device_kind="PHONE", tariff=tariff
    )
    assert await request(gql, "parentx") == {"errors": []}
    assert sms_to(settings, "9035550001") == []
    # a phone on the contract that nobody else uses is the holder's own: it gets it
    await Line.create(msisdn="9035550002", contract=contract, device_kind="PHONE", tariff=tariff)
    assert await request(gql, "parentx") == {"errors": []}
    assert len(sms_to(settings, "9035550002")) == 1
    assert sms_to(settings, "9035550001") == []
