"""updateProfile, confirmEmail."""

from __future__ import annotations

from typing import Any

from auth.network import set_network_access
from auth.profile import confirm_email, update_profile
from models import User
from models.access import MobileNetworkAccess
from resolvers.guard import require_session


async def resolve_update_profile(
    info: Any, *, alias: str | None, name: str | None, email: str | None
) -> User:
    session = await require_session(info)
    return await update_profile(
        session.user,
        info.context.auth,
        alias=alias,
        name=name,
        email=email,  # type: ignore[attr-defined]
    )


async def resolve_confirm_email(info: Any, code: str) -> User:
    session = await require_session(info)
    return await confirm_email(session.user, code)  # type: ignore[attr-defined]


async def resolve_set_mobile_network_access(
    info: Any, msisdn: str, level: MobileNetworkAccess
) -> MobileNetworkAccess:
    session = await require_session(info)
    line = await set_network_access(session.user_id, msisdn, level)  # type: ignore[attr-defined]
    return line.mobile_network_access
