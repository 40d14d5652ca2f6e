"""The access audit log: every grant, revoke and level change, with who and from where."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.access import AuditAction, AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts and through which session; both land in the audit log."""

    user_id: int | None
    session_id: uuid.UUID | None = None


async def record(
    line_id: int,
    actor: Actor,
    action: AuditAction,
    details: dict[str, Any] | None = None,
    *,
    using_db: BaseDBAsyncClient | None = None,
) -> AuditEntry:
    return await AuditEntry.create(
        line_id=line_id,
        actor_id=actor.user_id,
        session_id=actor.session_id,
        action=action,
        details=details or {},
        using_db=using_db,
    )
