"""Session and the login payload."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo
from strawberry import relay
from strawberry.types import Info

import models
from models import AuthMethod
from models.access import AccessLevel
from models.errors import DomainError
from resolvers.context import Context
from resolvers.identity.sessions import sessions_by_ids
from schema.scalars import UserError

# registered in place (strawberry.enum returns the same class): fields use the domain enum
strawberry.enum(AuthMethod, description="How a session was opened.")
strawberry.enum(AccessLevel, description="FULL or LIMITED access.")


@strawberry.type(description="One login on one client.")
class Session(relay.Node):
    id: relay.NodeID[str]
    auth_method: AuthMethod = strawberry.field(description="How it was opened.")
    access_cap: AccessLevel = strawberry.field(
        description="The most this session may do on any number."
    )
    must_set_password: bool = strawberry.field(
        description="Opened with a temporary password: only setPassword and logout work."
    )
    created_at: datetime = strawberry.field(description="When it was opened.")
    last_seen_at: datetime | None = strawberry.field(description="Last request, to a minute.")
    expires_at: datetime = strawberry.field(description="When it ends unless refreshed.")
    user_agent: str = strawberry.field(description="The client's User-Agent when it logged in.")
    device_name: str | None = strawberry.field(
        description="The name given to the device at login (loginWithMobileNetwork)."
    )
    client_ip: str | None = strawberry.field(description="The client's address at login.")

    @strawberry.field(description="Whether this is the session making the request.")
    async def current(
        self, root: strawberry.Parent[models.Session], info: Info[Context, None]
    ) -> bool:
        issued = info.context.issued_session_id
        if issued is not None:
            return str(issued) == str(root.id)
        try:
            session = await info.context.current_session()
        except DomainError:
            return False
        return session is not None and session.id == root.id

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo) -> bool:
        return isinstance(obj, models.Session | cls)

    # root is a models.Session row, which Node.resolve_id (typed with Self) cannot name
    @classmethod
    def resolve_id(cls, root: Any, *, info: Info[Context, None]) -> str:
        return str(root.id)

    # rows, not instances of this class (Node.resolve_nodes is typed as returning Self)
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
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
