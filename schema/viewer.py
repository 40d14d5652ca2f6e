"""`viewer`: the logged-in person and everything they can reach. Null when not logged in."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers.identity.sessions import resolve_sessions
from resolvers.viewer import resolve_viewer
from schema.identity.types import Session
from schema.person import User


@strawberry.type(description="The logged-in person's view of linehub.")
class Viewer:
    user: User = strawberry.field(description="Who is logged in.")
    session: Session = strawberry.field(description="The session making this request.")

    @strawberry.field(description="Every live session of this person, newest first.")
    async def sessions(self, info: Info) -> list[Session]:
        return await resolve_sessions(info)  # type: ignore[return-value]


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The logged-in viewer; null without an access token.")
    async def viewer(self, info: Info) -> Viewer | None:
        return await resolve_viewer(info)  # type: ignore[return-value]
