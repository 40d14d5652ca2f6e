"""The checks every authenticated resolver starts with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auth.policy import AccountData, may_use_account
from models import Session
from models.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def require_session(
    info: Info[Context, None], *, password_change: bool = False, changes: AccountData | None = None
) -> Session:
    """The live session of this request, or UNAUTHENTICATED.

    A session opened with a temporary password may only set its password and log out
    (`password_change=True` marks the resolvers that allow it). `changes=` names the
    account-wide data a mutation changes (password, profile, other sessions, who may
    ask for the numbers): a session the policy refuses it (`may_use_account`: a LIMITED
    one, such as a mobile-network login) gets FORBIDDEN.
    """
    session = await info.context.current_session()
    if session is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if session.must_set_password and not password_change:
        raise DomainError(ErrorCode.PASSWORD_CHANGE_REQUIRED)
    if changes is not None and not may_use_account(session.access_cap, changes):
        raise DomainError(ErrorCode.FORBIDDEN, "needs_full_session")
    return session


async def sees_account(info: Info[Context, None], data: AccountData) -> bool:
    """Whether this request's session may see account-wide `data` (lists answer [] if not)."""
    session = await require_session(info)
    return may_use_account(session.access_cap, data)


async def sees_account_of(info: Info[Context, None], user_id: int, data: AccountData) -> bool:
    """Whether this request may read a person's account-wide `data` (e-mail, bound
    provider accounts): only that person's own session, and only one the policy allows."""
    session = await info.context.current_session()
    return (
        session is not None
        and not session.must_set_password
        and session.user_id == user_id
        and may_use_account(session.access_cap, data)
    )
