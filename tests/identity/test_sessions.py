"""Sessions and tokens: rotation, reuse detection, revocation on the very next request."""

import asyncio
import base64
import json
import os

import pytest
import time_machine
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.conftest import GQL
from tests.helpers import (
    DEMO_PASSWORD,
    REQUEST_PASSWORD,
    SET_PASSWORD,
    VIEWER,
    login,
    sms_to,
    temporary_password_from,
)

ANNA = "9031234567"
REFRESH = """
mutation R($t: String!) {
  refreshSession(input: {refreshToken: $t}) {
    accessToken refreshToken session { id } errors { code }
  }
}
"""
REVOKE = """
mutation V($id: ID!) { revokeSession(input: {sessionId: $id}) { session { id } errors { code } } }
"""
CHANGE = """
mutation C($o: String!, $n: String!, $r: String!) {
  changePassword(input: {oldPassword: $o, newPassword: $n, newPasswordRepeat: $r}) {
    session { id } errors { code message field }
  }
}
"""


def viewer_code(result: dict) -> str | None:
    errors = result.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def test_two_clients_list_two_sessions_and_revoking_one_refuses_it_at_once(
    gql: GQL, demo
) -> None:
    first = await login(gql, ANNA)
    second = await login(gql, ANNA)
    listed = (await gql(VIEWER, token=second["accessToken"]))["data"]["viewer"]
    assert {s["id"] for s in listed["sessions"]} == {
        first["session"]["id"],
        second["session"]["id"],
    }
    assert [s["current"] for s in listed["sessions"] if s["id"] == second["session"]["id"]] == [
        True
    ]

    revoked = await gql(REVOKE, {"id": first["session"]["id"]}, token=second["accessToken"])
    assert revoked["data"]["revokeSession"]["errors"] == []
    refused = await gql(VIEWER, token=first["accessToken"])
    assert refused["data"]["viewer"] is None
    assert viewer_code(refused) == "SESSION_REVOKED"
    assert (await gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshSession"][
        "errors"
    ] == [{"code": "SESSION_REVOKED"}]
    still = await gql(VIEWER, token=second["accessToken"])
    assert len(still["data"]["viewer"]["sessions"]) == 1


async def test_another_persons_session_cannot_be_revoked_or_seen(gql: GQL, demo) -> None:
    anna = await login(gql, ANNA)
    boris = await login(gql, "9161112233")
    attempt = await gql(REVOKE, {"id": anna["session"]["id"]}, token=boris["accessToken"])
    assert attempt["data"]["revokeSession"]["errors"] == [{"code": "NOT_FOUND"}]
    node = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": anna["session"]["id"]},
        token=boris["accessToken"],
    )
    assert node["data"]["node"] is None
    assert viewer_code(await gql(VIEWER, token=anna["accessToken"])) is None


async def test_refresh_rotates_and_a_replayed_refresh_token_revokes_the_session(
    gql: GQL, demo
) -> None:
    payload = await login(gql, ANNA)
    rotated = (await gql(REFRESH, {"t": payload["refreshToken"]}))["data"]["refreshSession"]
    assert rotated["errors"] == []
    assert rotated["refreshToken"] != payload["refreshToken"]
    assert rotated["session"]["id"] == payload["session"]["id"]
    replay = (await gql(REFRESH, {"t": payload["refreshToken"]}))["data"]["refreshSession"]
    assert replay == {
        "accessToken": None,
        "refreshToken": None,
        "session": None,
        "errors": [{"code": "SESSION_REVOKED"}],
    }
    # the thief's replay ended the session for the rightful holder too
    assert viewer_code(await gql(VIEWER, token=rotated["accessToken"])) == "SESSION_REVOKED"
    after = (await gql(REFRESH, {"t": rotated["refreshToken"]}))["data"]["refreshSession"]
    assert after["errors"] == [{"code": "SESSION_REVOKED"}]


async def test_wrong_refresh_tokens_are_typed_errors(gql: GQL, demo) -> None:
    for token in ["", "nonsense", "x" * 5000]:
        result = (await gql(REFRESH, {"t": token}))["data"]["refreshSession"]
        assert result["errors"] == [{"code": "UNAUTHENTICATED"}]


async def test_access_tokens_expire_after_fifteen_minutes(gql: GQL, demo) -> None:
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
        payload = await login(gql, ANNA)
        clock.shift(14 * 60)
        assert viewer_code(await gql(VIEWER, token=payload["accessToken"])) is None
        clock.shift(61)
        assert viewer_code(await gql(VIEWER, token=payload["accessToken"])) == "UNAUTHENTICATED"
        refreshed = (await gql(REFRESH, {"t": payload["refreshToken"]}))["data"]["refreshSession"]
        assert viewer_code(await gql(VIEWER, token=refreshed["accessToken"])) is None


async def test_refresh_tokens_expire_after_thirty_days(gql: GQL, demo) -> None:
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
        payload = await login(gql, ANNA)
        clock.shift(30 * 24 * 3600 + 1)
        result = (await gql(REFRESH, {"t": payload["refreshToken"]}))["data"]["refreshSession"]
        assert result["errors"] == [{"code": "UNAUTHENTICATED"}]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_tampered_and_foreign_tokens_are_refused(gql: GQL, demo, settings) -> None:
    good = (await login(gql, ANNA))["accessToken"]
    header, claims, signature = good.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=="))
    other_key = OctKey.import_key(b"k" * 32)
    forged_claims = dict(decoded, sub="999")
    candidates = [
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{claims}.",
        f"{header}.{_b64(forged_claims)}.{signature}",
        jwt.encode({"alg": "HS256"}, decoded, other_key),
        good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        "Bearer-less",
    ]
    for token in candidates:
        result = await gql(VIEWER, token=token)
        assert result["data"]["viewer"] is None
        assert viewer_code(result) == "UNAUTHENTICATED", token
    basic = await gql(VIEWER, headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert viewer_code(basic) == "UNAUTHENTICATED"


async def test_logout_ends_the_current_session_only(gql: GQL, demo) -> None:
    a, b = await login(gql, ANNA), await login(gql, ANNA)
    out = await gql("mutation { logout { errors { code } } }", token=a["accessToken"])
    assert out["data"]["logout"]["errors"] == []
    assert viewer_code(await gql(VIEWER, token=a["accessToken"])) == "SESSION_REVOKED"
    assert viewer_code(await gql(VIEWER, token=b["accessToken"])) is None
    anonymous = await gql("mutation { logout { errors { code } } }")
    assert anonymous["data"]["logout"]["errors"] == [{"code": "UNAUTHENTICATED"}]


async def test_change_password_ends_every_other_session(gql: GQL, demo) -> None:
    keep, other = await login(gql, ANNA), await login(gql, ANNA)
    new = "сосны шумят над рекой"
    wrong_old = await gql(CHANGE, {"o": "nope-nope", "n": new, "r": new}, token=keep["accessToken"])
    assert wrong_old["data"]["changePassword"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    mismatch = await gql(
        CHANGE, {"o": DEMO_PASSWORD, "n": new, "r": new + "!"}, token=keep["accessToken"]
    )
    assert mismatch["data"]["changePassword"]["errors"][0]["code"] == "PASSWORD_MISMATCH"
    assert viewer_code(await gql(VIEWER, token=other["accessToken"])) is None  # nothing changed

    done = await gql(CHANGE, {"o": DEMO_PASSWORD, "n": new, "r": new}, token=keep["accessToken"])
    assert done["data"]["changePassword"]["errors"] == []
    assert viewer_code(await gql(VIEWER, token=other["accessToken"])) == "SESSION_REVOKED"
    assert viewer_code(await gql(VIEWER, token=keep["accessToken"])) is None
    assert (await login(gql, ANNA, new))["errors"] == []


@pytest.mark.parametrize(
    ("new", "code", "hint_ru"),
    [
        ("short", "WEAK_PASSWORD", "от 8 до 128"),
        ("x" * 129, "WEAK_PASSWORD", "от 8 до 128"),
        ("password", "WEAK_PASSWORD", "самых частых"),
        ("9031234567", "WEAK_PASSWORD", "легко подобрать"),
        ("ivanova1984", "WEAK_PASSWORD", "легко подобрать"),
    ],
)
async def test_weak_passwords_are_refused_with_feedback_in_russian(
    gql: GQL, demo, new: str, code: str, hint_ru: str
) -> None:
    token = (await login(gql, ANNA))["accessToken"]
    result = await gql(
        CHANGE,
        {"o": DEMO_PASSWORD, "n": new, "r": new},
        token=token,
        headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"},
    )
    (error,) = result["data"]["changePassword"]["errors"]
    assert error["code"] == code
    assert hint_ru in error["message"]
    assert error["field"] == ["newPassword"]
    assert (await login(gql, ANNA))["errors"] == []  # the old password still works


@pytest.mark.skipif(os.environ.get("LINEHUB_TEST_DB") != "postgres", reason="real concurrency")
async def test_racing_refreshes_with_one_token_revoke_the_session(gql: GQL, demo) -> None:
    payload = await login(gql, ANNA)
    results = await asyncio.gather(
        *(gql(REFRESH, {"t": payload["refreshToken"]}) for _ in range(5))
    )
    codes = [r["data"]["refreshSession"]["errors"] for r in results]
    assert sum(1 for c in codes if c == []) <= 1
    assert viewer_code(await gql(VIEWER, token=payload["accessToken"])) == "SESSION_REVOKED"


async def test_a_password_weak_only_because_of_the_persons_own_data_is_refused(gql: GQL, demo):
    """zxcvbn gets the person's number, name and birth year: what is strong for Boris is
    guessable for Anna Ivanova, born 1984."""
    password = "Иванова1984"
    anna = (await login(gql, ANNA))["accessToken"]
    refused = await gql(CHANGE, {"o": DEMO_PASSWORD, "n": password, "r": password}, token=anna)
    assert refused["data"]["changePassword"]["errors"][0]["code"] == "WEAK_PASSWORD"
    boris = (await login(gql, "9161112233"))["accessToken"]
    allowed = await gql(CHANGE, {"o": DEMO_PASSWORD, "n": password, "r": password}, token=boris)
    assert allowed["data"]["changePassword"]["errors"] == []


async def test_a_session_records_its_client_and_when_it_was_last_seen(gql: GQL, demo) -> None:
    query = "{ viewer { session { userAgent clientIp createdAt lastSeenAt } } }"
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as clock:
        token = (
            await gql(
                'mutation { login(input: {login: "9031234567", password: "linehub-demo-2026"})'
                " { accessToken } }",
                headers={"User-Agent": "LinehubApp/3.1 (Android 14)"},
            )
        )["data"]["login"]["accessToken"]
        first = (await gql(query, token=token))["data"]["viewer"]["session"]
        assert first["userAgent"] == "LinehubApp/3.1 (Android 14)"
        assert first["clientIp"] == "203.0.113.10"
        assert first["lastSeenAt"].startswith("2026-11-25T10:00:00")
        clock.shift(30)  # within the minute: not written again
        assert (await gql(query, token=token))["data"]["viewer"]["session"]["lastSeenAt"] == (
            first["lastSeenAt"]
        )
        clock.shift(90)
        later = (await gql(query, token=token))["data"]["viewer"]["session"]["lastSeenAt"]
        assert later.startswith("2026-11-25T10:02:00")


async def test_expired_sessions_are_not_listed(gql: GQL, demo) -> None:
    with time_machine.travel("2026-11-01 10:00:00+00:00", tick=False):
        old = await login(gql, ANNA)
    with time_machine.travel("2026-12-02 10:00:00+00:00", tick=False):  # 31 days on
        new = await login(gql, ANNA)
        listed = (await gql(VIEWER, token=new["accessToken"]))["data"]["viewer"]["sessions"]
    assert [s["id"] for s in listed] == [new["session"]["id"]]
    assert old["session"]["id"] != new["session"]["id"]


async def test_two_parallel_changes_one_wins_and_the_other_is_told(gql: GQL, demo) -> None:
    token = (await login(gql, ANNA))["accessToken"]
    firsts = ["Морошка-на-болоте-1975", "Brusnika-v-lesu-1982"]
    answers = await asyncio.gather(
        *(gql(CHANGE, {"o": DEMO_PASSWORD, "n": p, "r": p}, token=token) for p in firsts)
    )
    errors = [a["data"]["changePassword"]["errors"] for a in answers]
    assert sorted(len(e) for e in errors) == [0, 1]
    (refused,) = errors[0] or errors[1]
    assert refused["code"] == "INVALID_CREDENTIALS"
    winner = firsts[0] if not errors[0] else firsts[1]
    loser = firsts[1] if winner == firsts[0] else firsts[0]
    assert (await login(gql, ANNA, winner))["accessToken"]
    assert not (await login(gql, ANNA, loser))["accessToken"]


async def test_two_parallel_first_passwords_one_wins_and_the_other_is_told(
    gql: GQL, demo, settings
) -> None:
    await gql(REQUEST_PASSWORD, {"login": ANNA})
    temp = temporary_password_from(sms_to(settings, ANNA)[-1])
    token = (await login(gql, ANNA, temp))["accessToken"]
    firsts = ["Морошка-на-болоте-1975", "Brusnika-v-lesu-1982"]
    answers = await asyncio.gather(
        *(gql(SET_PASSWORD, {"p": p, "r": p}, token=token) for p in firsts)
    )
    errors = [a["data"]["setPassword"]["errors"] for a in answers]
    assert sorted(len(e) for e in errors) == [0, 1]
    assert [e["code"] for e in errors[0] or errors[1]] == ["FORBIDDEN"]
    winner = firsts[0] if not errors[0] else firsts[1]
    loser = firsts[1] if winner == firsts[0] else firsts[0]
    assert (await login(gql, ANNA, winner))["accessToken"]
    assert not (await login(gql, ANNA, loser))["accessToken"]
