"""Mobile-network login: only through a trusted proxy, capped by the owner's setting."""

import dataclasses
import ipaddress

from models import AccessLevel, Line, SocialIdentity, User
from models.access.requests import ask
from tests.conftest import GQL
from tests.helpers import VIEWER, login

NETWORK_LOGIN = """
mutation { loginWithMobileNetwork {
  accessToken session { id authMethod accessCap } errors { code } } }
"""
SET_ACCESS = """
mutation S($m: String!, $l: MobileNetworkAccess!) {
  setMobileNetworkAccess(input: {msisdn: $m, level: $l}) { level errors { code } }
}
"""
PROXY = "10.20.0.5"


def trusted(settings):
    return dataclasses.replace(
        settings, trusted_proxy_cidrs=(ipaddress.ip_network("10.20.0.0/16"),)
    )


async def test_a_trusted_proxy_with_a_known_number_logs_in_limited_by_default(
    make_gql, settings, demo
) -> None:
    gql = make_gql(trusted(settings), PROXY)
    result = await gql(NETWORK_LOGIN, headers={"X-MSISDN": "79031234568"})
    payload = result["data"]["loginWithMobileNetwork"]
    assert payload["errors"] == []
    assert payload["session"]["authMethod"] == "MOBILE_NETWORK"
    assert payload["session"]["accessCap"] == "LIMITED"
    viewer = await gql(VIEWER, token=payload["accessToken"])
    assert viewer["data"]["viewer"]["user"]["login"] == "9031234568"


async def test_the_header_from_any_other_peer_is_ignored(make_gql, settings, demo) -> None:
    untrusted = make_gql(trusted(settings), "198.51.100.7")
    result = await untrusted(NETWORK_LOGIN, headers={"X-MSISDN": "9031234567"})
    assert result["data"]["loginWithMobileNetwork"]["errors"] == [{"code": "NOT_AVAILABLE"}]
    # nor can a client fake the proxy through X-Forwarded-For
    forged = await untrusted(
        NETWORK_LOGIN, headers={"X-MSISDN": "9031234567", "X-Forwarded-For": PROXY}
    )
    assert forged["data"]["loginWithMobileNetwork"]["errors"] == [{"code": "NOT_AVAILABLE"}]


async def test_unknown_or_malformed_numbers_are_not_available(make_gql, settings, demo) -> None:
    gql = make_gql(trusted(settings), PROXY)
    for header in ["9990000000", "garbage", ""]:
        result = await gql(NETWORK_LOGIN, headers={"X-MSISDN": header})
        assert result["data"]["loginWithMobileNetwork"]["errors"] == [{"code": "NOT_AVAILABLE"}]


async def test_the_owner_sets_full_limited_or_disabled(make_gql, gql: GQL, settings, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    network = make_gql(trusted(settings), PROXY)
    for level, expected in [("FULL", "FULL"), ("DISABLED", None), ("LIMITED", "LIMITED")]:
        changed = await gql(SET_ACCESS, {"m": "+7 903 123-45-69", "l": level}, token=anna)
        assert changed["data"]["setMobileNetworkAccess"] == {"level": level, "errors": []}
        payload = (await network(NETWORK_LOGIN, headers={"X-MSISDN": "9031234569"}))["data"][
            "loginWithMobileNetwork"
        ]
        if expected is None:
            assert payload["errors"] == [{"code": "NOT_AVAILABLE"}]
        else:
            assert payload["session"]["accessCap"] == expected


async def test_only_the_owner_may_change_it(gql: GQL, demo) -> None:
    masha = (await login(gql, "9031234568"))["accessToken"]
    own = await gql(SET_ACCESS, {"m": "9031234568", "l": "FULL"}, token=masha)
    assert own["data"]["setMobileNetworkAccess"]["errors"] == [{"code": "FORBIDDEN"}]
    boris = (await login(gql, "9161112233"))["accessToken"]
    stranger = await gql(SET_ACCESS, {"m": "9031234568", "l": "FULL"}, token=boris)
    missing = await gql(SET_ACCESS, {"m": "9990000000", "l": "FULL"}, token=boris)
    assert stranger == missing
    assert stranger["data"]["setMobileNetworkAccess"]["errors"] == [{"code": "NOT_FOUND"}]


async def test_a_sim_without_its_own_person_cannot_log_in(make_gql, settings, demo) -> None:
    """Whoever holds the family tablet's SIM is not Anna."""
    gql = make_gql(trusted(settings), PROXY)
    for number in ["9031234570", "9031234571"]:
        result = await gql(NETWORK_LOGIN, headers={"X-MSISDN": number})
        assert result["data"]["loginWithMobileNetwork"]["errors"] == [{"code": "NOT_AVAILABLE"}]


async def test_a_header_the_client_sent_next_to_the_proxys_is_refused(
    client, make_gql, settings, demo
) -> None:
    import httpx

    from app import create_app

    transport = httpx.ASGITransport(
        app=create_app(trusted(settings), manage_database=False), client=(PROXY, 4000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.post(
            "/graphql",
            json={"query": NETWORK_LOGIN},
            headers=[("X-MSISDN", "9031234567"), ("X-MSISDN", "9031234568")],
        )
    errors = response.json()["data"]["loginWithMobileNetwork"]["errors"]
    assert errors == [{"code": "NOT_AVAILABLE"}]


ACCOUNT_CHANGES = {
    "updateProfile": 'updateProfile(input: {alias: "taken-over"}) { errors { code } }',
    "changePassword": 'changePassword(input: {oldPassword: "x", newPassword: "y",'
    ' newPasswordRepeat: "y"}) { errors { code } }',
    "setAccessRequestsAllowed": "setAccessRequestsAllowed(input: {allowed: false})"
    " { errors { code } }",
    "confirmEmail": 'confirmEmail(input: {code: "000000"}) { errors { code } }',
    "respondToGrant": 'respondToGrant(input: {grantId: "TGluZUdyYW50OjE=", accept: true})'
    " { errors { code } }",
}


async def test_a_limited_session_cannot_change_the_account(make_gql, gql, settings, demo) -> None:
    tablet = await Line.get(msisdn="9031234570").select_related("contract__holder")
    await ask(demo["boris"], tablet, AccessLevel.LIMITED)  # waits for Anna's answer
    password_session = await login(gql, "9031234567")
    network = make_gql(trusted(settings), PROXY)
    answer = await network(
        "mutation { loginWithMobileNetwork { accessToken session { id } } }",
        headers={"X-MSISDN": "9031234567"},
    )
    token = answer["data"]["loginWithMobileNetwork"]["accessToken"]
    own_id = answer["data"]["loginWithMobileNetwork"]["session"]["id"]
    for name, selection in ACCOUNT_CHANGES.items():
        result = await network("mutation { " + selection + " }", token=token)
        assert result["data"][name]["errors"] == [{"code": "FORBIDDEN"}], name
    revoke = await network(
        "mutation($id: ID!) { revokeSession(input: {sessionId: $id}) { errors { code } } }",
        {"id": password_session["session"]["id"]},
        token=token,
    )
    assert revoke["data"]["revokeSession"]["errors"] == [{"code": "FORBIDDEN"}]
    lists = "{ viewer { sessions { id } contracts { number } grantsGiven { msisdn }"
    lists += " accessRequests { level } } }"
    seen = await network(lists, token=token)
    assert seen["data"]["viewer"]["sessions"] == [{"id": own_id}]
    assert seen["data"]["viewer"]["contracts"] == []
    assert seen["data"]["viewer"]["grantsGiven"] == []
    assert seen["data"]["viewer"]["accessRequests"] == []
    # what her FULL session sees there
    full = (await gql(lists, token=password_session["accessToken"]))["data"]["viewer"]
    assert len(full["sessions"]) == 2
    assert full["contracts"]
    assert full["grantsGiven"]
    assert full["accessRequests"] == [{"level": "LIMITED"}]
    # and Anna's password session is untouched
    assert (await gql(VIEWER, token=password_session["accessToken"]))["data"]["viewer"]


async def test_the_owners_change_holds_for_sessions_already_open(
    make_gql, gql: GQL, settings, demo
) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    network = make_gql(trusted(settings), PROXY)
    await gql(SET_ACCESS, {"m": "9031234567", "l": "FULL"}, token=anna)
    opened = (await network(NETWORK_LOGIN, headers={"X-MSISDN": "9031234567"}))["data"][
        "loginWithMobileNetwork"
    ]
    assert opened["session"]["accessCap"] == "FULL"
    token = opened["accessToken"]

    await gql(SET_ACCESS, {"m": "9031234567", "l": "LIMITED"}, token=anna)
    seen = await network(VIEWER, token=token)
    assert seen["data"]["viewer"]["session"]["accessCap"] == "LIMITED"

    await gql(SET_ACCESS, {"m": "9031234567", "l": "DISABLED"}, token=anna)
    refused = await network(VIEWER, token=token)
    assert refused["errors"][0]["extensions"]["code"] == "SESSION_REVOKED"
    # Anna's own password session is not a network session: it goes on
    assert (await gql(VIEWER, token=anna))["data"]["viewer"]["user"]["login"] == "9031234567"


ACCOUNT_DATA = """
query($id: ID!) { viewer { user { email pendingEmail socialIdentities { displayName } } }
  node(id: $id) { ... on Session { authMethod } } }
"""


async def test_a_limited_session_reads_no_account_wide_data(make_gql, gql, settings, demo) -> None:
    """Her e-mail, her bound accounts and her other sessions are the account's, not the
    number's: a FULL session of hers sees them, her LIMITED network session does not."""
    anna = demo["anna"]
    await User.filter(id=anna.id).update(email="anna.private@example.org")
    await SocialIdentity.create(
        user=anna, provider="vk", issuer="https://id.vk.com", subject="1", display_name="Anna VK"
    )
    password = await login(gql, "9031234567")
    network = make_gql(trusted(settings), PROXY)
    opened = await network(NETWORK_LOGIN, headers={"X-MSISDN": "9031234567"})
    limited = opened["data"]["loginWithMobileNetwork"]["accessToken"]
    password_session = {"id": password["session"]["id"]}

    full_view = await gql(ACCOUNT_DATA, password_session, token=password["accessToken"])
    assert full_view["data"]["viewer"]["user"] == {
        "email": "anna.private@example.org",
        "pendingEmail": None,
        "socialIdentities": [{"displayName": "Anna VK"}],
    }
    assert full_view["data"]["node"] == {"authMethod": "PASSWORD"}

    limited_view = await network(ACCOUNT_DATA, password_session, token=limited)
    assert limited_view["data"]["viewer"]["user"] == {
        "email": None,
        "pendingEmail": None,
        "socialIdentities": [],
    }
    assert limited_view["data"]["node"] is None
    own = await network(
        ACCOUNT_DATA,
        {"id": opened["data"]["loginWithMobileNetwork"]["session"]["id"]},
        token=limited,
    )
    assert own["data"]["node"] == {"authMethod": "MOBILE_NETWORK"}
