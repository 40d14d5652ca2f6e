"""Fields of a person that need a lookup or are the account's own (FULL sessions only)."""

from __future__ import annotations

from typing import Any

from auth.lookup import login_of
from auth.policy import AccountData
from auth.profile import pending_email
from models import User
from resolvers.guard import sees_account_of


async def resolve_login(user: User) -> str:
    return await login_of(user)


async def resolve_email(info: Any, user: User) -> str | None:
    return user.email if await sees_account_of(info, user.id, AccountData.EMAIL) else None


async def resolve_pending_email(info: Any, user: User) -> str | None:
    return (
        await pending_email(user)
        if await sees_account_of(info, user.id, AccountData.EMAIL)
        else None
    )
