"""The recovery e-mail goes through a real SMTP server (aiosmtpd) and its code confirms it."""

import dataclasses
import re
import socket

import pytest

from i18n import translate
from tests.conftest import GQL
from tests.helpers import login
from tests.smtp import Inbox

UPDATE = 'mutation { updateProfile(input: {email: "anna@example.org"}) { errors { code } } }'
CONFIRM = (
    "mutation($c: String!) { confirmEmail(input: {code: $c}) { user { email } errors { code } } }"
)


@pytest.fixture
async def anna_over_smtp(make_gql, settings, demo, smtp_server) -> tuple[Inbox, GQL, str]:
    """The server's inbox, a hub that mails through it, and Anna's access token."""
    inbox, port = smtp_server
    smtp = dataclasses.replace(settings, email_backend="smtp", smtp_url=f"smtp://127.0.0.1:{port}")
    gql = make_gql(smtp)
    token = (await login(gql, "9031234567"))["accessToken"]
    return inbox, gql, token


async def test_the_confirmation_code_arrives_over_smtp(anna_over_smtp) -> None:
    inbox, gql, token = anna_over_smtp
    assert (await gql(UPDATE, token=token))["data"]["updateProfile"]["errors"] == []
    ((recipients, message),) = inbox.messages
    assert recipients == ["anna@example.org"]
    assert "Confirm your e-mail" in message["Subject"]
    match = re.search(r"Confirmation code: (\d{6})", message.get_content())
    assert match is not None, message.get_content()
    code = match.group(1)
    confirmed = await gql(CONFIRM, {"c": code}, token=token)
    assert confirmed["data"]["confirmEmail"] == {
        "user": {"email": "anna@example.org"},
        "errors": [],
    }


async def test_a_russian_confirmation_survives_smtp_encoding(anna_over_smtp) -> None:
    inbox, gql, token = anna_over_smtp
    answer = await gql(UPDATE, token=token, headers={"Accept-Language": "ru"})
    assert answer["data"]["updateProfile"]["errors"] == []
    ((_, message),) = inbox.messages
    assert message["Subject"] == translate("email_confirmation_subject", "ru")
    match = re.search(r"Код подтверждения: (\d{6})", message.get_content())
    assert match is not None, message.get_content()
    code = match.group(1)
    confirmed = await gql(CONFIRM, {"c": code}, token=token)
    assert confirmed["data"]["confirmEmail"]["errors"] == []


async def test_a_mail_server_that_is_down_changes_nothing(make_gql, settings, demo) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = dataclasses.replace(settings, email_backend="smtp", smtp_url=f"smtp://127.0.0.1:{port}")
    gql = make_gql(down)
    token = (await login(gql, "9031234567"))["accessToken"]
    change = """mutation { updateProfile(input: {name: "Новое имя", email: "anna@example.org"})
      { user { name } errors { code field } } }"""
    answer = (await gql(change, token=token))["data"]["updateProfile"]
    assert answer == {"user": None, "errors": [{"code": "NOT_AVAILABLE", "field": ["email"]}]}
    viewer = await gql("{ viewer { user { name pendingEmail } } }", token=token)
    assert viewer["data"]["viewer"]["user"] == {"name": "Анна Иванова", "pendingEmail": None}


async def test_an_address_list_is_not_an_address(anna_over_smtp) -> None:
    inbox, gql, token = anna_over_smtp
    query = "mutation($e: String) { updateProfile(input: {email: $e}) { errors { code field } } }"
    for address in [
        "anna@example.org,postmaster",
        "postmaster,anna@example.org",
        "<anna@example.org>",
        "Anna <anna@example.org>",
        '"anna"@example.org',
        "anna@example.org;boss@example.org",
    ]:
        answer = await gql(query, {"e": address}, token=token)
        assert answer["data"]["updateProfile"]["errors"] == [
            {"code": "INVALID_INPUT", "field": ["email"]}
        ], address
    assert inbox.messages == []
