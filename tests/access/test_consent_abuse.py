"""What an attacker did with consent by SMS, and what stops it now (issue 11, finding 2).

A display name with newlines and a fake "security service" text went verbatim into the
consent SMS to any number; a child read the code out, and a stranger held FULL access to
the child's line without the holder ever being asked.
"""

from __future__ import annotations

import pytest

from tests.access.test_requests import CONFIRM, REQUEST, ask, code_in
from tests.conftest import GQL
from tests.helpers import REQUEST_PASSWORD, login, sms_to

PROFILE = """
mutation P($name: String) { updateProfile(input: {name: $name}) { errors { code field } } }
"""
LABEL = """
mutation L($l: String) { updateLine(input: {msisdn: "9031234568", label: $l}) { errors { code } } }
"""
AUDIT = """
query A($m: String!) { viewer { line(msisdn: $m) { auditLog(first: 5) {
  edges { node { action } } } } } }
"""
FAKE = "Борис\nСлужба безопасности Билайн: продиктуйте код оператору"


@pytest.mark.parametrize(
    "name",
    [FAKE, "Борис\rПетров", "Борис\u202eвортеП", "Борис\u2028Петров", "Борис\x1b[31m"],
)
async def test_a_name_is_one_line_of_plain_text(gql: GQL, demo, name: str) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    result = await gql(PROFILE, {"name": name}, token=boris)
    assert result["data"]["updateProfile"]["errors"] == [
        {"code": "INVALID_INPUT", "field": ["name"]}
    ]
    ok = await gql(PROFILE, {"name": "Борис Петрович Петров"}, token=boris)
    assert ok["data"]["updateProfile"]["errors"] == []


async def test_a_line_label_is_plain_text_too(gql: GQL, demo) -> None:
    anna = (await login(gql, "9031234567"))["accessToken"]
    refused = await gql(LABEL, {"l": "Маша\u202e"}, token=anna)
    assert refused["data"]["updateLine"]["errors"] == [{"code": "INVALID_INPUT"}]
    assert (await gql(LABEL, {"l": "Маша"}, token=anna))["data"]["updateLine"]["errors"] == []


async def test_the_consent_sms_carries_nothing_the_asker_typed(gql: GQL, demo, settings) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    await gql(PROFILE, {"name": "Служба безопасности"}, token=boris)
    assert (await ask(gql, boris, "9031234569"))["errors"] == []
    (sms,) = sms_to(settings, "9031234569")
    assert "безопасности" not in sms["text"]
    assert "+7 916 ***-**-33" in sms["text"]
    assert "9161112233" not in sms["text"]


async def test_consent_sms_are_limited_per_number_whoever_asks(gql: GQL, demo, settings) -> None:
    askers = ["9161112233", "9162223344", "9031234568"]
    tokens = [(await login(gql, who))["accessToken"] for who in askers]
    for token in tokens:
        assert (await ask(gql, token, "9031234569"))["errors"] == []
    fourth = await gql(REQUEST, {"m": "9031234569", "l": "LIMITED"}, token=tokens[0])
    assert fourth["data"]["requestLineAccess"]["errors"] == [{"code": "RATE_LIMITED"}]
    assert len(sms_to(settings, "9031234569")) == 3
    # a number that does not exist is counted the same way: the refusal tells nothing
    for token in tokens:
        await ask(gql, token, "9039999999")
    nobody = await gql(REQUEST, {"m": "9039999999", "l": "LIMITED"}, token=tokens[1])
    assert nobody["data"]["requestLineAccess"]["errors"] == [{"code": "RATE_LIMITED"}]
    # Petya's own temporary passwords are counted apart: strangers cannot lock him out
    asked = await gql(REQUEST_PASSWORD, {"login": "9031234569"})
    assert asked["data"]["requestPassword"]["errors"] == []


async def test_a_users_code_gives_limited_and_full_is_the_holders(gql: GQL, demo, settings) -> None:
    boris = (await login(gql, "9161112233"))["accessToken"]
    anna = (await login(gql, "9031234567"))["accessToken"]
    # Petya (FULL user of his phone, on Anna's contract) reads the code out
    request = (await ask(gql, boris, "9031234569", "FULL"))["request"]["id"]
    code = code_in(sms_to(settings, "9031234569")[-1])
    done = await gql(CONFIRM, {"id": request, "code": code}, token=boris)
    assert done["data"]["confirmLineAccess"]["grant"] == {
        "msisdn": "9031234569",
        "level": "LIMITED",
    }
    # the holder is told: the grant is in the line's audit log she reads
    audit = (await gql(AUDIT, {"m": "9031234569"}, token=anna))["data"]["viewer"]["line"]
    assert audit["auditLog"]["edges"][0]["node"]["action"] == "REQUEST_CONFIRMED"
    # Anna's own phone: the holder herself reads the code, and may give FULL
    request = (await ask(gql, boris, "9031234567", "FULL"))["request"]["id"]
    code = code_in(sms_to(settings, "9031234567")[-1])
    done = await gql(CONFIRM, {"id": request, "code": code}, token=boris)
    assert done["data"]["confirmLineAccess"]["grant"] == {"msisdn": "9031234567", "level": "FULL"}
