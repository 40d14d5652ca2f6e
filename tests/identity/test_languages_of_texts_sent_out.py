"""SMS, USSD answers and e-mail come from the i18n catalogue, in the recipient's language.

Nobody has a stored language: a text to the person who asked follows the request's
Accept-Language; the network's USSD carries none, so its answers and SMS are Russian.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from config import Settings
from i18n import translate
from tests.conftest import GQL
from tests.helpers import (
    REQUEST_PASSWORD,
    login,
    read_outbox,
    sms_to,
    temporary_password_from,
    without_cost,
)

ANNA = "9031234567"
UPDATE_EMAIL = """
mutation U($email: String) { updateProfile(input: {email: $email}) { errors { code } } }
"""
CONFIRM = """
mutation C($code: String!) { confirmEmail(input: {code: $code}) { user { email } errors { code } } }
"""
NETWORK = {"Authorization": "Bearer test-network-key"}


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [("ru", "ru"), ("en", "en"), ("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("en-GB, ru;q=0.5", "en")],
)
async def test_a_temporary_password_comes_in_the_language_it_was_asked_in(
    gql: GQL, demo: dict[str, Any], settings: Settings, accept_language: str, language: str
) -> None:
    answer = await gql(
        REQUEST_PASSWORD, {"login": ANNA}, headers={"Accept-Language": accept_language}
    )
    assert without_cost(answer) == {"data": {"requestPassword": {"errors": []}}}
    (sms,) = sms_to(settings, ANNA)
    password = temporary_password_from(sms)
    assert sms["text"] == translate("temporary_password_sms", language, password=password)
    assert sms["text"].count(password) == 1  # the secret once, in one language
    assert (await login(gql, ANNA, password))["errors"] == []


async def test_the_russian_and_english_password_sms_differ_only_by_language(
    gql: GQL, demo: dict[str, Any], settings: Settings
) -> None:
    await gql(REQUEST_PASSWORD, {"login": ANNA}, headers={"Accept-Language": "ru"})
    await gql(REQUEST_PASSWORD, {"login": ANNA}, headers={"Accept-Language": "en"})
    russian, english = sms_to(settings, ANNA)
    assert russian["text"].startswith("Временный пароль для входа в личный кабинет: ")
    assert english["text"].startswith("Temporary password to log in to your account: ")
    # the newer password replaced the older one, whatever the language
    assert (await login(gql, ANNA, temporary_password_from(russian)))["errors"][0]["code"] == (
        "INVALID_CREDENTIALS"
    )
    assert (await login(gql, ANNA, temporary_password_from(english)))["errors"] == []


async def test_ussd_answers_and_sends_in_russian_whatever_the_network_sends(
    client: httpx.AsyncClient, demo: dict[str, Any], settings: Settings
) -> None:
    headers = {**NETWORK, "Accept-Language": "en"}  # not a language the network speaks for
    sent = await client.post(
        "/network/ussd", json={"msisdn": ANNA, "code": "*110*9#"}, headers=headers
    )
    assert sent.json() == {"text": translate("ussd_password_sent", "ru")}
    (sms,) = sms_to(settings, ANNA)
    password = temporary_password_from(sms)
    assert sms["text"] == translate("temporary_password_sms", "ru", password=password)
    unknown = await client.post(
        "/network/ussd", json={"msisdn": ANNA, "code": "*100#"}, headers=headers
    )
    assert unknown.json() == {"text": translate("ussd_unknown_request", "ru")}
    nobody = await client.post(
        "/network/ussd", json={"msisdn": "9990000000", "code": "*110*9#"}, headers=headers
    )
    assert nobody.json() == {"text": translate("ussd_no_login", "ru")}


async def test_ussd_over_the_limit_says_so_in_russian(
    client: httpx.AsyncClient, demo: dict[str, Any]
) -> None:
    body = {"msisdn": ANNA, "code": "*110*9#"}
    answers = [
        (await client.post("/network/ussd", json=body, headers=NETWORK)).json()["text"]
        for _ in range(4)
    ]
    assert answers[3] == translate("ussd_too_many_requests", "ru")
    assert translate("ussd_too_many_requests", "ru") == "Слишком много запросов. Попробуйте позже."


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_the_confirmation_email_comes_in_the_language_of_the_change(
    gql: GQL, demo: dict[str, Any], settings: Settings, language: str
) -> None:
    token = (await login(gql, ANNA))["accessToken"]
    headers = {"Accept-Language": language}
    changed = await gql(UPDATE_EMAIL, {"email": "anna@example.org"}, token=token, headers=headers)
    assert changed["data"]["updateProfile"]["errors"] == []
    (mail,) = read_outbox(settings.email_outbox)
    code = mail["text"].split(": ", 1)[1][:6]
    link = mail["text"].rsplit("\n", 1)[1]
    assert link.startswith(f"{settings.public_url}/confirm-email?token=")
    assert mail["subject"] == translate("email_confirmation_subject", language)
    assert mail["text"] == translate("email_confirmation_body", language, code=code, link=link)
    confirmed = await gql(CONFIRM, {"code": code}, token=token)
    assert confirmed["data"]["confirmEmail"] == {
        "user": {"email": "anna@example.org"},
        "errors": [],
    }
