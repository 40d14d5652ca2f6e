"""Fields of a person that need a lookup."""

from __future__ import annotations

from auth.lookup import login_of
from auth.profile import pending_email
from models import User


async def resolve_login(user: User) -> str:
    return await login_of(user)


async def resolve_pending_email(user: User) -> str | None:
    return await pending_email(user)
