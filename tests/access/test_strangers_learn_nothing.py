"""Boris, trying every id and number he can think of, learns nothing about the family."""

import base64

from models import AccessLevel, Grant, Line
from models.access.requests import ask
from tests.conftest import GQL
from tests.helpers import accepted_grant, login, without_cost

FAMILY = ["9031234567", "9031234568", "9031234569", "9031234570", "9031234571", "0891234567"]
NOBODY = ["9031230000", "9035550000", "0891230000"]
FORMS = ["+7 {a} {b}-{c}-{d}", "8 ({a}) {b}{c}{d}", "7{a}{b}{c}{d}", "{a}{b}{c}{d}"]


def forms(msisdn: str) -> list[str]:
    a, b, c, d = msisdn[:3], msisdn[3:6], msisdn[6:8], msisdn[8:]
    return [f.format(a=a, b=b, c=c, d=d) for f in FORMS] if msisdn[0] == "9" else [msisdn]


def gid(type_name: str, pk: int | str) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


MUTATIONS = [
    'updateLine(input: {msisdn: "%s", label: "mine"}) { errors { code } }',
    'setPrimaryLine(input: {msisdn: "%s"}) { errors { code } }',
    'setLineUserAccess(input: {msisdn: "%s", level: FULL}) { errors { code } }',
    'setMobileNetworkAccess(input: {msisdn: "%s", level: FULL}) { errors { code } }',
    'grantLineAccess(input: {msisdn: "%s", grantee: "9161112233", level: FULL})'
    " { errors { code } }",
]


async def test_line_by_number_is_null_for_family_and_for_nobody_alike(gql: GQL, demo) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    for msisdn in FAMILY + NOBODY:
        for typed in forms(msisdn):
            result = await gql(
                "query($m: String!) { viewer { line(msisdn: $m) { id } } }",
                {"m": typed},
                token=boris,
            )
            assert without_cost(result) == {"data": {"viewer": {"line": None}}}, typed


async def test_node_and_nodes_with_guessed_ids_are_null(gql: GQL, demo) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    family_ids = [line.id for line in await Line.filter(msisdn__in=FAMILY)]
    pks: list[int | str] = [*family_ids, 0, 999, -1, "x"]
    guesses = [gid("Line", pk) for pk in pks]
    # ids naming an interface or a type that is no node have no rows either
    guesses += [gid("Node", 1), gid("Viewer", 1), gid("Money", 1), gid("NoSuchType", 1)]
    for guess in guesses:
        result = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": guess}, token=boris)
        assert without_cost(result) == {"data": {"node": None}}, guess
    many = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": guesses}, token=boris
    )
    assert without_cost(many) == {"data": {"nodes": [None] * len(guesses)}}
    anonymous = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": guesses[0]})
    assert without_cost(anonymous) == {"data": {"node": None}}


async def test_his_own_line_list_holds_only_his_number(gql: GQL, demo) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    result = await gql(
        "{ viewer { lines { totalCount edges { node { msisdn } } } "
        "grantsReceived { msisdn } accessRequests { id } } }",
        token=boris,
    )
    viewer = result["data"]["viewer"]
    assert viewer["lines"] == {"totalCount": 1, "edges": [{"node": {"msisdn": "9161112233"}}]}
    assert viewer["grantsReceived"] == []
    assert viewer["accessRequests"] == []


async def test_mutations_on_family_numbers_answer_like_numbers_that_do_not_exist(
    gql: GQL, demo
) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    for template in MUTATIONS:
        answers = set()
        for msisdn in FAMILY + NOBODY:
            result = await gql("mutation { " + template % msisdn + " }", token=boris)
            (payload,) = result["data"].values()
            answers.add(str(payload))
        assert answers == {"{'errors': [{'code': 'NOT_FOUND'}]}"}, template
    assert not await Line.filter(msisdn__in=FAMILY, label="mine").exists()


async def test_guessed_grant_and_request_ids_are_not_found(gql: GQL, demo) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    for pk in range(1, 6):
        revoke = await gql(
            "mutation($id: ID!) { revokeLineAccess(input: {grantId: $id}) { errors { code } } }",
            {"id": gid("LineGrant", pk)},
            token=boris,
        )
        assert revoke["data"]["revokeLineAccess"]["errors"] == [{"code": "NOT_FOUND"}]
        respond = await gql(
            "mutation($id: ID!) { respondToAccessRequest(input: {requestId: $id,"
            " approve: true}) { errors { code } } }",
            {"id": gid("AccessRequest", pk)},
            token=boris,
        )
        assert respond["data"]["respondToAccessRequest"]["errors"] == [{"code": "NOT_FOUND"}]


async def test_a_limited_viewer_cannot_tell_a_real_grant_or_request_id_from_a_guess(
    gql: GQL, demo
) -> None:
    """Who else holds Masha's line, or asks for it, is Anna's business alone."""
    masha_line = await Line.get(msisdn="9031234568").select_related("contract__holder")
    boris = demo["boris"]
    quiet = await accepted_grant(masha_line, boris, AccessLevel.FULL, "9161112233")
    asked = (await ask(boris, masha_line, AccessLevel.LIMITED)).request
    revoke = "mutation($id: ID!) { revokeLineAccess(input: {grantId: $id}) { errors { code } } }"
    respond = (
        "mutation($id: ID!) { respondToAccessRequest(input: {requestId: $id, approve: false})"
        " { errors { code } } }"
    )
    for who in ("9162223344", "9031234568"):  # Galina (LIMITED delegate), Masha (LIMITED user)
        token = (await login(gql, who))["accessToken"]
        for query, type_name, real in [
            (revoke, "LineGrant", quiet.id),
            (respond, "AccessRequest", asked.id),
        ]:
            answers = [
                await gql(query, {"id": gid(type_name, pk)}, token=token) for pk in (real, 99_999)
            ]
            assert answers[0] == answers[1], (who, type_name)
    assert await Grant.filter(id=quiet.id, revoked_at__isnull=True).exists()
    # and the owner, who may, still can
    anna = (await login(gql, "9031234567"))["accessToken"]
    done = await gql(revoke, {"id": gid("LineGrant", quiet.id)}, token=anna)
    assert done["data"]["revokeLineAccess"]["errors"] == []
