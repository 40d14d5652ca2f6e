"""RATE_LIMITED and LOCKED say when to try again in a field, not only in the text
(issue 11, finding 8); the lockout's end is told in the reader's language and clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graphql import GraphQLError

from config import QueryLimits
from models import Credential, User
from models.errors import DomainError, ErrorCode
from schema.errors import present_error
from tests.conftest import GQL
from tests.helpers import REQUEST_PASSWORD

LOGIN = """
mutation L($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) { errors { code message retryAfter } }
}
"""


async def test_rate_limited_names_the_wait_in_a_field(gql: GQL, demo) -> None:
    for _ in range(3):
        await gql(REQUEST_PASSWORD, {"login": "9031234567"})
    answer = await gql(
        'mutation { requestPassword(input: {login: "9031234567"}) '
        "{ errors { code message retryAfter } } }",
        headers={"Accept-Language": "en"},
    )
    (error,) = answer["data"]["requestPassword"]["errors"]
    assert error["code"] == "RATE_LIMITED"
    assert 0 < error["retryAfter"] <= 15 * 60
    assert f"in {error['retryAfter']} seconds" in error["message"]


async def test_locked_names_the_wait_and_the_time_in_the_readers_language(gql: GQL, demo) -> None:
    user = await User.get(credential__isnull=False, name__startswith="Анна")
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=40)
    await Credential.filter(user=user).update(locked_until=until)
    for language, words in (("ru", "по московскому времени"), ("en", "Moscow time")):
        answer = await gql(
            LOGIN,
            {"login": "9031234567", "password": "whatever-it-is"},
            headers={"Accept-Language": language},
        )
        (error,) = answer["data"]["login"]["errors"]
        assert error["code"] == "LOCKED"
        assert 39 * 60 < error["retryAfter"] <= 40 * 60
        moscow = (until + timedelta(hours=3)).strftime("%H:%M")
        assert f"{moscow} {words}" in error["message"]
        assert "+00:00" not in error["message"]


def test_a_top_level_error_carries_retry_after_in_extensions() -> None:
    raised = GraphQLError("x", original_error=DomainError(ErrorCode.RATE_LIMITED, retry_after=7))
    shown = present_error(raised, None, QueryLimits())
    assert shown.extensions == {"code": "RATE_LIMITED", "retryAfter": 7}
