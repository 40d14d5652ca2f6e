"""Profile (alias, name, recovery e-mail) and the USSD request for a password."""

import asyncio
import sys

from models import User
from tests.conftest import GQL
from tests.helpers import VIEWER, login, read_outbox, sms_to, temporary_password_from

UPDATE = """
mutation U($alias: String, $name: String, $email: String) {
  updateProfile(input: {alias: $alias, name: $name, email: $email}) {
    user { alias name email pendingEmail } errors { code field }
  }
}
"""
CONFIRM = """
mutation C($code: String!) { confirmEmail(input: {code: $code}) { user { email } errors { code } } }
"""


async def test_alias_becomes_a_login(gql: GQL, demo) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    result = await gql(UPDATE, {"alias": "Anna.Iv"}, token=token)
    assert result["data"]["updateProfile"]["errors"] == []
    assert result["data"]["updateProfile"]["user"]["alias"] == "anna.iv"
    assert (await login(gql, "ANNA.IV"))["errors"] == []


async def test_bad_or_taken_aliases_change_nothing(gql: GQL, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    boris = (await login(gql, "9161112233"))["accessToken"]
    await gql(UPDATE, {"alias": "boris"}, token=boris)
    for alias in ["ab", "x" * 33, "9031234568", "+7 903 123-45-68", "has space", "1234", "boris"]:
        result = await gql(UPDATE, {"alias": alias, "name": "Changed"}, token=anna)
        (error,) = result["data"]["updateProfile"]["errors"]
        assert (error["code"], error["field"]) == ("INVALID_INPUT", ["alias"]), alias
    viewer = await gql(VIEWER, token=anna)
    assert viewer["data"]["viewer"]["user"]["name"] == "Анна Иванова"
    assert viewer["data"]["viewer"]["user"]["alias"] is None


async def test_recovery_email_counts_only_after_the_code(gql: GQL, demo, settings) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    result = await gql(UPDATE, {"email": "anna@example.org"}, token=token)
    assert result["data"]["updateProfile"]["user"] == {
        "alias": None,
        "name": "Анна Иванова",
        "email": None,
        "pendingEmail": "anna@example.org",
    }
    (mail,) = read_outbox(settings.email_outbox)
    assert mail["to"] == "anna@example.org"
    code = mail["text"].split(": ", 1)[1][:6]
    wrong = await gql(CONFIRM, {"code": "000000" if code != "000000" else "111111"}, token=token)
    assert wrong["data"]["confirmEmail"]["errors"] == [{"code": "INVALID_INPUT"}]
    right = await gql(CONFIRM, {"code": code}, token=token)
    assert right["data"]["confirmEmail"] == {"user": {"email": "anna@example.org"}, "errors": []}
    replay = await gql(CONFIRM, {"code": code}, token=token)
    assert replay["data"]["confirmEmail"]["errors"] == [{"code": "INVALID_INPUT"}]


async def test_ussd_over_http_needs_the_network_key(client, gql: GQL, demo, settings) -> None:
    body = {"msisdn": "+79031234567", "code": "*110*9#"}
    assert (await client.post("/network/ussd", json=body)).status_code == 401
    wrong = await client.post("/network/ussd", json=body, headers={"Authorization": "Bearer no"})
    assert wrong.status_code == 401
    assert sms_to(settings, "9031234567") == []
    ok = await client.post(
        "/network/ussd", json=body, headers={"Authorization": "Bearer test-network-key"}
    )
    assert ok.status_code == 200
    assert "SMS" in ok.json()["text"]
    (sms,) = sms_to(settings, "9031234567")
    assert (await login(gql, "9031234567", temporary_password_from(sms)))["errors"] == []


async def test_ussd_from_the_cli_sends_an_sms(demo, settings, database_url) -> None:
    env = {
        "DATABASE_URL": database_url,
        "ENV": "test",
        "SMS_BACKEND": "file",
        "SMS_OUTBOX": settings.sms_outbox,
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_TIME_COST": "1",
        "PATH": "/usr/bin:/bin",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        "ussd",
        "9031234568",
        "*110*9#",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert "SMS" in stdout.decode()
    assert len(sms_to(settings, "9031234568")) == 1


async def test_recovery_email_changes_are_throttled(gql: GQL, demo, settings) -> None:
    token = (await login(gql, "9031234567"))["accessToken"]
    answers = [
        (await gql(UPDATE, {"email": f"anna{n}@example.org"}, token=token))["data"][
            "updateProfile"
        ]["errors"]
        for n in range(6)
    ]
    assert answers[:5] == [[]] * 5
    assert answers[5] == [{"code": "RATE_LIMITED", "field": None}]
    assert len(read_outbox(settings.email_outbox)) == 5


async def test_a_profile_change_keeps_what_other_requests_wrote_meanwhile(gql: GQL, demo) -> None:
    """updateProfile writes only its own fields: a parallel setAccessRequestsAllowed(false)
    (or a confirmed e-mail) is not put back from the row loaded at authentication."""
    token = (await login(gql, "9031234567"))["accessToken"]
    forbid = "mutation { setAccessRequestsAllowed(input: {allowed: false}) { errors { code } } }"
    for round_ in range(5):
        await User.filter(id=demo["anna"].id).update(access_requests_allowed=True)
        await asyncio.gather(
            gql(UPDATE, {"name": f"Анна {round_}"}, token=token), gql(forbid, token=token)
        )
        anna = await User.get(id=demo["anna"].id)
        assert (anna.name, anna.access_requests_allowed) == (f"Анна {round_}", False)


async def test_ussd_from_a_number_without_a_login_says_so(client, demo, settings) -> None:
    headers = {"Authorization": "Bearer test-network-key"}
    for number in ["9031234570", "9990000000"]:  # the family tablet; nobody's number
        answer = await client.post(
            "/network/ussd", json={"msisdn": number, "code": "*110*9#"}, headers=headers
        )
        assert answer.json() == {"text": "Для этого номера нет входа в личный кабинет."}
    assert sms_to(settings, "9031234567") == []


async def test_ussd_refuses_deep_or_huge_bodies_without_a_crash(client, demo) -> None:
    headers = {"Authorization": "Bearer test-network-key", "Content-Type": "application/json"}
    for body in [
        "[" * 100_000 + "]" * 100_000,
        '{"msisdn": "9031234567", "code": "' + "x" * 10_000 + '"}',
    ]:
        answer = await client.post("/network/ussd", content=body, headers=headers)
        assert (answer.status_code, answer.json()) == (400, {"error": "INVALID_INPUT"})
