"""The checks every authenticated resolver starts with."""

from __future__ import annotations

from typing import Any

from models import Session
from models.errors import DomainError, ErrorCode


async def require_session(info: Any, *, password_change: bool = False) -> Session:
    """The live session of this request, or UNAUTHENTICATED.

    A session opened with a temporary password may only set its password and log out
    (`password_change=True` marks the resolvers that allow it).
    """
    session = await info.context.current_session()
    if session is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if session.must_set_password and not password_change:
        raise DomainError(ErrorCode.PASSWORD_CHANGE_REQUIRED)
    return session
