"""Rough edges a new user hit (issue 11, findings 4 and 10): log out everywhere else,
probing aliases, unlimited packages, and the codes the HTTP edge sends."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models import Allowance, Credential, TemporaryPassword, User
from models.errors import ErrorCode
from tests.conftest import GQL, settled
from tests.helpers import REQUEST_PASSWORD, ROOT, VIEWER, login, sms_to
from tests.identity.test_mobile_network import NETWORK_LOGIN, PROXY, trusted

OTHERS = "mutation { revokeOtherSessions { revoked errors { code } } }"
ALIAS = "mutation A($a: String) { updateProfile(input: {alias: $a}) { errors { code } } }"


def viewer_ok(result: dict) -> bool:
    return result.get("data", {}).get("viewer") is not None and "errors" not in result


async def test_log_out_everywhere_else(gql: GQL, demo) -> None:
    here, phone, tablet = [(await login(gql, "9031234567"))["accessToken"] for _ in range(3)]
    done = await gql(OTHERS, token=here)
    assert done["data"]["revokeOtherSessions"] == {"revoked": 2, "errors": []}
    assert viewer_ok(await gql(VIEWER, token=here))
    for token in (phone, tablet):
        assert (await gql(VIEWER, token=token))["errors"][0]["extensions"]["code"] == (
            "SESSION_REVOKED"
        )
    assert (await gql(OTHERS, token=here))["data"]["revokeOtherSessions"]["revoked"] == 0


async def test_a_limited_session_cannot_log_the_others_out(make_gql, settings, demo) -> None:
    gql = make_gql(trusted(settings), PROXY)
    full = (await login(gql, "9031234568"))["accessToken"]
    network = await gql(NETWORK_LOGIN, headers={"X-MSISDN": "79031234568"})
    limited = network["data"]["loginWithMobileNetwork"]["accessToken"]
    refused = await gql(OTHERS, token=limited)
    assert refused["data"]["revokeOtherSessions"]["errors"] == [{"code": "FORBIDDEN"}]
    assert viewer_ok(await gql(VIEWER, token=full))


async def test_trying_aliases_is_throttled(gql: GQL, demo) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    answers = [
        (await gql(ALIAS, {"a": f"boris-{n}"}, token=boris))["data"]["updateProfile"]["errors"]
        for n in range(6)
    ]
    assert answers[:5] == [[]] * 5
    assert answers[5] == [{"code": "RATE_LIMITED"}]
    # keeping the alias one has is not a try
    kept = await gql(ALIAS, {"a": "boris-4"}, token=boris)
    assert kept["data"]["updateProfile"]["errors"] == []


async def test_an_unlimited_package_has_no_size(gql: GQL, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    row = await Allowance.filter(unlimited=True).select_related("line").first()
    assert row is not None, "the demo has an unlimited data package"
    answer = await gql(
        "query R($m: String!) { viewer { line(msisdn: $m) { "
        "remains { kind total left unlimited } } } }",
        {"m": row.line.msisdn},
        token=anna,
    )
    remains = answer["data"]["viewer"]["line"]["remains"]
    unlimited = [r for r in remains if r["unlimited"]]
    assert unlimited
    assert all(r["total"] is None and r["left"] is None for r in unlimited)
    assert all(isinstance(r["left"], int) for r in remains if not r["unlimited"])


def test_every_code_the_http_edge_sends_is_an_error_code() -> None:
    sent: set[str] = set()
    for path in (ROOT / "web").glob("*.py"):
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RequestError":
                code = node.args[1]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    sent.add(code.value)
    assert sent, "RequestError calls were found"
    assert sent <= {code.value for code in ErrorCode}, sent - {c.value for c in ErrorCode}


async def test_a_locked_login_is_told_so_instead_of_a_useless_password(
    gql: GQL, app, demo, settings
) -> None:
    user = await User.get(credential__isnull=False, name__startswith="Анна")
    until = datetime.now(UTC) + timedelta(minutes=50)
    await Credential.filter(user=user).update(locked_until=until)
    asked = await gql(REQUEST_PASSWORD, {"login": "9031234567"}, headers={"Accept-Language": "ru"})
    assert asked["data"]["requestPassword"]["errors"] == []  # the asker learns nothing new
    await settled(app)
    (sms,) = sms_to(settings, "9031234567")
    assert "заблокирован" in sms["text"]
    assert "по московскому времени" in sms["text"]
    assert not await TemporaryPassword.filter(user=user).exists()
    # once the lock is over, a password comes again
    await Credential.filter(user=user).update(locked_until=None)
    await gql(REQUEST_PASSWORD, {"login": "9031234567"})
    await settled(app)
    assert await TemporaryPassword.filter(user=user).exists()


async def test_the_device_name_given_at_network_login_shows_in_sessions(
    make_gql, settings, demo
) -> None:
    gql = make_gql(trusted(settings), PROXY)
    named = """
    mutation N($d: String) { loginWithMobileNetwork(input: {deviceName: $d}) {
      accessToken errors { code field } } }
    """
    answer = await gql(named, {"d": "  Телефон   Маши "}, headers={"X-MSISDN": "79031234568"})
    token = answer["data"]["loginWithMobileNetwork"]["accessToken"]
    sessions = await gql("{ viewer { sessions { deviceName current } } }", token=token)
    mine = [s for s in sessions["data"]["viewer"]["sessions"] if s["current"]]
    assert mine == [{"deviceName": "Телефон Маши", "current": True}]
    for bad in ("Телефон\nСлужба безопасности", "x" * 65):
        refused = await gql(named, {"d": bad}, headers={"X-MSISDN": "79031234568"})
        assert refused["data"]["loginWithMobileNetwork"]["errors"] == [
            {"code": "INVALID_INPUT", "field": ["deviceName"]}
        ]
