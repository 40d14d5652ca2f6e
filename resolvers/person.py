"""The person behind a login: `viewer`, the fields of a person that need a lookup or are
the account's own (FULL sessions only), and updateProfile, confirmEmail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auth.lookup import login_of
from auth.person import confirm_email, pending_email, update_profile
from auth.policy import AccountData
from models import Session, User
from resolvers.guard import require_session, sees_account_of

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


@dataclass(frozen=True)
class ViewerData:
    user: User
    session: Session


async def resolve_viewer(info: Info[Context, None]) -> ViewerData | None:
    """None without a token; a bad or revoked token is an error the client must act on."""
    if await info.context.current_session() is None:
        return None
    session = await require_session(info)
    return ViewerData(user=session.user, session=session)


async def resolve_login(user: User) -> str:
    return await login_of(user)


async def resolve_email(info: Info[Context, None], user: User) -> str | None:
    return user.email if await sees_account_of(info, user.id, AccountData.EMAIL) else None


async def resolve_pending_email(info: Info[Context, None], user: User) -> str | None:
    return (
        await pending_email(user)
        if await sees_account_of(info, user.id, AccountData.EMAIL)
        else None
    )


async def resolve_update_profile(
    info: Info[Context, None], *, alias: str | None, name: str | None, email: str | None
) -> User:
    session = await require_session(info, changes=AccountData.PROFILE)
    return await update_profile(
        session.user,
        info.context.services,
        alias=alias,
        name=name,
        email=email,
        language=info.context.language,
    )


async def resolve_confirm_email(info: Info[Context, None], code: str) -> User:
    session = await require_session(info, changes=AccountData.EMAIL)
    return await confirm_email(session.user, code)
