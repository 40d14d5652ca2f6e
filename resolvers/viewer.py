"""`viewer`: who is asking, through which session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models import Session, User
from resolvers.guard import require_session


@dataclass(frozen=True)
class ViewerData:
    user: User
    session: Session


async def resolve_viewer(info: Any) -> ViewerData | None:
    """None without a token; a bad or revoked token is an error the client must act on."""
    if await info.context.current_session() is None:
        return None
    session = await require_session(info)
    return ViewerData(user=session.user, session=session)  # type: ignore[attr-defined]
