"""The checks every authenticated resolver starts with."""

from __future__ import annotations

from typing import Any

from models import AccessLevel, Session
from models.errors import DomainError, ErrorCode


async def require_session(
    info: Any, *, password_change: bool = False, full: bool = False
) -> Session:
    """The live session of this request, or UNAUTHENTICATED.

    A session opened with a temporary password may only set its password and log out
    (`password_change=True` marks the resolvers that allow it). `full=True` marks what
    changes the account itself (password, profile, other sessions, who may ask for the
    numbers): a LIMITED session, such as a mobile-network login, gets FORBIDDEN.
    """
    session = await info.context.current_session()
    if session is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if session.must_set_password and not password_change:
        raise DomainError(ErrorCode.PASSWORD_CHANGE_REQUIRED)
    if full and session.access_cap is not AccessLevel.FULL:
        raise DomainError(ErrorCode.FORBIDDEN, "needs_full_session")
    return session


async def is_full(info: Any) -> bool:
    """Whether this request's session may see account-wide data (lists return [] if not)."""
    session = await require_session(info)
    return session.access_cap is AccessLevel.FULL


async def sees_account_of(info: Any, user_id: int) -> bool:
    """Whether this request may read a person's account-wide data (e-mail, bound provider
    accounts, other sessions): only that person's own FULL session."""
    session = await info.context.current_session()
    return (
        session is not None
        and not session.must_set_password
        and session.user_id == user_id  # type: ignore[attr-defined]
        and session.access_cap is AccessLevel.FULL
    )
