"""The recovery e-mail goes through a real SMTP server (aiosmtpd) and its code confirms it."""

import dataclasses
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import login

UPDATE = 'mutation { updateProfile(input: {email: "anna@example.org"}) { errors { code } } }'
CONFIRM = (
    "mutation($c: String!) { confirmEmail(input: {code: $c}) { user { email } errors { code } } }"
)


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd hook name
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default))
        )
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_the_confirmation_code_arrives_over_smtp(
    make_gql, settings, demo, smtp_server
) -> None:
    inbox, port = smtp_server
    smtp = dataclasses.replace(settings, email_backend="smtp", smtp_url=f"smtp://127.0.0.1:{port}")
    gql = make_gql(smtp)
    token = (await login(gql, "9031234567"))["accessToken"]
    assert (await gql(UPDATE, token=token))["data"]["updateProfile"]["errors"] == []
    ((recipients, message),) = inbox.messages
    assert recipients == ["anna@example.org"]
    assert "Confirm your e-mail" in message["Subject"]
    code = re.search(r"Confirmation code: (\d{6})", message.get_content()).group(1)
    confirmed = await gql(CONFIRM, {"c": code}, token=token)
    assert confirmed["data"]["confirmEmail"] == {
        "user": {"email": "anna@example.org"},
        "errors": [],
    }
