"""The account-wide rule of auth/policy.py on its own: only a FULL session sees and
changes data above the lines. The GraphQL tests (identity, social, access) prove the
resolvers follow it; this pins the rule itself."""

from __future__ import annotations

import pytest

from auth.policy import AccountData, may_use_account
from models import AccessLevel


@pytest.mark.parametrize("data", list(AccountData))
def test_a_full_session_may_see_and_change_account_data(data: AccountData) -> None:
    assert may_use_account(AccessLevel.FULL, data)


@pytest.mark.parametrize("data", list(AccountData))
def test_a_limited_session_may_see_and_change_no_account_data(data: AccountData) -> None:
    assert not may_use_account(AccessLevel.LIMITED, data)
