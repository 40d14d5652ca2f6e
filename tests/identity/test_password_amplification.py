"""argon2 cannot be used as an amplifier (issue 11, finding 3).

Every check of a password costs ~0.1 s of a core and 64 MiB. One request may run one;
changing a password is throttled per person and counts against the address's password
checks with the logins; a locked password login checks nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auth.throttle import LOGINS_PER_CLIENT, client_key
from models import Credential, User
from tests.conftest import CLIENT_IP, GQL
from tests.helpers import DEMO_PASSWORD, login, token_for

ANNA = "9031234567"
NEW = "сосны шумят над рекой"


def change(alias: str = "changePassword") -> str:
    return (
        f'{alias}: changePassword(input: {{oldPassword: "{DEMO_PASSWORD}", '
        f'newPassword: "{NEW}", newPasswordRepeat: "{NEW}"}}) {{ errors {{ code }} }}'
    )


async def annas_credential() -> Credential:
    user = await User.get(credential__isnull=False, name__startswith="Анна")
    return await Credential.get(user=user)


async def test_one_request_checks_one_password(gql: GQL, demo) -> None:
    token = await token_for(gql, ANNA)
    aliased = "mutation { " + " ".join(change(f"a{n}") for n in range(30)) + " }"
    through_fragments = (
        "mutation { ...A ... on Mutation { " + change("b") + " } } "
        "fragment A on Mutation { " + change("a") + " }"
    )
    for document in (aliased, through_fragments):
        result = await gql(document, token=token, headers={"Accept-Language": "en"})
        (error,) = result["errors"]
        assert error["extensions"]["code"] == "TOO_MANY_PASSWORD_CHECKS"
        assert "once" in error["message"]
        assert result.get("data") is None
    # nothing ran: no failure counted, the password is the old one
    assert (await annas_credential()).failed_attempts == 0
    assert (await login(gql, ANNA))["errors"] == []

    # a login and a password change together are two checks as well
    both = (
        "mutation { "
        + change()
        + ' login(input: {login: "9031234567", password: "x"}) { errors { code } } }'
    )
    assert (await gql(both, token=token))["errors"][0]["extensions"]["code"] == (
        "TOO_MANY_PASSWORD_CHECKS"
    )
    # one is what a person does, and it works
    done = await gql("mutation { " + change() + " }", token=token)
    assert done["data"]["changePassword"]["errors"] == []


async def test_changing_a_password_is_throttled_per_person(gql: GQL, demo) -> None:
    token = await token_for(gql, ANNA)
    wrong = (
        'mutation { changePassword(input: {oldPassword: "not-it-at-all", '
        f'newPassword: "{NEW}", newPasswordRepeat: "{NEW}"}}) {{ errors {{ code }} }} }}'
    )
    for _ in range(5):
        result = await gql(wrong, token=token)
        assert result["data"]["changePassword"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    refused = await gql(wrong, token=token)
    assert refused["data"]["changePassword"]["errors"] == [{"code": "RATE_LIMITED"}]
    # the refused attempt checked nothing and counted no failure
    assert (await annas_credential()).failed_attempts == 5
    # another person is not held by Anna's count
    masha = await token_for(gql, "9031234568")
    other = await gql(wrong, token=masha)
    assert other["data"]["changePassword"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]


async def test_password_changes_count_with_the_addresss_logins(gql: GQL, app, demo) -> None:
    token = await token_for(gql, ANNA)
    throttle = app.state.services.throttle
    # the address has spent its password checks (on logins, say)
    for _ in range(LOGINS_PER_CLIENT.limits[0].count - 1):
        assert await throttle.admit([LOGINS_PER_CLIENT.of(client_key(CLIENT_IP))]) is None
    refused = await gql("mutation { " + change() + " }", token=token)
    assert refused["data"]["changePassword"]["errors"] == [{"code": "RATE_LIMITED"}]
    assert (await login(gql, ANNA))["errors"][0]["code"] == "RATE_LIMITED"


async def test_a_locked_password_login_checks_no_password(gql: GQL, demo) -> None:
    token = await token_for(gql, ANNA)
    credential = await annas_credential()
    credential.locked_until = datetime.now(UTC) + timedelta(hours=1)
    await credential.save()
    result = await gql("mutation { " + change() + " }", token=token)
    assert result["data"]["changePassword"]["errors"] == [{"code": "LOCKED"}]
    credential = await annas_credential()
    assert credential.failed_attempts == 0
    credential.locked_until = None
    await credential.save()
    assert (await login(gql, ANNA))["errors"] == []
