"""A grant is an invitation: it gives nothing until its grantee accepts, and inviting a
login tells the owner neither that it exists nor whose it is (issue 11, finding 4)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.access.test_grants import AUDIT, LINE, tokens
from tests.conftest import GQL
from tests.helpers import login
from tests.identity.test_mobile_network import NETWORK_LOGIN, PROXY, trusted

INVITE = """
mutation G($m: String!, $g: String!, $l: AccessLevel!) {
  grantLineAccess(input: {msisdn: $m, grantee: $g, level: $l}) {
    grant { id msisdn level status login grantee { name } grantedBy { name } respondedAt }
    errors { code field }
  }
}
"""
RESPOND = """
mutation R($id: ID!, $accept: Boolean!) { respondToGrant(input: {grantId: $id, accept: $accept}) {
  grant { id status level grantee { name } } errors { code field } } }
"""
REVOKE = """
mutation V($id: ID!) { revokeLineAccess(input: {grantId: $id}) { errors { code } } }
"""
GIVEN = "{ viewer { grantsGiven { id msisdn status login grantee { name } } } }"
RECEIVED = "{ viewer { grantsReceived { id msisdn level status grantedBy { name } } } }"
TABLET, MODEM = "9031234570", "9031234571"


async def invite(gql: GQL, token: str, msisdn: str, grantee: str, level: str = "FULL") -> dict:
    answer = await gql(INVITE, {"m": msisdn, "g": grantee, "l": level}, token=token)
    payload = answer["data"]["grantLineAccess"]
    assert payload["errors"] == [], payload
    return payload["grant"]


async def respond(gql: GQL, token: str, grant_id: str, accept: bool) -> dict[str, Any]:
    answer = await gql(RESPOND, {"id": grant_id, "accept": accept}, token=token)
    return answer["data"]["respondToGrant"]


async def sees(gql: GQL, token: str, msisdn: str) -> Any:
    return (await gql(LINE, {"m": msisdn}, token=token))["data"]["viewer"]["line"]


async def test_an_invitation_gives_nothing_until_the_grantee_accepts(gql: GQL, demo) -> None:
    anna, boris = await tokens(gql, "9031234567", "9161112233")
    offer = await invite(gql, anna, "+7 903 123-45-70", "8 916 111 22 33")
    # the owner sees what they typed, not who it is
    assert offer == {
        "id": offer["id"],
        "msisdn": TABLET,
        "level": "FULL",
        "status": "PENDING",
        "login": "8 916 111 22 33",
        "grantee": None,
        "grantedBy": {"name": "Анна Иванова"},
        "respondedAt": None,
    }
    assert await sees(gql, boris, TABLET) is None
    received = (await gql(RECEIVED, token=boris))["data"]["viewer"]["grantsReceived"]
    assert received == [
        {
            "id": offer["id"],
            "msisdn": TABLET,
            "level": "FULL",
            "status": "PENDING",
            "grantedBy": {"name": "Анна Иванова"},
        }
    ]

    accepted = await respond(gql, boris, offer["id"], True)
    assert accepted["errors"] == []
    assert accepted["grant"]["status"] == "ACTIVE"
    line = await sees(gql, boris, TABLET)
    assert line is not None
    assert (line["relations"], line["accessLevel"]) == (["DELEGATE"], "FULL")
    given = (await gql(GIVEN, token=anna))["data"]["viewer"]["grantsGiven"]
    mine = next(g for g in given if g["id"] == offer["id"])
    assert (mine["status"], mine["grantee"]) == ("ACTIVE", {"name": "Борис Петров"})


async def test_a_login_nobody_has_is_answered_exactly_like_a_real_one(gql: GQL, demo) -> None:
    anna, galina = await tokens(gql, "9031234567", "9162223344")
    await gql(
        'mutation { updateProfile(input: {alias: "galina.p"}) { errors { code } } }', token=galina
    )
    cases = [("9161112233", "9169999999"), ("Galina.P", "nobody.at.all")]
    for real, unknown in cases:
        shown = [await invite(gql, anna, MODEM, login, "LIMITED") for login in (real, unknown)]
        for grant, typed in zip(shown, (real, unknown), strict=True):
            assert grant.pop("login") == typed
            grant.pop("id")
        assert shown[0] == shown[1]
    given = (await gql(GIVEN, token=anna))["data"]["viewer"]["grantsGiven"]
    on_modem = [g for g in given if g["msisdn"] == MODEM]
    assert len(on_modem) == 4
    assert {(g["status"], str(g["grantee"])) for g in on_modem} == {("PENDING", "None")}


async def test_only_the_grantee_answers_and_only_once(gql: GQL, demo) -> None:
    anna, boris, galina, masha = await tokens(
        gql, "9031234567", "9161112233", "9162223344", "9031234568"
    )
    offer = await invite(gql, anna, TABLET, "9161112233")
    decoy = await invite(gql, anna, TABLET, "9169999999")
    for who in (anna, galina, masha):  # the owner, a delegate, the family: none of theirs
        for accept in (True, False):
            refused = await respond(gql, who, offer["id"], accept)
            assert refused == {
                "grant": None,
                "errors": [{"code": "NOT_FOUND", "field": ["grantId"]}],
            }
    for who in (anna, boris, galina):  # a decoy is nobody's to accept
        refused = await respond(gql, who, decoy["id"], True)
        assert refused["errors"] == [{"code": "NOT_FOUND", "field": ["grantId"]}]
    garbage = await respond(gql, boris, "not-an-id", True)
    assert garbage["errors"] == [{"code": "NOT_FOUND", "field": ["grantId"]}]
    assert await sees(gql, galina, TABLET) is None

    # two answers racing: exactly one wins, the other is NOT_FOUND
    both = await asyncio.gather(
        respond(gql, boris, offer["id"], True), respond(gql, boris, offer["id"], False)
    )
    assert sorted(len(b["errors"]) for b in both) == [0, 1]
    assert await respond(gql, boris, offer["id"], True) == {
        "grant": None,
        "errors": [{"code": "NOT_FOUND", "field": ["grantId"]}],
    }


async def test_a_declined_invitation_gives_nothing_and_stays_declined(gql: GQL, demo) -> None:
    anna, boris = await tokens(gql, "9031234567", "9161112233")
    offer = await invite(gql, anna, TABLET, "9161112233", "LIMITED")
    declined = await respond(gql, boris, offer["id"], False)
    assert declined["grant"]["status"] == "DECLINED"
    assert await sees(gql, boris, TABLET) is None
    assert (await gql(RECEIVED, token=boris))["data"]["viewer"]["grantsReceived"] == []
    given = (await gql(GIVEN, token=anna))["data"]["viewer"]["grantsGiven"]
    assert {
        "id": offer["id"],
        "msisdn": TABLET,
        "status": "DECLINED",
        "login": "9161112233",
        "grantee": None,
    } in given
    # asking again does not reopen it: the owner withdraws it first, then offers anew
    again = await invite(gql, anna, TABLET, "9161112233", "FULL")
    assert (again["id"], again["status"], again["level"]) == (offer["id"], "DECLINED", "LIMITED")
    withdrawn = await gql(REVOKE, {"id": offer["id"]}, token=anna)
    assert withdrawn["data"]["revokeLineAccess"]["errors"] == []
    fresh = await invite(gql, anna, TABLET, "9161112233", "FULL")
    assert fresh["id"] != offer["id"]
    assert fresh["status"] == "PENDING"


async def test_a_level_changes_the_offer_and_another_login_is_another_offer(gql: GQL, demo) -> None:
    anna, boris = await tokens(gql, "9031234567", "9161112233")
    await gql(
        'mutation { updateProfile(input: {alias: "boris.p"}) { errors { code } } }', token=boris
    )
    by_number = await invite(gql, anna, TABLET, "9161112233", "LIMITED")
    raised = await invite(gql, anna, TABLET, "9161112233", "FULL")
    assert (raised["id"], raised["level"]) == (by_number["id"], "FULL")
    # the same person under his alias: a separate offer, so nothing ties the two logins
    by_alias = await invite(gql, anna, TABLET, "Boris.P", "LIMITED")
    assert by_alias["id"] != by_number["id"]
    received = (await gql(RECEIVED, token=boris))["data"]["viewer"]["grantsReceived"]
    assert {g["id"] for g in received} == {by_number["id"], by_alias["id"]}
    # accepting one settles both: one grant per person and line
    assert (await respond(gql, boris, by_alias["id"], True))["errors"] == []
    received = (await gql(RECEIVED, token=boris))["data"]["viewer"]["grantsReceived"]
    assert [(g["id"], g["status"], g["level"]) for g in received] == [
        (by_alias["id"], "ACTIVE", "LIMITED")
    ]
    assert (await sees(gql, boris, TABLET))["accessLevel"] == "LIMITED"
    # now that he holds it, the owner changes its level directly
    lowered = await invite(gql, anna, TABLET, "Boris.P", "FULL")
    assert (lowered["id"], lowered["status"], lowered["level"]) == (
        by_alias["id"],
        "ACTIVE",
        "FULL",
    )
    assert (await sees(gql, boris, TABLET))["accessLevel"] == "FULL"


async def test_the_audit_log_names_the_grantee_only_once_they_accepted(gql: GQL, demo) -> None:
    anna, boris = await tokens(gql, "9031234567", "9161112233")
    offer = await invite(gql, anna, MODEM, "9161112233", "LIMITED")
    await invite(gql, anna, MODEM, "9161112233", "FULL")
    await respond(gql, boris, offer["id"], True)
    log = (await gql(AUDIT, {"m": MODEM}, token=anna))["data"]["viewer"]["line"]["auditLog"]
    entries = [
        (e["node"]["action"], e["node"]["actor"]["name"], e["node"]["details"])
        for e in log["edges"]
    ]
    assert entries == [
        (
            "GRANT_ACCEPTED",
            "Борис Петров",
            {"grantee": "Борис Петров", "level": "FULL", "grant": offer["id"]},
        ),
        (
            "LEVEL_CHANGE",
            "Анна Иванова",
            {"login": "9161112233", "from": "LIMITED", "to": "FULL", "grant": offer["id"]},
        ),
        (
            "GRANT",
            "Анна Иванова",
            {"login": "9161112233", "level": "LIMITED", "grant": offer["id"]},
        ),
    ]


async def test_a_decline_does_not_name_the_person_either(gql: GQL, demo) -> None:
    anna, boris = await tokens(gql, "9031234567", "9161112233")
    offer = await invite(gql, anna, MODEM, "9161112233", "LIMITED")
    await respond(gql, boris, offer["id"], False)
    log = (await gql(AUDIT, {"m": MODEM}, token=anna))["data"]["viewer"]["line"]["auditLog"]
    declined = log["edges"][0]["node"]
    assert declined["action"] == "GRANT_DECLINED"
    assert declined["details"] == {"login": "9161112233", "grant": offer["id"]}
    # nor is the one who declined: a "no" must not tell the owner whose login it was
    assert declined["actor"] is None
    assert declined["sessionId"] is None


async def test_a_limited_session_cannot_accept_access_a_full_one_can(
    make_gql, gql: GQL, settings, demo
) -> None:
    galina = (await login(gql, "9162223344"))["accessToken"]
    offer = await invite(gql, galina, "9162223344", "9031234568", "LIMITED")  # to Masha
    network = make_gql(trusted(settings), PROXY)
    opened = await network(NETWORK_LOGIN, headers={"X-MSISDN": "9031234568"})
    limited = opened["data"]["loginWithMobileNetwork"]["accessToken"]
    assert opened["data"]["loginWithMobileNetwork"]["session"]["accessCap"] == "LIMITED"
    refused = await respond(network, limited, offer["id"], True)
    assert refused == {"grant": None, "errors": [{"code": "FORBIDDEN", "field": None}]}
    masha = (await login(gql, "9031234568"))["accessToken"]
    assert await sees(gql, masha, "9162223344") is None
    assert (await respond(gql, masha, offer["id"], True))["errors"] == []
    assert (await sees(gql, masha, "9162223344"))["relations"] == ["DELEGATE"]
