"""The viewer's sessions: list and revoke."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from auth.policy import AccountData
from auth.sessions import revoke, revoke_others
from models import Session
from models.errors import DomainError, ErrorCode
from resolvers.guard import require_session, sees_account

if TYPE_CHECKING:
    from strawberry.types import Info

    from resolvers.context import Context


async def resolve_sessions(info: Info[Context, None]) -> list[Session]:
    """Every live session of the person; a LIMITED session sees only itself."""
    session = await require_session(info)
    if not await sees_account(info, AccountData.SESSIONS):
        return [session]
    live = Session.filter(
        user_id=session.user_id,
        revoked_at__isnull=True,
        expires_at__gt=datetime.now(UTC),
    )
    return list(await live.order_by("-created_at"))


async def resolve_revoke_session(info: Info[Context, None], session_id: str) -> Session:
    """Only one's own sessions; anyone else's id is NOT_FOUND, like an id that never was."""
    current = await require_session(info, changes=AccountData.SESSIONS)
    try:
        target_id = uuid.UUID(session_id)
    except ValueError:
        raise DomainError(ErrorCode.NOT_FOUND, field=["sessionId"]) from None
    target = await Session.get_or_none(
        id=target_id,
        user_id=current.user_id,
        revoked_at__isnull=True,
    )
    if target is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=["sessionId"])
    await revoke(target, "revoked_by_user")
    if target.id == current.id:
        info.context.forget_session()
    return target


async def sessions_by_ids(info: Info[Context, None], ids: list[str]) -> list[Session | None]:
    """node(id) for sessions: only the viewer's own are visible."""
    session = await info.context.current_session()
    if session is None or session.must_set_password:
        return [None for _ in ids]
    if not await sees_account(info, AccountData.SESSIONS):
        # a LIMITED session sees itself only, here as in viewer.sessions
        return [session if raw == str(session.id) else None for raw in ids]
    wanted = []
    for raw in ids:
        try:
            wanted.append(uuid.UUID(raw))
        except ValueError:
            continue
    rows = {str(s.id): s for s in await Session.filter(id__in=wanted, user_id=session.user_id)}
    return [rows.get(raw) for raw in ids]


async def resolve_revoke_other_sessions(info: Info[Context, None]) -> int:
    """ "Log out everywhere else": every live session of the person but this one."""
    current = await require_session(info, changes=AccountData.SESSIONS)
    return await revoke_others(current.user_id, current.id, "revoked_by_user")
