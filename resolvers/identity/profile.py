"""updateProfile, confirmEmail."""

from __future__ import annotations

from typing import Any

from auth.policy import AccountData
from auth.profile import confirm_email, update_profile
from models import User
from resolvers.guard import require_session


async def resolve_update_profile(
    info: Any, *, alias: str | None, name: str | None, email: str | None
) -> User:
    session = await require_session(info, changes=AccountData.PROFILE)
    return await update_profile(
        session.user,
        info.context.services,
        alias=alias,
        name=name,
        email=email,  # type: ignore[attr-defined]
        language=info.context.language,
    )


async def resolve_confirm_email(info: Any, code: str) -> User:
    session = await require_session(info, changes=AccountData.EMAIL)
    return await confirm_email(session.user, code)  # type: ignore[attr-defined]
