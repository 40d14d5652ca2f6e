"""The authorization matrix: every demo viewer x every demo line x every number-scoped
field and mutation found by walking the schema, allowed or denied exactly as API.md
section 5 says. The expected table is written out here, independently of auth/policy.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable
from typing import Any

import pytest
from graphql import get_named_type, is_composite_type
from strawberry.types.base import StrawberryObjectDefinition

from config import Settings
from models import (
    AccessLevel,
    AccessRequest,
    Autopay,
    AutopayMode,
    Card,
    Grant,
    Line,
    Service,
    User,
)
from models.access.requests import ask
from models.autopay import set_autopay
from schema import build_schema
from schema.access.permissions import NOT_NUMBER_SCOPED, UNSCOPED_FIELDS, required_capability
from tests.helpers import accepted_grant, login

# --- API.md section 5, restated --------------------------------------------------------
LIMITED = {"VIEW_SUMMARY", "VIEW_SERVICES", "TOP_UP"}
FULL = LIMITED | {
    "VIEW_USAGE",
    "MANAGE_SERVICES",
    "CHANGE_TARIFF",
    "BLOCK",
    "TRUST_PAYMENT",
    "SEND_SMS",
    "MANAGE_LINE",
}
OWNER = FULL | {"MANAGE_ACCESS"}

ANNA_LINES = ["9031234567", "9031234568", "9031234569", "9031234570", "9031234571", "0891234567"]
LINES = [*ANNA_LINES, "9162223344", "9161112233"]
HOLDER_LOGIN = {
    **dict.fromkeys(ANNA_LINES, "9031234567"),
    "9162223344": "9162223344",
    "9161112233": "9161112233",
}

# API.md section 9: who relates to which number, and so may do what
EXPECTED: dict[str, dict[str, set[str]]] = {
    "anna": dict.fromkeys(ANNA_LINES, OWNER),
    "masha": {"9031234568": LIMITED},
    "petya": {"9031234569": FULL},
    "galina": {"9162223344": OWNER, "9031234568": LIMITED},
    "boris": {"9161112233": OWNER},
    # Anna through the mobile network with the default LIMITED cap: limited everywhere
    "anna-network": dict.fromkeys(ANNA_LINES, LIMITED),
}
LOGINS = {
    "anna": "9031234567",
    "masha": "9031234568",
    "petya": "9031234569",
    "galina": "9162223344",
    "boris": "9161112233",
}


def line_fields() -> dict[str, tuple[str | None, bool]]:
    """Every field of Line with its declared capability; fails on an undeclared one."""
    schema = build_schema(Settings(env="test"))
    definition = schema.get_type_by_name("Line")
    assert isinstance(definition, StrawberryObjectDefinition)
    found: dict[str, tuple[str | None, bool]] = {}
    for field in definition.fields:
        name = schema.config.name_converter.get_graphql_name(field)
        if name in UNSCOPED_FIELDS:
            continue
        declared, capability = required_capability(field)
        assert declared, f"Line.{name} declares no capability: use line_field(...)"
        composite = schema.schema_converter.from_field(field).type
        found[name] = (
            capability.value if capability else None,
            is_composite_type(get_named_type(composite)),
        )
    return found


# What each number-scoped field and mutation needs, from API.md sections 5 and 8 (None:
# any relation to the line). The code's declarations must say exactly this; a field or
# mutation missing here fails the test until someone decides what it needs.
LINE_FIELD_SPEC: dict[str, str | None] = {
    "msisdn": None,
    "label": None,
    "deviceKind": None,
    "status": None,
    "relations": None,
    "accessLevel": None,
    "capabilities": None,
    "balance": "VIEW_SUMMARY",
    "tariff": "VIEW_SUMMARY",
    "remains": "VIEW_SUMMARY",
    "services": "VIEW_SERVICES",
    "transactions": "VIEW_USAGE",  # payments and charges
    "requests": "VIEW_USAGE",  # the request history
    "tariffChangePreview": "CHANGE_TARIFF",
    "block": "VIEW_SUMMARY",  # LIMITED viewers read the block state too
    "notificationSettings": "MANAGE_LINE",
    # the contract (number, home login) and who else has access are the owner's business
    "contract": "MANAGE_ACCESS",
    "mobileNetworkAccess": "MANAGE_ACCESS",
    "grants": "MANAGE_ACCESS",
    "auditLog": "MANAGE_ACCESS",
    # money (API.md section 10)
    "bonusBalance": "VIEW_SUMMARY",
    "payments": "VIEW_USAGE",
    "trustPayment": "TRUST_PAYMENT",
    "autopays": "MANAGE_LINE",
    # usage (API.md section 10)
    "usage": "VIEW_USAGE",
    "expenses": "VIEW_USAGE",
}
# the required arguments of fields that have some (a tariff of the demo catalogue)
FIELD_ARGUMENTS = {
    "tariffChangePreview": '(tariffId: "VGFyaWZmOjE=")',
    "expenses": '(month: "2026-11")',
}
MUTATION_SPEC: dict[str, str] = {
    "grantLineAccess": "MANAGE_ACCESS",
    "revokeLineAccess": "MANAGE_ACCESS",
    "setLineUserAccess": "MANAGE_ACCESS",
    "setMobileNetworkAccess": "MANAGE_ACCESS",
    "respondToAccessRequest": "MANAGE_ACCESS",
    "updateLine": "MANAGE_LINE",
    "setPrimaryLine": "VIEW_SUMMARY",
    "requestTransactionsExport": "VIEW_USAGE",
    "changeTariff": "CHANGE_TARIFF",
    "connectService": "MANAGE_SERVICES",
    "disconnectService": "MANAGE_SERVICES",
    "blockLine": "BLOCK",
    "unblockLine": "BLOCK",
    "sendSms": "SEND_SMS",
    "setLineUserLogin": "MANAGE_ACCESS",
    "topUp": "TOP_UP",
    "setAutopay": "MANAGE_LINE",
    "removeAutopay": "MANAGE_LINE",
    "takeTrustPayment": "TRUST_PAYMENT",
    "requestUsageExport": "VIEW_USAGE",
}


def test_every_line_field_declares_the_capability_the_spec_gives() -> None:
    declared = {name: capability for name, (capability, _) in line_fields().items()}
    assert declared == LINE_FIELD_SPEC


def test_every_mutation_is_either_number_scoped_or_declared_not_to_be() -> None:
    schema = build_schema(Settings(env="test"))
    mutation = schema.get_type_by_name("Mutation")
    assert isinstance(mutation, StrawberryObjectDefinition)
    names: set[str] = set()
    declared: dict[str, str] = {}
    for field in mutation.fields:
        name = schema.config.name_converter.get_graphql_name(field)
        names.add(name)
        is_declared, capability = required_capability(field)
        if is_declared:
            assert capability is not None, name
            declared[name] = capability.value
            assert f"Requires: {capability.value}." in (field.description or ""), name
    undeclared = names - set(declared) - NOT_NUMBER_SCOPED
    assert not undeclared, (
        f"declare these with line_mutation(@requires resolver) or in NOT_NUMBER_SCOPED: "
        f"{undeclared}"
    )
    assert not set(declared) & NOT_NUMBER_SCOPED
    assert names >= NOT_NUMBER_SCOPED, "NOT_NUMBER_SCOPED names a mutation that is gone"
    assert declared == MUTATION_SPEC
    assert set(declared) == set(MUTATIONS), "add the new mutation to MUTATIONS below"


@pytest.fixture
async def viewers(gql, make_gql, settings: Settings, demo) -> dict[str, Callable]:
    """A `call(query, variables)` per viewer, each with its own session."""
    calls: dict[str, Callable] = {}
    for name, who in LOGINS.items():
        token = (await login(gql, who))["accessToken"]
        calls[name] = _bound(gql, token)
    proxy = dataclasses.replace(settings, trusted_proxy_cidrs=(ipaddress.ip_network("10.0.0.0/8"),))
    network = make_gql(proxy, "10.1.2.3")
    answer = await network(
        "mutation { loginWithMobileNetwork { accessToken errors { code } } }",
        headers={"X-MSISDN": "9031234567"},
    )
    calls["anna-network"] = _bound(network, answer["data"]["loginWithMobileNetwork"]["accessToken"])
    return calls


def _bound(gql: Callable, token: str) -> Callable:
    async def call(query: str, variables: dict | None = None) -> dict:
        return await gql(query, variables, token=token)

    return call


@pytest.mark.parametrize("viewer", list(EXPECTED))
async def test_fields_are_allowed_or_denied_exactly_as_the_table_says(viewers, viewer: str) -> None:
    fields = line_fields()
    selection = " ".join(
        f"{n}{FIELD_ARGUMENTS.get(n, '')} {{ __typename }}" if composite else n
        for n, (_, composite) in fields.items()
    )
    call = viewers[viewer]
    for msisdn in LINES:
        result = await call(f'{{ viewer {{ line(msisdn: "{msisdn}") {{ {selection} }} }} }}')
        expected = EXPECTED[viewer].get(msisdn)
        line = result["data"]["viewer"]["line"]
        if expected is None:
            assert line is None, (viewer, msisdn, result)
            assert "errors" not in result, (viewer, msisdn, result)
            continue
        forbidden = {
            e["path"][-1]
            for e in result.get("errors", [])
            if e["extensions"]["code"] == "FORBIDDEN"
        }
        others = [e for e in result.get("errors", []) if e["extensions"]["code"] != "FORBIDDEN"]
        assert not others, others
        for name in fields:
            capability = LINE_FIELD_SPEC[name]
            allowed = capability is None or capability in expected
            if allowed:
                assert name not in forbidden, (viewer, msisdn, name)
            else:
                assert name in forbidden, (viewer, msisdn, name)
                assert line[name] is None, (viewer, msisdn, name)
        assert set(line["capabilities"]) == expected
        assert line["accessLevel"] == ("FULL" if expected >= FULL else "LIMITED")


# --- mutations ----------------------------------------------------------------------------
@dataclasses.dataclass
class Case:
    query: str
    variables: Callable[[str, dict[str, Any]], dict[str, Any]]


MUTATIONS: dict[str, Case] = {
    # granting to the line's own holder is refused after the permission check, so an
    # allowed call changes nothing
    "grantLineAccess": Case(
        "mutation($m: String!, $g: String!) { grantLineAccess(input: {msisdn: $m, grantee: $g,"
        " level: LIMITED}) { errors { code } } }",
        lambda m, fx: {"m": m, "g": HOLDER_LOGIN[m]},
    ),
    "revokeLineAccess": Case(
        "mutation($id: ID!) { revokeLineAccess(input: {grantId: $id}) { errors { code } } }",
        lambda m, fx: {"id": fx["grant_ids"][m]},
    ),
    "setLineUserAccess": Case(
        "mutation($m: String!, $l: AccessLevel!) { setLineUserAccess(input: {msisdn: $m,"
        " level: $l}) { errors { code } } }",
        lambda m, fx: {"m": m, "l": fx["user_levels"][m]},
    ),
    "setMobileNetworkAccess": Case(
        "mutation($m: String!) { setMobileNetworkAccess(input: {msisdn: $m, level: LIMITED})"
        " { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    "updateLine": Case(
        "mutation($m: String!) { updateLine(input: {msisdn: $m, notifyUsage: true})"
        " { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    "setPrimaryLine": Case(
        "mutation($m: String!) { setPrimaryLine(input: {msisdn: $m}) { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    "respondToAccessRequest": Case(
        "mutation($id: ID!) { respondToAccessRequest(input: {requestId: $id, approve: false})"
        " { errors { code } } }",
        lambda m, fx: {"id": fx["request_ids"][m]},
    ),
    # a preview token for another line, tariff or nothing: refused after the permission
    # check as INVALID_INPUT, so an allowed call changes nothing
    "changeTariff": Case(
        'mutation($m: String!) { changeTariff(input: {msisdn: $m, tariffId: "VGFyaWZmOjE=",'
        ' previewToken: "x"}) { errors { code } } }',
        lambda m, fx: {"m": m},
    ),
    # a service of another kind's contract is refused after the check: INCOMPATIBLE
    "connectService": Case(
        "mutation($m: String!, $s: ID!) { connectService(input: {msisdn: $m, serviceId: $s})"
        " { errors { code } } }",
        lambda m, fx: {"m": m, "s": fx["foreign_service_ids"][m]},
    ),
    # a service the line does not have: nothing to disconnect
    "disconnectService": Case(
        "mutation($m: String!, $s: ID!) { disconnectService(input: {msisdn: $m, serviceId: $s})"
        " { errors { code } } }",
        lambda m, fx: {"m": m, "s": fx["foreign_service_ids"][m]},
    ),
    # an end date on a LOST block is refused after the check
    "blockLine": Case(
        "mutation($m: String!) { blockLine(input: {msisdn: $m, reason: LOST,"
        ' until: "2030-01-01T00:00:00Z"}) { errors { code } } }',
        lambda m, fx: {"m": m},
    ),
    # a line that is not blocked: unblocking changes nothing
    "unblockLine": Case(
        "mutation($m: String!) { unblockLine(input: {msisdn: $m}) { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    # to an off-net number: refused after the check
    "sendSms": Case(
        'mutation($m: String!) { sendSms(input: {msisdn: $m, to: "4951234567", text: "hi"})'
        " { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    # switching on what is on changes nothing (or a line without its own user: refused)
    "setLineUserLogin": Case(
        "mutation($m: String!) { setLineUserLogin(input: {msisdn: $m, enabled: true})"
        " { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    "requestTransactionsExport": Case(
        "mutation($m: String!) { requestTransactionsExport(input: {msisdn: $m,"
        ' from: "2026-11-01T00:00:00+03:00", to: "2026-12-01T00:00:00+03:00"})'
        " { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    # below the minimum: refused after the check, nothing is written
    "topUp": Case(
        'mutation($m: String!) { topUp(input: {msisdn: $m, amount: "1.00", idempotencyKey: "m",'
        ' returnUrl: "https://app.example.test/paid"}) { errors { code } } }',
        lambda m, fx: {"m": m},
    ),
    "setAutopay": Case(
        "mutation($m: String!, $c: ID!) { setAutopay(input: {msisdn: $m, cardId: $c,"
        ' mode: THRESHOLD, amount: "1.00", threshold: "100.00"}) { errors { code } } }',
        lambda m, fx: {"m": m, "c": fx["card_id"]},
    ),
    # a third person's autopay on the line: whoever manages the line may stop it
    "removeAutopay": Case(
        "mutation($id: ID!) { removeAutopay(input: {autopayId: $id}) { errors { code } } }",
        lambda m, fx: {"id": fx["autopay_ids"][m]},
    ),
    # a period that ends before it starts: refused after the check, nothing is queued
    "requestUsageExport": Case(
        "mutation($m: String!) { requestUsageExport(input: {msisdn: $m, format: CSV,"
        ' filter: {from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z"}})'
        " { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
    # a malformed key: refused after the check, nothing is lent
    "takeTrustPayment": Case(
        'mutation($m: String!) { takeTrustPayment(input: {msisdn: $m, idempotencyKey: "a b"})'
        " { errors { code } } }",
        lambda m, fx: {"m": m},
    ),
}


# These name a grant or a request by id. Their very existence is MANAGE_ACCESS data
# (Line.grants, viewer.accessRequests), so without it they are not found rather than
# forbidden: a guessed id must not tell a LIMITED delegate who else holds or asks.
BY_HIDDEN_ID = {"revokeLineAccess", "respondToAccessRequest", "removeAutopay"}


def _gid(type_name: str, pk: int) -> str:
    import base64

    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def _fixtures() -> dict[str, Any]:
    """A third person's grant and pending request on every line, for revoke and respond."""
    zoe = await User.get_or_none(name="Zoe") or await User.create(name="Zoe")
    grant_ids, request_ids, user_levels, autopay_ids = {}, {}, {}, {}
    card, _ = await Card.get_or_create(
        owner_id=zoe.id,
        method_id="zoe-card",
        defaults={"mask": "5555 55** **** 4477", "brand": "MASTERCARD", "expires_on": "2099-12-31"},
    )
    for msisdn in LINES:
        line = await Line.get(msisdn=msisdn).select_related("contract__holder")
        row = await Grant.get_or_none(line_id=line.id, grantee_id=zoe.id, revoked_at__isnull=True)
        if row is None:
            row = await accepted_grant(line, zoe, AccessLevel.LIMITED, "zoe")
        grant_ids[msisdn] = _gid("LineGrant", row.id)
        pending = await AccessRequest.get_or_none(
            line_id=line.id, requester_id=zoe.id, status="PENDING"
        )
        if pending is None:
            pending = (await ask(zoe, line, AccessLevel.LIMITED)).request
        request_ids[msisdn] = _gid("AccessRequest", pending.id)
        user_levels[msisdn] = line.user_level
        autopay = await Autopay.get_or_none(line_id=line.id, owner_id=zoe.id, active=True)
        if autopay is None:
            autopay = await set_autopay(
                line.id, zoe.id, card, AutopayMode.THRESHOLD, 300_00, 100_00, None, None
            )
        autopay_ids[msisdn] = _gid("Autopay", autopay.id)
    # a service of the other kind of contract than each line's: INCOMPATIBLE, not connected
    mobile = _gid("Service", (await Service.get(code="static-ip")).id)
    home = _gid("Service", (await Service.get(code="antivirus")).id)
    foreign = {m: home if m.startswith("089") else mobile for m in LINES}
    return {
        "grant_ids": grant_ids,
        "request_ids": request_ids,
        "user_levels": user_levels,
        "foreign_service_ids": foreign,
        "autopay_ids": autopay_ids,
        # someone else's card: the amount is refused before it is looked at
        "card_id": _gid("Card", card.id),
    }


@pytest.mark.parametrize("viewer", list(EXPECTED))
async def test_mutations_are_allowed_or_denied_exactly_as_the_table_says(
    viewers, viewer: str
) -> None:
    call = viewers[viewer]
    for name, case in MUTATIONS.items():
        capability = MUTATION_SPEC[name]
        for msisdn in LINES:
            fx = await _fixtures()
            result = await call(case.query, case.variables(msisdn, fx))
            codes = [e["code"] for e in result["data"][name]["errors"]]
            expected = EXPECTED[viewer].get(msisdn)
            where = (viewer, name, msisdn, codes)
            if expected is None or (capability not in expected and name in BY_HIDDEN_ID):
                assert codes == ["NOT_FOUND"], where
            elif capability not in expected:
                assert codes == ["FORBIDDEN"], where
            else:
                assert not {"FORBIDDEN", "NOT_FOUND"} & set(codes), where
