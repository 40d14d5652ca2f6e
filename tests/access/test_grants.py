"""Grant, revoke and levels: what the owner does, and what a delegate sees next request."""

from tests.conftest import GQL
from tests.helpers import login

GRANT = """
mutation G($m: String!, $g: String!, $l: AccessLevel!) {
  grantLineAccess(input: {msisdn: $m, grantee: $g, level: $l}) {
    grant { id msisdn level grantee { name } } errors { code field }
  }
}
"""
REVOKE = """
mutation R($id: ID!) { revokeLineAccess(input: {grantId: $id}) { grant { id } errors { code } } }
"""
ACCEPT = """
mutation A($id: ID!) { respondToGrant(input: {grantId: $id, accept: true}) { errors { code } } }
"""
USER_LEVEL = """
mutation U($m: String!, $l: AccessLevel!) {
  setLineUserAccess(input: {msisdn: $m, level: $l}) { line { accessLevel } errors { code } }
}
"""
LINE = """
query L($m: String!) { viewer { line(msisdn: $m) { msisdn accessLevel relations
  balance { amount } transactions(first: 1) { totalCount } } } }
"""
AUDIT = """
query A($m: String!) { viewer { line(msisdn: $m) { auditLog(first: 10) { totalCount
  edges { node { action actor { name } sessionId details } } } } } }
"""
OVERVIEW = """
{ viewer { grantsGiven { msisdn level grantee { name } }
           grantsReceived { msisdn level } contracts { number kind login } } }
"""


async def tokens(gql: GQL, *who: str) -> list[str]:
    return [(await login(gql, w))["accessToken"] for w in who]


async def test_owner_grants_full_and_the_grantee_sees_the_line_next_request(gql: GQL, demo) -> None:
    anna, boris = await tokens(gql, "9031234567", "9161112233")
    assert (await gql(LINE, {"m": "9031234570"}, token=boris))["data"]["viewer"]["line"] is None
    given = await gql(
        GRANT, {"m": "+7 903 123-45-70", "g": "8 916 111 22 33", "l": "FULL"}, token=anna
    )
    payload = given["data"]["grantLineAccess"]
    assert payload["errors"] == []
    assert payload["grant"]["msisdn"] == "9031234570"
    # an invitation: nothing yet, and the owner does not learn who the login is
    assert payload["grant"]["grantee"] is None
    assert (await gql(LINE, {"m": "9031234570"}, token=boris))["data"]["viewer"]["line"] is None
    accepted = await gql(ACCEPT, {"id": payload["grant"]["id"]}, token=boris)
    assert accepted["data"]["respondToGrant"]["errors"] == []
    seen = (await gql(LINE, {"m": "9031234570"}, token=boris))["data"]["viewer"]["line"]
    assert seen["relations"] == ["DELEGATE"]
    assert seen["accessLevel"] == "FULL"
    assert seen["transactions"]["totalCount"] >= 2

    revoked = await gql(REVOKE, {"id": payload["grant"]["id"]}, token=anna)
    assert revoked["data"]["revokeLineAccess"]["errors"] == []
    # the very next request of the former delegate: the line is gone
    assert (await gql(LINE, {"m": "9031234570"}, token=boris))["data"]["viewer"]["line"] is None
    again = await gql(REVOKE, {"id": payload["grant"]["id"]}, token=anna)
    assert again["data"]["revokeLineAccess"]["errors"] == [{"code": "NOT_FOUND"}]


async def test_a_level_change_takes_effect_on_the_next_request(gql: GQL, demo) -> None:
    anna, galina = await tokens(gql, "9031234567", "9162223344")
    before = await gql(LINE, {"m": "9031234568"}, token=galina)
    assert before["data"]["viewer"]["line"]["transactions"] is None
    assert before["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    changed = await gql(GRANT, {"m": "9031234568", "g": "9162223344", "l": "FULL"}, token=anna)
    assert changed["data"]["grantLineAccess"]["grant"]["level"] == "FULL"
    after = await gql(LINE, {"m": "9031234568"}, token=galina)
    assert "errors" not in after
    assert after["data"]["viewer"]["line"]["accessLevel"] == "FULL"


async def test_a_delegate_cannot_re_delegate(gql: GQL, demo) -> None:
    anna, galina = await tokens(gql, "9031234567", "9162223344")
    await gql(GRANT, {"m": "9031234568", "g": "9162223344", "l": "FULL"}, token=anna)
    attempt = await gql(GRANT, {"m": "9031234568", "g": "9161112233", "l": "LIMITED"}, token=galina)
    assert attempt["data"]["grantLineAccess"]["errors"] == [
        {"code": "FORBIDDEN", "field": ["msisdn"]}
    ]
    overview = (await gql(OVERVIEW, token=anna))["data"]["viewer"]
    assert [g["grantee"]["name"] for g in overview["grantsGiven"]] == ["Галина Петровна"]


async def test_the_owner_cannot_lose_ownership_through_any_mutation(gql: GQL, demo) -> None:
    (anna,) = await tokens(gql, "9031234567")
    to_self = await gql(GRANT, {"m": "9031234567", "g": "9031234567", "l": "LIMITED"}, token=anna)
    assert to_self["data"]["grantLineAccess"]["errors"][0]["code"] == "INVALID_INPUT"
    own_level = await gql(USER_LEVEL, {"m": "9031234567", "l": "LIMITED"}, token=anna)
    assert own_level["data"]["setLineUserAccess"]["errors"] == [{"code": "INVALID_INPUT"}]
    line = (await gql(LINE, {"m": "9031234567"}, token=anna))["data"]["viewer"]["line"]
    assert line["relations"] == ["OWNER"]
    assert line["accessLevel"] == "FULL"


async def test_the_owner_sets_a_childs_own_level(gql: GQL, demo) -> None:
    anna, petya = await tokens(gql, "9031234567", "9031234569")
    assert (await gql(LINE, {"m": "9031234569"}, token=petya))["data"]["viewer"]["line"][
        "accessLevel"
    ] == "FULL"
    changed = await gql(USER_LEVEL, {"m": "9031234569", "l": "LIMITED"}, token=anna)
    assert changed["data"]["setLineUserAccess"] == {"line": {"accessLevel": "FULL"}, "errors": []}
    after = await gql(LINE, {"m": "9031234569"}, token=petya)
    assert after["data"]["viewer"]["line"]["accessLevel"] == "LIMITED"
    assert after["data"]["viewer"]["line"]["transactions"] is None
    # Petya cannot raise himself back
    self_raise = await gql(USER_LEVEL, {"m": "9031234569", "l": "FULL"}, token=petya)
    assert self_raise["data"]["setLineUserAccess"]["errors"] == [{"code": "FORBIDDEN"}]


async def test_every_change_is_in_the_audit_log_the_owner_reads(gql: GQL, demo) -> None:
    anna, galina = await tokens(gql, "9031234567", "9162223344")
    granted = await gql(GRANT, {"m": "9031234571", "g": "9162223344", "l": "LIMITED"}, token=anna)
    await gql(GRANT, {"m": "9031234571", "g": "9162223344", "l": "FULL"}, token=anna)
    await gql(REVOKE, {"id": granted["data"]["grantLineAccess"]["grant"]["id"]}, token=anna)
    log = (await gql(AUDIT, {"m": "9031234571"}, token=anna))["data"]["viewer"]["line"]["auditLog"]
    actions = [e["node"]["action"] for e in log["edges"]]
    assert actions == ["REVOKE", "LEVEL_CHANGE", "GRANT"]
    assert {e["node"]["actor"]["name"] for e in log["edges"]} == {"Анна Иванова"}
    assert all(e["node"]["sessionId"] for e in log["edges"])
    assert log["edges"][1]["node"]["details"]["to"] == "FULL"
    # people by name, grants by the global id the API gives them: no row ids (issue 11)
    granted_id = granted["data"]["grantLineAccess"]["grant"]["id"]
    # grants by their global id; the grantee by the login typed until they accept
    assert log["edges"][0]["node"]["details"] == {"login": "9162223344", "grant": granted_id}
    assert log["edges"][2]["node"]["details"]["login"] == "9162223344"
    # a LIMITED delegate does not read the audit log
    masha_line = await gql(AUDIT, {"m": "9031234568"}, token=galina)
    assert masha_line["data"]["viewer"]["line"]["auditLog"] is None
    assert masha_line["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_delegate_may_give_up_their_own_grant(gql: GQL, demo) -> None:
    (galina,) = await tokens(gql, "9162223344")
    received = await gql("{ viewer { grantsReceived { msisdn } } }", token=galina)
    assert received["data"]["viewer"]["grantsReceived"] == [{"msisdn": "9031234568"}]
    anna_token = (await tokens(gql, "9031234567"))[0]
    grant_id = (
        await gql(
            OVERVIEW.replace("msisdn level grantee", "id msisdn level grantee"), token=anna_token
        )
    )["data"]["viewer"]["grantsGiven"][0]["id"]
    gone = await gql(REVOKE, {"id": grant_id}, token=galina)
    assert gone["data"]["revokeLineAccess"]["errors"] == []
    assert (await gql(LINE, {"m": "9031234568"}, token=galina))["data"]["viewer"]["line"] is None


async def test_grant_input_errors_change_nothing(gql: GQL, demo) -> None:
    (anna,) = await tokens(gql, "9031234567")
    cases = [
        ({"m": "9031234570", "g": "", "l": "FULL"}, "INVALID_INPUT", ["grantee"]),
        ({"m": "9031234570", "g": "x" * 65, "l": "FULL"}, "INVALID_INPUT", ["grantee"]),
        ({"m": "9031234570", "g": "+7 (903", "l": "FULL"}, "INVALID_INPUT", ["grantee"]),
        ({"m": "903", "g": "9161112233", "l": "FULL"}, "INVALID_INPUT", ["msisdn"]),
    ]
    for variables, code, field in cases:
        result = await gql(GRANT, variables, token=anna)
        assert result["data"]["grantLineAccess"]["errors"] == [{"code": code, "field": field}]
    overview = (await gql(OVERVIEW, token=anna))["data"]["viewer"]
    assert len(overview["grantsGiven"]) == 1  # only the demo's grant to Galina
    assert [c["kind"] for c in overview["contracts"]] == ["MOBILE", "HOME_INTERNET"]


async def test_user_level_network_access_and_consent_are_audited_too(gql: GQL, demo, settings):
    from tests.access.test_requests import CONFIRM, ask, code_in
    from tests.helpers import sms_to

    anna, boris = await tokens(gql, "9031234567", "9161112233")
    await gql(USER_LEVEL, {"m": "9031234569", "l": "LIMITED"}, token=anna)
    await gql(
        'mutation { setMobileNetworkAccess(input: {msisdn: "9031234569", level: DISABLED})'
        " { errors { code } } }",
        token=anna,
    )
    asked = await ask(gql, boris, "9031234569", "LIMITED")
    code = code_in(sms_to(settings, "9031234569")[-1])
    await gql(CONFIRM, {"id": asked["request"]["id"], "code": code}, token=boris)
    log = (await gql(AUDIT, {"m": "9031234569"}, token=anna))["data"]["viewer"]["line"]["auditLog"]
    entries = [(e["node"]["action"], e["node"]["actor"]["name"]) for e in log["edges"]]
    assert entries == [
        ("REQUEST_CONFIRMED", "Борис Петров"),
        ("NETWORK_ACCESS_CHANGE", "Анна Иванова"),
        ("USER_LEVEL_CHANGE", "Анна Иванова"),
    ]
    assert all(e["node"]["sessionId"] for e in log["edges"])
    assert log["edges"][1]["node"]["details"] == {"from": "LIMITED", "to": "DISABLED"}


async def test_node_returns_a_visible_line_with_the_viewers_own_limits(gql: GQL, demo) -> None:
    anna, galina = await tokens(gql, "9031234567", "9162223344")
    query = (
        "query($id: ID!) { node(id: $id) { ... on Line { msisdn transactions { totalCount } } } }"
    )
    lines = await gql("{ viewer { lines { edges { node { id msisdn } } } } }", token=anna)
    masha_id = next(
        e["node"]["id"]
        for e in lines["data"]["viewer"]["lines"]["edges"]
        if e["node"]["msisdn"] == "9031234568"
    )
    as_owner = await gql(query, {"id": masha_id}, token=anna)
    assert as_owner["data"]["node"]["msisdn"] == "9031234568"
    assert as_owner["data"]["node"]["transactions"]["totalCount"] >= 2
    as_limited = await gql(query, {"id": masha_id}, token=galina)
    assert as_limited["data"]["node"] == {"msisdn": "9031234568", "transactions": None}
    assert as_limited["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_grants_are_throttled_per_person_and_a_refused_one_changes_nothing(
    gql: GQL, demo
) -> None:
    """30 an hour: it also bounds how fast an owner could probe which logins exist."""
    (anna,) = await tokens(gql, "9031234567")
    levels = ["FULL", "LIMITED"] * 15
    for level in levels:
        done = await gql(GRANT, {"m": "9031234569", "g": "9161112233", "l": level}, token=anna)
        assert done["data"]["grantLineAccess"]["errors"] == []
    refused = await gql(GRANT, {"m": "9031234569", "g": "9161112233", "l": "FULL"}, token=anna)
    assert refused["data"]["grantLineAccess"]["errors"] == [{"code": "RATE_LIMITED", "field": None}]
    overview = (await gql(OVERVIEW, token=anna))["data"]["viewer"]["grantsGiven"]
    assert {"msisdn": "9031234569", "level": "LIMITED", "grantee": None} in overview
