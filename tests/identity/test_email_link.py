"""The link in the confirmation e-mail confirms the address (issue 11: it was a 404).

Opening it asks; only the button confirms (mail scanners open links); a link that is
wrong, used or expired changes nothing and says so."""

from __future__ import annotations

import re

import httpx

from models import EmailConfirmation, User
from tests.conftest import GQL, settled
from tests.helpers import login, read_outbox

UPDATE = 'mutation { updateProfile(input: {email: "anna@example.org"}) { errors { code } } }'


async def mailed_link(gql: GQL, app, settings) -> str:
    token = (await login(gql, "9031234567"))["accessToken"]
    assert (await gql(UPDATE, token=token))["data"]["updateProfile"]["errors"] == []
    await settled(app)
    (mail,) = read_outbox(settings.email_outbox)
    match = re.search(r"(https?://\S+/confirm-email\?token=[\w-]+)", mail["text"])
    assert match, mail
    return match.group(1)


async def test_the_link_asks_then_the_button_confirms(
    gql: GQL, app, client: httpx.AsyncClient, settings, demo
) -> None:
    link = await mailed_link(gql, app, settings)
    path = link.split("://", 1)[1].split("/", 1)[1]
    asked = await client.get("/" + path, headers={"Accept-Language": "ru"})
    assert asked.status_code == 200
    assert "anna@example.org" in asked.text
    assert 'method="post"' in asked.text
    assert asked.headers["cache-control"] == "no-store"
    anna = await User.get(name__startswith="Анна")
    assert anna.email is None, "opening the link confirms nothing"

    token = path.split("token=", 1)[1]
    done = await client.post("/confirm-email", data={"token": token})
    assert done.status_code == 200
    assert "anna@example.org" in done.text
    assert (await User.get(id=anna.id)).email == "anna@example.org"

    again = await client.post("/confirm-email", data={"token": token})
    assert again.status_code == 404
    reopened = await client.get("/" + path)
    assert reopened.status_code == 404


async def test_a_wrong_link_changes_nothing(
    gql: GQL, app, client: httpx.AsyncClient, settings, demo
) -> None:
    link = await mailed_link(gql, app, settings)
    token = link.split("token=", 1)[1]
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "", "x" * 5000):
        assert (await client.get("/confirm-email", params={"token": wrong})).status_code == 404
        assert (await client.post("/confirm-email", data={"token": wrong})).status_code == 404
    assert (await User.get(name__startswith="Анна")).email is None
    assert await EmailConfirmation.filter(confirmed_at__isnull=True).count() == 1
