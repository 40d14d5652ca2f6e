"""Session and the login payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

import models
from models.access import AccessLevel as AccessLevelEnum
from models.errors import DomainError
from resolvers.identity.sessions import sessions_by_ids
from schema.scalars import UserError

AuthMethod = strawberry.enum(models.AuthMethod, description="How a session was opened.")
AccessLevel = strawberry.enum(AccessLevelEnum, description="FULL or LIMITED access.")


@strawberry.type(description="One login on one client.")
class Session(relay.Node):
    id: relay.NodeID[str]
    auth_method: AuthMethod = strawberry.field(description="How it was opened.")  # type: ignore[valid-type]
    access_cap: AccessLevel = strawberry.field(  # type: ignore[valid-type]
        description="The most this session may do on any number."
    )
    must_set_password: bool = strawberry.field(
        description="Opened with a temporary password: only setPassword and logout work."
    )
    created_at: datetime = strawberry.field(description="When it was opened.")
    last_seen_at: datetime | None = strawberry.field(description="Last request, to a minute.")
    expires_at: datetime = strawberry.field(description="When it ends unless refreshed.")
    user_agent: str = strawberry.field(description="The client's User-Agent when it logged in.")
    client_ip: str | None = strawberry.field(description="The client's address at login.")

    @strawberry.field(description="Whether this is the session making the request.")
    async def current(self, info: Info) -> bool:
        issued = info.context.issued_session_id
        if issued is not None:
            return str(issued) == str(self.id)
        try:
            session = await info.context.current_session()
        except DomainError:
            return False
        return session is not None and session.id == self.id

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info) -> bool:
        return isinstance(obj, models.Session | cls)

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return str(root.id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[models.Session | None]:
        return await sessions_by_ids(info, list(node_ids))


@strawberry.type(description="The answer to a login: tokens and the new session, or errors.")
class LoginPayload:
    access_token: str | None = strawberry.field(
        default=None, description="Send as `Authorization: Bearer ...`; lives 15 minutes."
    )
    refresh_token: str | None = strawberry.field(
        default=None, description="Spend with refreshSession; single use, 30 days."
    )
    session: Session | None = strawberry.field(default=None, description="The new session.")
    locked_until: datetime | None = strawberry.field(
        default=None, description="With LOCKED: when password login opens again."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed, if it did.")
