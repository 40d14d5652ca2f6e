"""`viewer`: the logged-in person and everything they can reach. Null when not logged in."""

from __future__ import annotations

import strawberry
from strawberry.types import Info  # noqa: TC002 - strawberry reads annotations at runtime

from schema.person import User


@strawberry.type(description="The logged-in person's view of linehub.")
class Viewer:
    user: User = strawberry.field(description="Who is logged in.")


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The logged-in viewer; null without a valid access token.")
    async def viewer(self, info: Info) -> Viewer | None:
        return None
