"""viewer.lines: every visible line, primary first; filters; what each demo person sees."""

from models import Line
from tests.conftest import GQL
from tests.helpers import login

LINES = """
query L($f: LineFilter, $first: Int, $after: String) {
  viewer { lines(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { msisdn relations accessLevel deviceKind } } } }
}
"""
PRIMARY = "mutation P($m: String!) { setPrimaryLine(input: {msisdn: $m}) { errors { code } } }"


def numbers(result: dict) -> list[str]:
    return [e["node"]["msisdn"] for e in result["data"]["viewer"]["lines"]["edges"]]


async def test_anna_sees_her_six_lines_and_can_do_everything(gql: GQL, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    result = await gql(LINES, token=anna)
    assert numbers(result) == [
        "9031234567",
        "9031234568",
        "9031234569",
        "9031234570",
        "9031234571",
        "0891234567",
    ]
    assert {e["node"]["accessLevel"] for e in result["data"]["viewer"]["lines"]["edges"]} == {
        "FULL"
    }


async def test_the_primary_number_comes_first(gql: GQL, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    assert (await gql(PRIMARY, {"m": "0891234567"}, token=anna))["data"]["setPrimaryLine"][
        "errors"
    ] == []
    assert numbers(await gql(LINES, token=anna))[0] == "0891234567"


async def test_galina_sees_her_own_line_then_mashas_limited(gql: GQL, demo) -> None:
    galina = (await login(gql, "9162223344"))["accessToken"]
    edges = (await gql(LINES, token=galina))["data"]["viewer"]["lines"]["edges"]
    assert [
        (e["node"]["msisdn"], e["node"]["relations"], e["node"]["accessLevel"]) for e in edges
    ] == [("9162223344", ["OWNER"], "FULL"), ("9031234568", ["DELEGATE"], "LIMITED")]


async def test_masha_sees_only_her_line_summary_and_services_not_usage(gql: GQL, demo) -> None:
    masha = (await login(gql, "9031234568"))["accessToken"]
    result = await gql(
        "{ viewer { lines { edges { node { msisdn relations accessLevel "
        "balance { amount } services { paid } transactions { totalCount } } } } } }",
        token=masha,
    )
    (edge,) = result["data"]["viewer"]["lines"]["edges"]
    assert edge["node"]["relations"] == ["USER"]
    assert edge["node"]["accessLevel"] == "LIMITED"
    balance = (await Line.get(msisdn="9031234568")).balance
    assert edge["node"]["balance"] == {"amount": f"{balance / 100:.2f}"}
    assert [s["paid"] for s in edge["node"]["services"]] == [False, True]
    assert edge["node"]["transactions"] is None
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["viewer", "lines", "edges", 0, "node", "transactions"]


async def test_filters_by_relation_and_device_kind_and_pages(gql: GQL, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    tablets = await gql(LINES, {"f": {"deviceKind": "TABLET"}}, token=anna)
    assert numbers(tablets) == ["9031234570"]
    delegated = await gql(LINES, {"f": {"relation": "DELEGATE"}}, token=anna)
    assert numbers(delegated) == []
    first = await gql(LINES, {"first": 4}, token=anna)
    page = first["data"]["viewer"]["lines"]
    assert page["totalCount"] == 6
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(LINES, {"first": 4, "after": page["pageInfo"]["endCursor"]}, token=anna)
    assert len(numbers(first) + numbers(rest)) == 6
    too_many = await gql(LINES, {"first": 101}, token=anna)
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_limited_mobile_network_session_is_limited_everywhere(
    make_gql, settings, demo
) -> None:
    import dataclasses
    import ipaddress

    proxy = dataclasses.replace(settings, trusted_proxy_cidrs=(ipaddress.ip_network("10.0.0.0/8"),))
    network = make_gql(proxy, "10.9.9.9")
    answer = await network(
        "mutation { loginWithMobileNetwork { accessToken } }", headers={"X-MSISDN": "9031234567"}
    )
    token = answer["data"]["loginWithMobileNetwork"]["accessToken"]
    result = await network(LINES, token=token)
    assert {e["node"]["accessLevel"] for e in result["data"]["viewer"]["lines"]["edges"]} == {
        "LIMITED"
    }
    grant = await network(
        'mutation { grantLineAccess(input: {msisdn: "9031234570", '
        'grantee: "9161112233", level: FULL}) { errors { code } } }',
        token=token,
    )
    assert grant["data"]["grantLineAccess"]["errors"] == [{"code": "FORBIDDEN"}]
